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
import { cut, ValidationError } from '../../errors.js'
import { checkDocumentSize, formatBytes, MAX_STATE_DEPTH, MAX_YAML_GENERAL_BYTES } from '../limits.js'
import { jsonNestingDepth, yamlNestingBound } from './nesting.js'
import { readPlainYaml } from './plain-reader.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import { checkKeys, notSupported, readList, readObj, skippingUnsupported } from './fields.js'
import type { Ctx, SkippedKey } from './fields.js'
import { emitYaml } from './emit.js'
import { stateDocument } from './state-doc.js'
import { readIface } from './parse-iface.js'
import { readRoutes } from './parse-routes.js'
import { readRouteRules } from './parse-route-rules.js'

export type StateFormat = 'yaml' | 'json'

/** Aliases per document, to refuse "billion laughs" documents. */
const MAX_ALIASES = 100

function tooDeep(format: string): ValidationError {
  return new ValidationError(`invalid ${format} document: nested deeper than ${MAX_STATE_DEPTH} levels`, { path: '' })
}

function decode(text: string, format: StateFormat): unknown {
  checkDocumentSize(text, `${format === 'json' ? 'JSON' : 'YAML'} document`)
  if (format === 'json') {
    if (jsonNestingDepth(text) > MAX_STATE_DEPTH) throw tooDeep('JSON')
    try {
      return JSON.parse(text) as unknown
    } catch (e) {
      throw new ValidationError(`invalid JSON document: ${cut((e as Error).message)}`, { path: '', cause: e })
    }
  }
  // the plain subset (what nearly every document uses) is read in linear time; the rest goes to the library
  const plain = readPlainYaml(text)
  if ('value' in plain) return plain.value
  if (text.length > MAX_YAML_GENERAL_BYTES) {
    throw new ValidationError(
      `invalid YAML document: line ${plain.line} has ${plain.unsupported}, which hostnet reads only in documents up to ` +
        `${formatBytes(MAX_YAML_GENERAL_BYTES)} (this one has ${text.length} characters); write it in plain YAML or JSON`,
      { path: '' },
    )
  }
  if (yamlNestingBound(text) > MAX_STATE_DEPTH) throw tooDeep('YAML')
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, version: '1.2' })
  const err = doc.errors[0]
  if (err !== undefined) throw new ValidationError(`invalid YAML document: ${cut(err.message.split('\n')[0] ?? '', 300)}`, { path: '', cause: err })
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown
  } catch (e) {
    throw new ValidationError(`invalid YAML document: ${cut((e as Error).message, 300)}`, { path: '', cause: e })
  }
}

const NMSTATE_TOP_KEYS = new Set(['dns-resolver', 'hostname', 'ovs-db', 'ovn', 'description'])

export type { SkippedKey }

export interface ParseOptions {
  format?: StateFormat
  /**
   * Leave out what hostnet does not do (keys and interface types nmstate has) instead of refusing the document;
   * each one left out is appended to `skipped` (required then: skipping is never silent).
   */
  skipUnsupported?: boolean
  skipped?: SkippedKey[]
}

/**
 * Parse a desired-state document. Unknown keys, wrong types and bad values throw ValidationError with a path;
 * what nmstate has and hostnet does not do is refused as not-supported (or left out with `skipUnsupported`).
 */
export function parseDesiredState(text: string, opts: ParseOptions = {}): DesiredState {
  if (opts.skipUnsupported !== true) return readDocument(text, opts.format ?? 'yaml')
  if (opts.skipped === undefined) throw new ValidationError('skipUnsupported needs a list to report the skipped keys in', { path: '' })
  return skippingUnsupported(opts.skipped, () => readDocument(text, opts.format ?? 'yaml'))
}

function readDocument(text: string, format: StateFormat): DesiredState {
  const raw = decode(text, format)
  const ctx: Ctx = { path: '', field: '', object: 'desired state' }
  if (raw === null || raw === undefined) return { interfaces: [] }
  const o = readObj(raw, ctx)
  checkKeys(o, ['interfaces', 'routes', 'route-rules'], ctx, (k) => (NMSTATE_TOP_KEYS.has(k) ? notSupported(`${k} is not supported by hostnet`) : undefined))
  const list = o['interfaces'] === undefined || o['interfaces'] === null ? [] : readList(o['interfaces'], { ...ctx, path: '/interfaces', field: 'interfaces' })
  const state: DesiredState = { interfaces: list.flatMap((v, i) => readIface(v, i) ?? []) }
  if (o['routes'] !== undefined && o['routes'] !== null) state.routes = { config: readRoutes(o['routes']) }
  if (o['route-rules'] !== undefined && o['route-rules'] !== null) state.routeRules = { config: readRouteRules(o['route-rules']) }
  return state
}

/** Print a current or desired state in the schema parseDesiredState reads. */
export function formatState(state: HostState | DesiredState, opts: { format?: StateFormat } = {}): string {
  const doc = stateDocument(state)
  if (opts.format === 'json') return `${JSON.stringify(doc, null, 2)}\n`
  return emitYaml(doc) ?? stringify(doc, { lineWidth: 0 })
}
