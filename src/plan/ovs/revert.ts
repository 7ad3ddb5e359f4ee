/**
 * The revert document with Open vSwitch: the kernel part as revert.ts computes it on the kernel view, with OVS
 * membership put back (`controller: <bridge>` for internal and system ports that were OVS ports, their
 * `ovs-db` restored), touched patch ports restored or removed, and every touched bridge restored in full
 * (options, `ovs-db`, the exact port list with VLANs and bonds) or removed when the snapshot does not have it.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import { bridgeOfKey } from '../../model/host/ovs.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import type { Reverter } from '../planner.js'
import { bridgeOfIface, buildOvsView, isPatch, kernelState, type OvsView } from './state.js'

function fullDb(db: OvsDbConfig | undefined): OvsDbConfig {
  return { externalIds: { ...db?.externalIds }, otherConfig: { ...db?.otherConfig } }
}

function restorePort(p: OvsBridgePort): OvsBridgePort {
  const out: OvsBridgePort = { name: p.name, vlan: p.vlan ?? {} }
  if (p.bond !== undefined) {
    const b = p.bond
    const delays = { updelayMs: b.updelayMs ?? 0, downdelayMs: b.downdelayMs ?? 0 }
    out.bond = { mode: b.mode ?? 'active-backup', ports: [...(b.ports ?? [])], ...delays, ovsDb: fullDb(b.ovsDb) }
  }
  return out
}

function restoreBridge(name: string, v: OvsView): Iface {
  const b = v.bridges.get(name)
  if (b === undefined) return { name, type: 'ovs-bridge', state: 'absent' }
  return {
    name,
    type: 'ovs-bridge',
    state: 'up',
    ovsBridge: { options: { ...b.ovsBridge?.options }, ports: (b.ovsBridge?.ports ?? []).map(restorePort) },
    ovsDb: fullDb(b.ovsDb),
  }
}

/** A kernel revert entry with its OVS membership (and ovs-db) as in the snapshot. */
function withMembership(e: Iface, v: OvsView, snapshot: ReadonlyMap<string, Iface>): Iface {
  const bridge = bridgeOfIface(v, e.name)
  if (e.state === 'absent' || bridge === undefined) return e
  const out: Iface = { ...e, controller: bridge, ovsDb: fullDb(snapshot.get(e.name)?.ovsDb) }
  delete out.bridgePort
  return out
}

function restorePatch(name: string, v: OvsView): Iface {
  const p = v.ovsIfaces.get(name)!
  const out: Iface = { name, type: 'ovs-interface', ovsInterface: { patch: { peer: p.ovsInterface?.patch?.peer ?? '' } }, ovsDb: fullDb(p.ovsDb) }
  const bridge = bridgeOfIface(v, name)
  if (bridge !== undefined) out.controller = bridge
  return out
}

export function revertWithOvs(snapshot: HostState, touched: readonly string[], kernelRevert: Reverter): DesiredState {
  const v = buildOvsView(snapshot)
  const byName = new Map(snapshot.interfaces.filter((i) => i.type !== 'ovs-bridge').map((i) => [i.name, i]))
  const bridges: string[] = []
  const names: string[] = []
  const patches: string[] = []
  for (const key of touched) {
    const b = bridgeOfKey(key)
    if (b !== undefined) bridges.push(b)
    else if (v.ovsIfaces.get(key) !== undefined && isPatch(v.ovsIfaces.get(key)!)) patches.push(key)
    else names.push(key)
  }
  const kernel = kernelRevert(kernelState(snapshot), names)
  const interfaces = kernel.interfaces.map((e) => withMembership(e, v, byName))
  interfaces.push(...patches.map((n) => restorePatch(n, v)), ...bridges.map((b) => restoreBridge(b, v)))
  return { ...kernel, interfaces }
}
