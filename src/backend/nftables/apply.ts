/**
 * Running nft scripts in a target namespace: apply (`nft -f -`, one atomic transaction), check (`nft -c -f -`,
 * nothing applied), remove a network's chains, list the networks that have chains. Scripts go on stdin; argv only.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { systemRunner } from '../../sys/exec.js'
import type { Runner } from '../../sys/exec.js'
import type { Target } from '../../model/target.js'
import { HOSTNET_TABLE, HOSTNET_TABLE_FAMILY, parseChainName } from './names.js'
import { nftFailure } from './nft-error.js'
import { emptyRuleset } from './render.js'
import { renderNftScript } from './ruleset.js'

export const NFT_TIMEOUT_MS = 60_000

export interface NftRunOptions {
  runner?: Runner
  timeoutMs?: number
}

/** A network's chains in the target's `inet hostnet` table, and the bridge whose network they filter. */
export interface HostnetFirewall {
  readonly bridgeName: string
  /** Chain names, sorted. */
  readonly chains: readonly string[]
}

async function runNft(
  target: Target,
  args: readonly string[],
  input: string,
  what: string,
  opts: NftRunOptions,
): Promise<string> {
  const argv = ['nft', ...args]
  const res = await (opts.runner ?? systemRunner).run(argv, {
    input,
    allowFailure: true,
    timeoutMs: opts.timeoutMs ?? NFT_TIMEOUT_MS,
    ...(target.kind === 'netns' ? { netns: target.name } : {}),
  })
  if (res.exitCode !== 0) throw nftFailure(target, argv, res.exitCode, res.stderr, what)
  return res.stdout
}

/** Apply a script from renderNftScript in one nft transaction: all of it takes effect, or none (NftError). */
export async function applyNetworkFirewall(target: Target, script: string, opts: NftRunOptions = {}): Promise<void> {
  await runNft(target, ['-f', '-'], script, 'apply the firewall script', opts)
}

/** Check a script against the target's kernel without applying anything (`nft -c`). */
export async function checkNftScript(target: Target, script: string, opts: NftRunOptions = {}): Promise<void> {
  await runNft(target, ['-c', '-f', '-'], script, 'check the firewall script', opts)
}

/** Delete the chains of the network on `bridgeName` (idempotent: no error when they do not exist). */
export async function removeNetworkFirewall(target: Target, bridgeName: string, opts: NftRunOptions = {}): Promise<void> {
  const script = renderNftScript(emptyRuleset(bridgeName), 'delete')
  await runNft(target, ['-f', '-'], script, `remove the firewall of bridge '${bridgeName}'`, opts)
}

/** The networks that have chains in the target's `inet hostnet` table, sorted by bridge name. */
export async function listHostnetFirewalls(target: Target, opts: NftRunOptions = {}): Promise<HostnetFirewall[]> {
  const stdout = await runNft(target, ['-j', 'list', 'chains', HOSTNET_TABLE_FAMILY], '', 'list chains', opts)
  const byBridge = new Map<string, string[]>()
  for (const name of chainNamesFromJson(stdout)) {
    const parsed = parseChainName(name)
    if (parsed === undefined) continue
    byBridge.set(parsed.bridgeName, [...(byBridge.get(parsed.bridgeName) ?? []), name])
  }
  return [...byBridge]
    .map(([bridgeName, chains]) => ({ bridgeName, chains: chains.sort() }))
    .sort((a, b) => (a.bridgeName < b.bridgeName ? -1 : a.bridgeName > b.bridgeName ? 1 : 0))
}

/** Names of the chains of hostnet's table in `nft -j list chains` output. */
export function chainNamesFromJson(stdout: string): string[] {
  if (stdout.trim() === '') return []
  let doc: unknown
  try {
    doc = JSON.parse(stdout)
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot read nft's JSON chain list: ${(e as Error).message}`, { cause: e })
  }
  const items = (doc as { nftables?: unknown }).nftables
  if (!Array.isArray(items)) throw new HostnetError('backend-failure', "nft's JSON chain list has no 'nftables' array")
  const names: string[] = []
  for (const item of items as unknown[]) {
    const chain = (item as { chain?: { family?: unknown; table?: unknown; name?: unknown } } | null)?.chain
    if (chain?.family === HOSTNET_TABLE_FAMILY && chain.table === HOSTNET_TABLE && typeof chain.name === 'string') names.push(chain.name)
  }
  return names
}
