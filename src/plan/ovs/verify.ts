/**
 * Verification of the Open vSwitch part of an expected state: bridges (present or absent, asked options,
 * `ovs-db`, the exact port list, each port's VLAN columns and bond), patch ports and their peers, and `ovs-db`
 * of interfaces. The kernel part (MTU, MAC, state, addresses of internal ports) is verified by verify.ts on the
 * kernel view.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import type { HostState } from '../../model/host/state.js'
import { vlanColumns } from './columns.js'
import { buildOvsView, isPatch, type OvsView } from './state.js'
import type { Mismatch } from '../planner.js'

const OPTION_YAML: Readonly<Record<string, string>> = {
  stp: 'stp',
  rstp: 'rstp',
  mcastSnoopingEnable: 'mcast-snooping-enable',
  failMode: 'fail-mode',
  datapath: 'datapath',
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function sortedMap(m: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b)))
}

function compareDb(out: Mismatch[], iface: string, want: OvsDbConfig | undefined, have: OvsDbConfig | undefined): void {
  if (want?.externalIds !== undefined && !same(sortedMap(want.externalIds), sortedMap(have?.externalIds))) {
    out.push({ iface, field: 'ovs-db.external_ids', expected: want.externalIds, observed: have?.externalIds ?? {} })
  }
  if (want?.otherConfig !== undefined && !same(sortedMap(want.otherConfig), sortedMap(have?.otherConfig))) {
    out.push({ iface, field: 'ovs-db.other_config', expected: want.otherConfig, observed: have?.otherConfig ?? {} })
  }
}

function comparePort(out: Mismatch[], bridge: string, e: OvsBridgePort, o: OvsBridgePort): void {
  const at = `bridge.port.${e.name}`
  if (e.vlan !== undefined && !same(vlanColumns(e.vlan), vlanColumns(o.vlan))) {
    out.push({ iface: bridge, field: `${at}.vlan`, expected: e.vlan, observed: o.vlan ?? {} })
  }
  if (e.bond === undefined) {
    if (o.bond !== undefined) out.push({ iface: bridge, field: `${at}.link-aggregation`, expected: 'none', observed: o.bond })
    return
  }
  if (o.bond === undefined) {
    out.push({ iface: bridge, field: `${at}.link-aggregation`, expected: e.bond, observed: 'none' })
    return
  }
  const pairs: Array<[string, unknown, unknown]> = [
    ['mode', e.bond.mode, o.bond.mode],
    ['port', e.bond.ports === undefined ? undefined : [...e.bond.ports].sort(), [...(o.bond.ports ?? [])].sort()],
    ['bond-updelay', e.bond.updelayMs, o.bond.updelayMs ?? 0],
    ['bond-downdelay', e.bond.downdelayMs, o.bond.downdelayMs ?? 0],
  ]
  for (const [f, w, h] of pairs) if (w !== undefined && !same(w, h)) out.push({ iface: bridge, field: `${at}.link-aggregation.${f}`, expected: w, observed: h })
}

function verifyBridge(out: Mismatch[], e: Iface, v: OvsView): void {
  const o = v.bridges.get(e.name)
  if (e.state === 'absent') {
    if (o !== undefined) out.push({ iface: e.name, field: 'state', expected: 'absent', observed: 'up' })
    return
  }
  if (o === undefined) {
    out.push({ iface: e.name, field: 'state', expected: e.state ?? 'up', observed: 'absent' })
    return
  }
  for (const [k, w] of Object.entries(e.ovsBridge?.options ?? {})) {
    const h = (o.ovsBridge?.options as Record<string, unknown> | undefined)?.[k]
    if (w !== undefined && w !== h) out.push({ iface: e.name, field: `bridge.options.${OPTION_YAML[k] ?? k}`, expected: w, observed: h })
  }
  compareDb(out, e.name, e.ovsDb, o.ovsDb)
  const want = e.ovsBridge?.ports
  if (want === undefined) return
  const have = o.ovsBridge?.ports ?? []
  const names = (l: readonly OvsBridgePort[]): string[] => l.map((p) => p.name).sort()
  if (!same(names(want), names(have))) out.push({ iface: e.name, field: 'bridge.port', expected: names(want), observed: names(have) })
  const byName = new Map(have.map((p) => [p.name, p]))
  for (const p of want) {
    const h = byName.get(p.name)
    if (h !== undefined) comparePort(out, e.name, p, h)
  }
}

function verifyIface(out: Mismatch[], e: Iface, v: OvsView): void {
  const o = v.ovsIfaces.get(e.name) ?? v.kernel.get(e.name)
  if (e.state === 'absent') {
    const patch = v.ovsIfaces.get(e.name)
    if (patch !== undefined && isPatch(patch)) out.push({ iface: e.name, field: 'state', expected: 'absent', observed: 'up' })
    return
  }
  const peer = e.ovsInterface?.patch?.peer
  if (peer !== undefined) {
    if (o === undefined || !isPatch(o)) {
      out.push({ iface: e.name, field: 'patch', expected: { peer }, observed: o === undefined ? 'absent' : 'not a patch port' })
    }
    else if (o.ovsInterface?.patch?.peer !== peer) out.push({ iface: e.name, field: 'patch.peer', expected: peer, observed: o.ovsInterface?.patch?.peer })
  }
  if (e.ovsDb !== undefined) compareDb(out, e.name, e.ovsDb, o?.ovsDb)
}

/** Mismatches of the OVS part of `expected` in `current` (a combined state). */
export function verifyOvs(expected: { interfaces: readonly Iface[] }, current: HostState): Mismatch[] {
  const v = buildOvsView(current)
  const out: Mismatch[] = []
  for (const e of expected.interfaces) {
    if (e.type === 'ovs-bridge') verifyBridge(out, e, v)
    else if (e.ovsInterface !== undefined || e.ovsDb !== undefined || (e.type === 'ovs-interface' && e.state === 'absent')) {
      verifyIface(out, e, v)
    }
  }
  return out
}
