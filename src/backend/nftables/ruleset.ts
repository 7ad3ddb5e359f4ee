/**
 * A network's nftables ruleset as data (its base chains and their rules, in hostnet's one table of the target) and
 * its rendering as an `nft -f` script. Every script is one nft transaction: it applies completely or not at all.
 * @module
 */
import { assertNever } from '../../errors.js'
import { HOSTNET_TABLE, HOSTNET_TABLE_FAMILY, nftComment } from './names.js'

export type NftChainType = 'filter' | 'nat'
export type NftHook = 'forward' | 'postrouting'
/** Named priorities (`filter` = 0, `srcnat` = 100). */
export type NftPriority = 'filter' | 'srcnat'

/** What makes a chain a base chain (policy accept: the chain only ever rejects what its rules reject). */
export interface NftChainSpec {
  readonly name: string
  readonly type: NftChainType
  readonly hook: NftHook
  readonly priority: NftPriority
}

export interface NftChain extends NftChainSpec {
  /** Rule bodies in order, as nft syntax (`iifname "virbr0" reject`). */
  readonly rules: readonly string[]
}

export interface NftRuleset {
  readonly family: typeof HOSTNET_TABLE_FAMILY
  readonly table: typeof HOSTNET_TABLE
  /** Free text for `nft list` readers (sanitised when rendered, as each chain's comment). */
  readonly comment: string
  /** Every chain the network may own, present or not: a script first removes all of them. */
  readonly owned: readonly NftChainSpec[]
  /** No chains: the network has no firewall, and none of its chains may exist. */
  readonly chains: readonly NftChain[]
}

export type NftScriptOp = 'replace' | 'delete'

export interface NftObjectCount {
  /** Tables of the network's own (0: its chains live in the target's shared `inet hostnet` table). */
  readonly tables: number
  readonly chains: number
  readonly rules: number
  readonly total: number
}

/** Kernel objects the ruleset creates (an empty ruleset creates none). */
export function countNftObjects(ruleset: NftRuleset): NftObjectCount {
  const chains = ruleset.chains.length
  const rules = ruleset.chains.reduce((n, c) => n + c.rules.length, 0)
  return { tables: 0, chains, rules, total: chains + rules }
}

const chainHead = (c: NftChainSpec): string => `type ${c.type} hook ${c.hook} priority ${c.priority}; policy accept;`

/**
 * The `nft -f` script for `op`. Both are idempotent whatever exists: `table inet hostnet {}` declares the
 * target's table (a no-op when it exists); each chain the network may own is declared (a no-op when it exists),
 * flushed and deleted, so no stale chain or rule survives; `replace` then adds the network's chains and rules
 * afresh. Nothing outside the network's own chains is named, so nothing else is touched. Only `add` commands and
 * chain deletions: nft 1.0.6 then reads no more than the one table into its cache (a table of its own per
 * network made every script dump every network's table: ~40 ms with 100 networks).
 */
export function renderNftScript(ruleset: NftRuleset, op: NftScriptOp): string {
  const t = `${ruleset.family} ${ruleset.table}`
  const lines = [`table ${t} {}`]
  for (const c of ruleset.owned) {
    lines.push(`add chain ${t} ${c.name} { ${chainHead(c)} }`, `flush chain ${t} ${c.name}`, `delete chain ${t} ${c.name}`)
  }
  switch (op) {
    case 'delete':
      break
    case 'replace':
      for (const c of ruleset.chains) {
        lines.push(`add chain ${t} ${c.name} { ${chainHead(c)} comment ${nftComment(ruleset.comment)}; }`)
        for (const rule of c.rules) lines.push(`add rule ${t} ${c.name} ${rule}`)
      }
      break
    default:
      assertNever(op, 'nft script operation')
  }
  return `${lines.join('\n')}\n`
}
