/**
 * The cluster's records as they are stored in etcd (JSON values): hosts, logical networks, host-interface
 * documents for a host or a label, and each host's status report. Pure: the checks here run on the admin's side
 * before anything is written and on the agent's side on everything it reads (a record it cannot read is a
 * failure of that record only).
 * @module
 */
import { ValidationError, cut } from '../../errors.js'
import { parseIpAddr, formatIp } from '../values/ip.js'
import { userIfNameProblem } from '../values/ifname.js'
import { VLAN_ID_MAX, VLAN_ID_MIN } from '../values/vlan-id.js'
import { VXLAN_ID_MAX } from '../host/types/vxlan.js'

/** Names of hosts, logical networks and documents: they are etcd key segments and libvirt network names. */
export const CLUSTER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/
/** Label keys and values (Kubernetes' shape without prefixes). */
export const LABEL_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/
export const LABEL_VALUE_RE = /^[A-Za-z0-9_.-]{0,63}$/
export const MAX_LABELS = 32
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
/** A stored record's JSON text (documents included). */
export const MAX_RECORD_BYTES = 256 * 1024
export const VNI_MIN = 1
export const VNI_MAX = VXLAN_ID_MAX
/** VNIs hostnet picks when none is given start here (lower ones are often configured by hand). */
export const VNI_AUTO_MIN = 10_000
/** IANA's VXLAN port. */
export const VXLAN_PORT = 4789
export const DEFAULT_UNDERLAY_MTU = 1500

export type Labels = Readonly<Record<string, string>>

export interface HostRecord {
  id: string
  /** Underlay address: the VXLAN tunnels' local end, and where the others send to. */
  address: string
  /** The interface carrying the underlay (the VXLAN's base interface); optional. */
  underlayIface?: string
  /** The underlay's MTU (default 1500): overlays on it get this minus the VXLAN overhead. */
  underlayMtu?: number
  labels: Labels
  /** Physical networks (VLAN logical networks' carriers): name → this host's interface. */
  physical?: Readonly<Record<string, string>>
}

export interface VxlanSegment {
  kind: 'vxlan'
  vni: number
}

export interface VlanSegment {
  kind: 'vlan'
  /** A physical network named in host records (`physical`). */
  physical: string
  vlanId: number
}

export interface LogicalNetwork {
  name: string
  /** The network's UUID on every host (given by hostnet at the first definition, kept by later ones). */
  uuid?: string
  segment: VxlanSegment | VlanSegment
  /** The local bridge on each member host (default `vbr<vni>` / `vbr<physical-ifindex-free name>`). */
  bridge: string
  /** Overlay MTU; default: the smallest member underlay MTU minus the VXLAN overhead (VLAN: the underlay's). */
  mtu?: number
  /** Member hosts: those whose labels include all of these (none: every host). */
  hosts: Labels
}

export interface HostDocument {
  name: string
  /** Exactly one of `host` and `labels`. */
  host?: string
  labels?: Labels
  format: 'yaml' | 'json'
  text: string
}

export interface StatusFailure {
  /** `network NAME` or `document NAME`. */
  object: string
  message: string
  /** The field (JSON pointer) the error names, when it names one. */
  path?: string
}

export interface HostStatus {
  hostId: string
  /** The etcd revision of the configuration this report reflects. */
  revision: number
  state: 'converged' | 'failed'
  failures: StatusFailure[]
  networks: string[]
  documents: string[]
  /** When the apply that produced this report ended. */
  timeMs: number
  /** The agent's process start (a restart shows as a new value). */
  agentStartMs: number
}

function invalid(what: string, problem: string, path: string, value?: unknown): never {
  throw new ValidationError(`invalid ${what}: ${problem}`, { path, ...(value === undefined ? {} : { value }) })
}

export function checkClusterName(name: unknown, what: string, path = '/name'): string {
  if (typeof name !== 'string' || !CLUSTER_NAME_RE.test(name)) {
    invalid(what, `'${cut(String(name))}' must be 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit`, path, name)
  }
  return name
}

export function checkLabels(v: unknown, path: string): Labels {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid('labels', 'expected an object of key: value', path)
  const out: Record<string, string> = {}
  const entries = Object.entries(v as Record<string, unknown>)
  if (entries.length > MAX_LABELS) invalid('labels', `${entries.length} labels (at most ${MAX_LABELS})`, path)
  for (const [k, val] of entries) {
    if (!LABEL_KEY_RE.test(k)) invalid('label', `key '${cut(k)}' must be 1-63 letters, digits, '_', '.' or '-'`, `${path}/${k}`)
    if (typeof val !== 'string' || !LABEL_VALUE_RE.test(val)) invalid('label', `value of '${k}' must be 0-63 letters, digits, '_', '.' or '-'`, `${path}/${k}`, val)
    out[k] = val
  }
  return out
}

/** `rack=a` → ['rack', 'a']. */
export function parseLabel(text: string): [string, string] {
  const eq = text.indexOf('=')
  if (eq <= 0) invalid('label', `'${cut(text)}' is not KEY=VALUE`, '/labels')
  const k = text.slice(0, eq)
  const v = text.slice(eq + 1)
  checkLabels({ [k]: v }, '/labels')
  return [k, v]
}

export function labelsMatch(selector: Labels, labels: Labels): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false
  return true
}

function checkIfName(v: unknown, what: string, path: string): string {
  const problem = typeof v === 'string' ? userIfNameProblem(v) : 'is not a string'
  if (problem !== undefined) invalid(what, `'${cut(String(v))}' ${problem}`, path, v)
  return v as string
}

function checkInt(v: unknown, what: string, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalid(what, `'${cut(String(v))}' is not an integer in ${min}..${max}`, path, v)
  return v
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(what, 'expected a JSON object', '')
  return v as Record<string, unknown>
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) invalid(what, `unknown field '${cut(k)}'`, `/${k}`)
}

function checkAddress(v: unknown, what: string, path: string): string {
  if (typeof v !== 'string') invalid(what, 'expected an IP address', path, v)
  return formatIp(parseIpAddr(v, `${what}`, path))
}

export function checkHostRecord(v: unknown): HostRecord {
  const o = obj(v, 'host')
  checkKeys(o, ['id', 'address', 'underlayIface', 'underlayMtu', 'labels', 'physical'], 'host')
  const id = checkClusterName(o['id'], 'host id', '/id')
  const h: HostRecord = { id, address: checkAddress(o['address'], `address of host '${id}'`, '/address'), labels: checkLabels(o['labels'] ?? {}, '/labels') }
  if (o['underlayIface'] !== undefined) h.underlayIface = checkIfName(o['underlayIface'], `underlay interface of host '${id}'`, '/underlayIface')
  if (o['underlayMtu'] !== undefined) h.underlayMtu = checkInt(o['underlayMtu'], `underlay MTU of host '${id}'`, '/underlayMtu', 1280, 65535)
  if (o['physical'] !== undefined) {
    const p = obj(o['physical'], `physical networks of host '${id}'`)
    const out: Record<string, string> = {}
    for (const [k, ifc] of Object.entries(p)) out[checkClusterName(k, 'physical network name', `/physical/${k}`)] = checkIfName(ifc, `interface of physical network '${k}'`, `/physical/${k}`)
    h.physical = out
  }
  return h
}

export function checkLogicalNetwork(v: unknown): LogicalNetwork {
  const o = obj(v, 'logical network')
  checkKeys(o, ['name', 'uuid', 'segment', 'bridge', 'mtu', 'hosts'], 'logical network')
  const name = checkClusterName(o['name'], 'logical network name', '/name')
  const what = `logical network '${name}'`
  const s = obj(o['segment'], `segment of ${what}`)
  let segment: LogicalNetwork['segment']
  if (s['kind'] === 'vxlan') {
    checkKeys(s, ['kind', 'vni'], `segment of ${what}`)
    segment = { kind: 'vxlan', vni: checkInt(s['vni'], `VNI of ${what}`, '/segment/vni', VNI_MIN, VNI_MAX) }
  } else if (s['kind'] === 'vlan') {
    checkKeys(s, ['kind', 'physical', 'vlanId'], `segment of ${what}`)
    segment = { kind: 'vlan', physical: checkClusterName(s['physical'], `physical network of ${what}`, '/segment/physical'), vlanId: checkInt(s['vlanId'], `VLAN id of ${what}`, '/segment/vlanId', VLAN_ID_MIN, VLAN_ID_MAX) }
  } else {
    invalid(`segment of ${what}`, `kind must be 'vxlan' or 'vlan'`, '/segment/kind', s['kind'])
  }
  const n: LogicalNetwork = {
    name,
    segment,
    bridge: checkIfName(o['bridge'], `bridge of ${what}`, '/bridge'),
    hosts: checkLabels(o['hosts'] ?? {}, '/hosts'),
  }
  if (o['mtu'] !== undefined) n.mtu = checkInt(o['mtu'], `MTU of ${what}`, '/mtu', 576, 65535)
  if (o['uuid'] !== undefined) {
    if (typeof o['uuid'] !== 'string' || !UUID_RE.test(o['uuid'])) invalid(`UUID of ${what}`, `'${cut(String(o['uuid']))}' is not a UUID`, '/uuid', o['uuid'])
    n.uuid = o['uuid'].toLowerCase()
  }
  return n
}

export function checkHostDocument(v: unknown): HostDocument {
  const o = obj(v, 'host document')
  checkKeys(o, ['name', 'host', 'labels', 'format', 'text'], 'host document')
  const name = checkClusterName(o['name'], 'document name', '/name')
  const d: HostDocument = {
    name,
    format: o['format'] === 'json' ? 'json' : o['format'] === 'yaml' ? 'yaml' : invalid(`document '${name}'`, "format must be 'yaml' or 'json'", '/format', o['format']),
    text: typeof o['text'] === 'string' ? o['text'] : invalid(`document '${name}'`, 'text must be a string', '/text'),
  }
  if (o['host'] !== undefined) d.host = checkClusterName(o['host'], `host of document '${name}'`, '/host')
  if (o['labels'] !== undefined) d.labels = checkLabels(o['labels'], '/labels')
  if ((d.host === undefined) === (d.labels === undefined)) invalid(`document '${name}'`, 'give exactly one of host and labels', '/host')
  return d
}

export function checkHostStatus(v: unknown): HostStatus {
  const o = obj(v, 'host status')
  const hostId = checkClusterName(o['hostId'], 'host id', '/hostId')
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : [])
  const failures = Array.isArray(o['failures'])
    ? o['failures'].map((f) => {
        const r = obj(f, 'failure')
        const out: StatusFailure = { object: String(r['object'] ?? ''), message: String(r['message'] ?? '') }
        if (typeof r['path'] === 'string') out.path = r['path']
        return out
      })
    : []
  return {
    hostId,
    revision: typeof o['revision'] === 'number' ? o['revision'] : 0,
    state: o['state'] === 'converged' ? 'converged' : 'failed',
    failures,
    networks: list(o['networks']),
    documents: list(o['documents']),
    timeMs: typeof o['timeMs'] === 'number' ? o['timeMs'] : 0,
    agentStartMs: typeof o['agentStartMs'] === 'number' ? o['agentStartMs'] : 0,
  }
}

/** Parse a stored JSON value (bounded) and check it with `check`. */
export function readRecord<T>(text: string, check: (v: unknown) => T, what: string): T {
  if (text.length > MAX_RECORD_BYTES) invalid(what, `${text.length} bytes (at most ${MAX_RECORD_BYTES})`, '')
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    invalid(what, `not JSON (${(e as Error).message})`, '')
  }
  return check(v)
}
