/**
 * A network's nftables ruleset as data (one table, its base chains and their rules) and its rendering as an
 * `nft -f` script. Every script is one nft transaction: it applies completely or not at all.
 * @module
 */
import { assertNever } from '../../errors.js'
import { HOSTNET_TABLE_FAMILY, nftComment } from './names.js'

export type NftChainType = 'filter' | 'nat'
export type NftHook = 'forward' | 'postrouting'
/** Named priorities (`filter` = 0, `srcnat` = 100). */
export type NftPriority = 'filter' | 'srcnat'

/** A base chain (policy accept: the chain only ever rejects what its rules reject). */
export interface NftChain {
  readonly name: string
  readonly type: NftChainType
  readonly hook: NftHook
  readonly priority: NftPriority
  /** Rule bodies in order, as nft syntax (`iifname "virbr0" reject`). */
  readonly rules: readonly string[]
}

export interface NftRuleset {
  readonly family: typeof HOSTNET_TABLE_FAMILY
  readonly table: string
  /** Free text for `nft list` readers (sanitised when rendered). */
  readonly comment: string
  /** No chains: the network has no firewall, and the table must not exist. */
  readonly chains: readonly NftChain[]
}

export type NftScriptOp = 'replace' | 'delete'

export interface NftObjectCount {
  readonly tables: number
  readonly chains: number
  readonly rules: number
  readonly total: number
}

/** Kernel objects the ruleset creates (an empty ruleset creates none). */
export function countNftObjects(ruleset: NftRuleset): NftObjectCount {
  const chains = ruleset.chains.length
  const tables = chains === 0 ? 0 : 1
  const rules = ruleset.chains.reduce((n, c) => n + c.rules.length, 0)
  return { tables, chains, rules, total: tables + chains + rules }
}

/**
 * The `nft -f` script for `op`. Both are idempotent whatever exists: `table … {}` declares the table (a no-op
 * when it exists), so the `delete table` after it always succeeds; `replace` then declares the whole table
 * afresh. nft 1.0.6 has no `destroy` command (1.0.8+), hence the declare-then-delete idiom. Nothing outside
 * the network's own table is named, so nothing else is touched.
 */
export function renderNftScript(ruleset: NftRuleset, op: NftScriptOp): string {
  const id = `${ruleset.family} ${ruleset.table}`
  const lines = [`table ${id} {}`, `delete table ${id}`]
  switch (op) {
    case 'delete':
      break
    case 'replace':
      if (ruleset.chains.length > 0) lines.push(...renderTable(ruleset))
      break
    default:
      assertNever(op, 'nft script operation')
  }
  return `${lines.join('\n')}\n`
}

function renderTable(ruleset: NftRuleset): string[] {
  const out = [`table ${ruleset.family} ${ruleset.table} {`, `\tcomment ${nftComment(ruleset.comment)}`]
  for (const chain of ruleset.chains) {
    out.push(`\tchain ${chain.name} {`)
    out.push(`\t\ttype ${chain.type} hook ${chain.hook} priority ${chain.priority}; policy accept;`)
    for (const rule of chain.rules) out.push(`\t\t${rule}`)
    out.push('\t}')
  }
  out.push('}')
  return out
}
