/**
 * Desired-state documents in nmstate's schema (YAML or JSON): parse strictly into a DesiredState, and format a
 * HostState or DesiredState back (parse(format(x)) deep-equals x).
 *
 * ```yaml
 * interfaces:
 *   - name: br0
 *     type: linux-bridge
 *     state: up
 *     bridge:
 *       options: {stp: {enabled: false}}
 *       port: [{name: bond0}]
 *     ipv4: {enabled: true, address: [{ip: 192.0.2.1, prefix-length: 24}]}
 * routes:
 *   config:
 *     - {destination: 0.0.0.0/0, next-hop-address: 192.0.2.254, next-hop-interface: br0}
 * ```
 * @module
 */
import { parseDocument, stringify } from 'yaml'
import { ValidationError } from '../../errors.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import { checkKeys, readList, readObj } from './fields.js'
import type { Ctx } from './fields.js'
import { emitYaml } from './emit.js'
import { stateDocument } from './state-doc.js'
import { readIface } from './parse-iface.js'
import { readRoutes } from './parse-routes.js'

export type StateFormat = 'yaml' | 'json'

/** Aliases per document, to refuse "billion laughs" documents. */
const MAX_ALIASES = 100

function decode(text: string, format: StateFormat): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown
    } catch (e) {
      throw new ValidationError(`invalid JSON document: ${(e as Error).message}`, { path: '', cause: e })
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, version: '1.2' })
  const err = doc.errors[0]
  if (err !== undefined) throw new ValidationError(`invalid YAML document: ${err.message.split('\n')[0] ?? ''}`, { path: '', cause: err })
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown
  } catch (e) {
    throw new ValidationError(`invalid YAML document: ${(e as Error).message}`, { path: '', cause: e })
  }
}

const NMSTATE_TOP_KEYS = new Set(['dns-resolver', 'route-rules', 'hostname', 'ovs-db', 'ovn', 'description'])

/** Parse a desired-state document. Unknown keys, wrong types and bad values throw ValidationError with a path. */
export function parseDesiredState(text: string, opts: { format?: StateFormat } = {}): DesiredState {
  const raw = decode(text, opts.format ?? 'yaml')
  const ctx: Ctx = { path: '', field: '', object: 'desired state' }
  if (raw === null || raw === undefined) return { interfaces: [] }
  const o = readObj(raw, ctx)
  checkKeys(o, ['interfaces', 'routes'], ctx, (k) => (NMSTATE_TOP_KEYS.has(k) ? `${k} is not supported by hostnet` : undefined))
  const list = o['interfaces'] === undefined || o['interfaces'] === null ? [] : readList(o['interfaces'], { ...ctx, path: '/interfaces', field: 'interfaces' })
  const state: DesiredState = { interfaces: list.map((v, i) => readIface(v, i)) }
  if (o['routes'] !== undefined && o['routes'] !== null) state.routes = { config: readRoutes(o['routes']) }
  return state
}

/** Print a current or desired state in the schema parseDesiredState reads. */
export function formatState(state: HostState | DesiredState, opts: { format?: StateFormat } = {}): string {
  const doc = stateDocument(state)
  if (opts.format === 'json') return `${JSON.stringify(doc, null, 2)}\n`
  return emitYaml(doc) ?? stringify(doc, { lineWidth: 0 })
}
