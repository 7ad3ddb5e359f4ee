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

/** A network's chains (`forward_<bridge>`, `postrouting_<bridge>`) in the target's `inet hostnet` table, listed (no counters). */
export function networkChains(ns: string, bridgeChains: readonly string[]): string {
  return bridgeChains.map((c) => {
    try {
      return nftIn(ns, ['-s', 'list', 'chain', 'inet', 'hostnet', c])
    } catch {
      return '' // no such chain
    }
  }).join('')
}

/** Chains and rules of the named chains of `inet hostnet`, as the kernel reports them. */
export function kernelChainCount(ns: string, chains: readonly string[]): { chains: number; rules: number } {
  let out = { chains: 0, rules: 0 }
  for (const c of chains) {
    let doc: { nftables: Array<Record<string, unknown>> }
    try {
      doc = JSON.parse(nftIn(ns, ['-j', 'list', 'chain', 'inet', 'hostnet', c])) as typeof doc
    } catch {
      continue // no such chain
    }
    out = { chains: out.chains + doc.nftables.filter((o) => 'chain' in o).length, rules: out.rules + doc.nftables.filter((o) => 'rule' in o).length }
  }
  return out
}
