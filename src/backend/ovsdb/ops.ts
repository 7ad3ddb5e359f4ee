/**
 * Transaction operations (RFC 7047 §5.2) as plain JSON objects, and builders for them. Builders do no I/O:
 * callers collect the operations of one change and send them in one `transact` (libovsdb's design).
 *
 * @example
 * const ops = [
 *   Op.insert('Interface', { name: 'p1', type: 'internal' }, 'if_p1'),
 *   Op.insert('Port', { name: 'p1', interfaces: namedUuid('if_p1'), tag: 10 }, 'port_p1'),
 *   Op.mutate('Bridge', [eq('name', 'br0')], [mutation('ports', 'insert', ovsSet([namedUuid('port_p1')]))]),
 * ]
 * @module
 */
import type { OvsdbAtom, OvsdbRow, OvsdbValue } from './atoms.js'

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes'
export type Condition = readonly [column: string, fn: ConditionFunction, value: OvsdbValue]
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete'
export type Mutation = readonly [column: string, mutator: Mutator, value: OvsdbValue]

export interface InsertOp {
  op: 'insert'
  table: string
  row: OvsdbRow
  'uuid-name'?: string
  /** OVS ≥ 2.13 extension: insert with a chosen UUID. */
  uuid?: string
}
export interface SelectOp {
  op: 'select'
  table: string
  where: readonly Condition[]
  columns?: readonly string[]
}
export interface UpdateOp {
  op: 'update'
  table: string
  where: readonly Condition[]
  row: OvsdbRow
}
export interface MutateOp {
  op: 'mutate'
  table: string
  where: readonly Condition[]
  mutations: readonly Mutation[]
}
export interface DeleteOp {
  op: 'delete'
  table: string
  where: readonly Condition[]
}
export interface WaitOp {
  op: 'wait'
  table: string
  where: readonly Condition[]
  columns: readonly string[]
  until: '==' | '!='
  rows: readonly OvsdbRow[]
  timeout?: number
}
export interface CommitOp {
  op: 'commit'
  durable: boolean
}
export interface AbortOp {
  op: 'abort'
}
export interface CommentOp {
  op: 'comment'
  comment: string
}
export interface AssertOp {
  op: 'assert'
  lock: string
}

export type OvsdbOperation = InsertOp | SelectOp | UpdateOp | MutateOp | DeleteOp | WaitOp | CommitOp | AbortOp | CommentOp | AssertOp

/** One element of a transact result (error elements are turned into OvsdbTxnError by the client). */
export interface OperationResult {
  uuid?: readonly ['uuid', string]
  rows?: Array<Record<string, OvsdbValue>>
  count?: number
}

/** OVSDB's error object as it appears in a transaction result or an RPC error answer. */
export interface OvsdbErrorObject {
  error: string
  details?: string
}

export function isOvsdbErrorObject(v: unknown): v is OvsdbErrorObject {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string'
}

export type RawOperationResult = OperationResult | OvsdbErrorObject | null

export function cond(column: string, fn: ConditionFunction, value: OvsdbValue): Condition {
  return [column, fn, value]
}

export function eq(column: string, value: OvsdbValue): Condition {
  return [column, '==', value]
}

export function mutation(column: string, mutator: Mutator, value: OvsdbValue): Mutation {
  return [column, mutator, value]
}

/** Builders for every operation; `Op.delete` deletes rows. */
export const Op = {
  insert(table: string, row: OvsdbRow, uuidName?: string): InsertOp {
    return uuidName === undefined ? { op: 'insert', table, row } : { op: 'insert', table, row, 'uuid-name': uuidName }
  },
  select(table: string, where: readonly Condition[] = [], columns?: readonly string[]): SelectOp {
    return columns === undefined ? { op: 'select', table, where } : { op: 'select', table, where, columns }
  },
  update(table: string, where: readonly Condition[], row: OvsdbRow): UpdateOp {
    return { op: 'update', table, where, row }
  },
  mutate(table: string, where: readonly Condition[], mutations: readonly Mutation[]): MutateOp {
    return { op: 'mutate', table, where, mutations }
  },
  delete(table: string, where: readonly Condition[]): DeleteOp {
    return { op: 'delete', table, where }
  },
  /** Block (up to `timeoutMs`; 0 = fail at once) until the selected rows, projected on `columns`, do (`==`) or do not (`!=`) equal `rows`. */
  wait(
    table: string,
    where: readonly Condition[],
    opts: { columns: readonly string[]; until: '==' | '!='; rows: readonly OvsdbRow[]; timeoutMs?: number },
  ): WaitOp {
    const op: WaitOp = { op: 'wait', table, where, columns: opts.columns, until: opts.until, rows: opts.rows }
    return opts.timeoutMs === undefined ? op : { ...op, timeout: opts.timeoutMs }
  },
  commit(durable: boolean): CommitOp {
    return { op: 'commit', durable }
  },
  abort(): AbortOp {
    return { op: 'abort' }
  },
  comment(comment: string): CommentOp {
    return { op: 'comment', comment }
  },
  assert(lock: string): AssertOp {
    return { op: 'assert', lock }
  },
} as const

/** Condition matching one row by UUID. */
export function byUuid(uuid: string): Condition {
  return ['_uuid', '==', ['uuid', uuid]]
}

/** An atom for a set column holding exactly these elements. */
export function atomsOf(values: Iterable<OvsdbAtom>): OvsdbValue {
  return ['set', [...values]]
}
