/**
 * Kernel state + OVS rows → one combined HostState in nmstate's shape:
 * - internal interfaces that ovs-vswitchd created in the kernel (tap devices with the userspace datapath)
 *   become `ovs-interface` entries with their kernel MTU/MAC/state/addresses and `controller: <bridge>`;
 * - system ports keep their kernel type, with `controller: <bridge>`;
 * - patch ports become `ovs-interface` entries with `patch.peer` (no kernel device);
 * - every bridge becomes an `ovs-bridge` entry (appended) with its options, `ovs-db` and port list;
 * - the datapath's own devices (`ovs-netdev`, `ovs-system`) are left out.
 * An internal interface whose kernel device is missing (ovs-vswitchd not running) is reported only as a port.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import type { HostState } from '../../model/host/state.js'
import { bondModeFromColumns, vlanFromColumns } from '../../plan/ovs/columns.js'
import type { OvsBridge, OvsPort } from '../ovsdb/vswitch-rows.js'
import type { OvsDbSnapshot, OvsInterfaceRow } from './read.js'

export const DATAPATH_DEVICES: ReadonlySet<string> = new Set(['ovs-netdev', 'ovs-system'])

function ovsDb(externalIds: Record<string, string>, otherConfig: Record<string, string>): OvsDbConfig | undefined {
  const out: OvsDbConfig = {}
  if (Object.keys(externalIds).length > 0) out.externalIds = { ...externalIds }
  if (Object.keys(otherConfig).length > 0) out.otherConfig = { ...otherConfig }
  return Object.keys(out).length === 0 ? undefined : out
}

function portModel(p: OvsPort, members: readonly OvsInterfaceRow[]): OvsBridgePort {
  const out: OvsBridgePort = { name: p.name }
  const vlan = vlanFromColumns({ tag: p.tag ?? null, trunks: p.trunks, vlanMode: p.vlanMode ?? null })
  if (vlan !== undefined) out.vlan = vlan
  if (members.length > 1) {
    out.bond = {
      mode: bondModeFromColumns(p.bondMode ?? null, p.lacp ?? null),
      ports: members.map((m) => m.name).sort(),
      updelayMs: p.bondUpdelayMs,
      downdelayMs: p.bondDowndelayMs,
    }
    const db = ovsDb(p.externalIds, p.otherConfig)
    if (db !== undefined) out.bond.ovsDb = db
  }
  return out
}

function bridgeEntry(b: OvsBridge, ports: OvsBridgePort[]): Iface {
  const e: Iface = {
    name: b.name,
    type: 'ovs-bridge',
    state: 'up',
    ovsBridge: {
      options: {
        stp: b.stpEnable,
        rstp: b.rstpEnable,
        mcastSnoopingEnable: b.mcastSnoopingEnable,
        failMode: b.failMode ?? '',
        datapath: b.datapathType,
      },
      ports,
    },
  }
  const db = ovsDb(b.externalIds, b.otherConfig)
  if (db !== undefined) e.ovsDb = db
  return e
}

function asPort(k: Iface, bridge: string, row: OvsInterfaceRow): Iface {
  const out: Iface = { ...k, controller: bridge }
  if (row.type === 'internal') {
    out.type = 'ovs-interface'
    delete out.tap
  }
  const db = ovsDb(row.externalIds, row.otherConfig)
  if (db !== undefined) out.ovsDb = db
  return out
}

function patchEntry(row: OvsInterfaceRow, bridge: string): Iface {
  const e: Iface = { name: row.name, type: 'ovs-interface', state: 'up', controller: bridge, ovsInterface: { patch: { peer: row.options['peer'] ?? '' } } }
  const db = ovsDb(row.externalIds, row.otherConfig)
  if (db !== undefined) e.ovsDb = db
  return e
}

export function mergeOvsState(kernel: HostState, snap: OvsDbSnapshot, address: string): HostState {
  const membership = new Map<string, { bridge: string; row: OvsInterfaceRow }>()
  const bridges: Iface[] = []
  for (const b of [...snap.bridges].sort((x, y) => x.name.localeCompare(y.name))) {
    const ports: OvsBridgePort[] = []
    for (const p of b.ports.map((u) => snap.ports.get(u)).filter((p) => p !== undefined).sort((x, y) => x.name.localeCompare(y.name))) {
      const members = p.interfaces.map((u) => snap.ifaces.get(u)).filter((i) => i !== undefined)
      for (const m of members) membership.set(m.name, { bridge: b.name, row: m })
      ports.push(portModel(p, members))
    }
    bridges.push(bridgeEntry(b, ports))
  }
  const interfaces: Iface[] = []
  for (const k of kernel.interfaces) {
    const m = membership.get(k.name)
    if (m === undefined && DATAPATH_DEVICES.has(k.name)) continue
    interfaces.push(m === undefined || m.row.type === 'patch' ? k : asPort(k, m.bridge, m.row))
  }
  for (const [, m] of membership) if (m.row.type === 'patch') interfaces.push(patchEntry(m.row, m.bridge))
  return { ...kernel, interfaces: [...interfaces, ...bridges], ovs: { available: true, address } }
}
