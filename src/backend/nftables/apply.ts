/**
 * Running nft scripts in a target namespace: apply (`nft -f -`, one atomic transaction), check (`nft -c -f -`,
 * nothing applied), remove a network's table, list hostnet's tables. Scripts go on stdin; argv only.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { systemRunner } from '../../sys/exec.js'
import type { Runner } from '../../sys/exec.js'
import type { Target } from '../backend.js'
import { HOSTNET_TABLE_FAMILY, bridgeFromTableName, nftTableName } from './names.js'
import { nftFailure } from './nft-error.js'
import { renderNftScript } from './ruleset.js'

export const NFT_TIMEOUT_MS = 60_000

export interface NftRunOptions {
  runner?: Runner
  timeoutMs?: number
}

/** A table hostnet owns, and the bridge whose network it filters. */
export interface HostnetTable {
  readonly family: typeof HOSTNET_TABLE_FAMILY
  readonly table: string
  readonly bridgeName: string
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

/** Delete the table of the network on `bridgeName` (idempotent: no error when it does not exist). */
export async function removeNetworkFirewall(target: Target, bridgeName: string, opts: NftRunOptions = {}): Promise<void> {
  const table = nftTableName(bridgeName)
  const script = renderNftScript({ family: HOSTNET_TABLE_FAMILY, table, comment: '', chains: [] }, 'delete')
  await runNft(target, ['-f', '-'], script, `remove the firewall of bridge '${bridgeName}'`, opts)
}

/** hostnet's tables in the target (by name: `inet hostnet_<escaped bridge>`), sorted by table name. */
export async function listHostnetTables(target: Target, opts: NftRunOptions = {}): Promise<HostnetTable[]> {
  const stdout = await runNft(target, ['-j', 'list', 'tables', HOSTNET_TABLE_FAMILY], '', 'list tables', opts)
  const out: HostnetTable[] = []
  for (const name of tableNamesFromJson(stdout)) {
    const bridgeName = bridgeFromTableName(name)
    if (bridgeName !== undefined) out.push({ family: HOSTNET_TABLE_FAMILY, table: name, bridgeName })
  }
  return out.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))
}

/** Names of the inet tables in `nft -j list tables` output. */
export function tableNamesFromJson(stdout: string): string[] {
  if (stdout.trim() === '') return []
  let doc: unknown
  try {
    doc = JSON.parse(stdout)
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot read nft's JSON table list: ${(e as Error).message}`, { cause: e })
  }
  const items = (doc as { nftables?: unknown }).nftables
  if (!Array.isArray(items)) throw new HostnetError('backend-failure', "nft's JSON table list has no 'nftables' array")
  const names: string[] = []
  for (const item of items as unknown[]) {
    const table = (item as { table?: { family?: unknown; name?: unknown } } | null)?.table
    if (table?.family === HOSTNET_TABLE_FAMILY && typeof table.name === 'string') names.push(table.name)
  }
  return names
}
