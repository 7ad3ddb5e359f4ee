/** nft inside a test namespace: availability, listings without counters, kernel object counts. */
import { execFileSync } from 'node:child_process'

export function nftAvailable(): boolean {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false // no nft binary: the nft tests skip
  }
}

/** Run nft in `ns` (argv only) and return stdout; throws on failure. */
export function nftIn(ns: string, args: readonly string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, 'nft', ...args], { encoding: 'utf8', input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] })
}

/** The whole ruleset without counter values (`nft -s`), for before/after comparisons. */
export function rulesetOf(ns: string): string {
  return nftIn(ns, ['-s', 'list', 'ruleset'])
}

/** Tables, chains and rules of one table as the kernel reports them. */
export function kernelObjectCount(ns: string, family: string, table: string): { tables: number; chains: number; rules: number } {
  const doc = JSON.parse(nftIn(ns, ['-j', 'list', 'table', family, table])) as { nftables: Array<Record<string, unknown>> }
  const count = (key: string) => doc.nftables.filter((o) => key in o).length
  return { tables: count('table'), chains: count('chain'), rules: count('rule') }
}
