/**
 * A combined current state (kernel interfaces + Open vSwitch, as the OVS-aware query reports it) seen two ways:
 * - the OVS view: bridges, their ports (plain or bond), which port each interface belongs to, and the kind of
 *   each port's interface (internal / patch / system / other);
 * - the kernel view the kernel planner works on: without ovs-bridge entries and patch ports (they are not kernel
 *   devices), and with OVS membership removed from `controller` (an OVS port has no kernel controller).
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { KERNEL_CONTROLLER_TYPES } from '../../model/host/types/index.js'
import type { OvsBondConfig, OvsPortVlan } from '../../model/host/ovs.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import type { HostOp } from '../ops.js'

export type OvsIfaceKind = 'internal' | 'patch' | 'system' | 'other'

export interface OvsPortView {
  name: string
  bridge: string
  vlan: OvsPortVlan | undefined
  /** Bond configuration (members in `ports`), or undefined for a plain port. */
  bond: OvsBondConfig | undefined
  /** Interface names: the port's own name for a plain port, the members for a bond. */
  members: string[]
}

export interface OvsView {
  bridges: Map<string, Iface>
  /** Port name → port, in bridge order. */
  ports: Map<string, OvsPortView>
  /** Interface name → the port it belongs to. */
  ifacePort: Map<string, string>
  /** ovs-interface entries (internal ports and patch ports). */
  ovsIfaces: Map<string, Iface>
  /** Every other interface (kernel devices), by name. */
  kernel: Map<string, Iface>
}

export function isPatch(i: Iface): boolean {
  return i.type === 'ovs-interface' && i.ovsInterface?.patch !== undefined
}

export function buildOvsView(state: HostState): OvsView {
  const v: OvsView = { bridges: new Map(), ports: new Map(), ifacePort: new Map(), ovsIfaces: new Map(), kernel: new Map() }
  for (const i of state.interfaces) {
    if (i.type === 'ovs-bridge') v.bridges.set(i.name, i)
    else if (i.type === 'ovs-interface') v.ovsIfaces.set(i.name, i)
    else v.kernel.set(i.name, i)
  }
  for (const b of v.bridges.values()) {
    for (const p of b.ovsBridge?.ports ?? []) {
      const members = p.bond !== undefined ? [...(p.bond.ports ?? [])] : [p.name]
      v.ports.set(p.name, { name: p.name, bridge: b.name, vlan: p.vlan, bond: p.bond, members })
      for (const m of members) v.ifacePort.set(m, p.name)
    }
  }
  return v
}

export function ifaceKind(v: OvsView, name: string): OvsIfaceKind {
  const o = v.ovsIfaces.get(name)
  if (o !== undefined) return isPatch(o) ? 'patch' : 'internal'
  return v.kernel.has(name) ? 'system' : 'other'
}

/** The bridge an interface is a port (or bond member) of. */
export function bridgeOfIface(v: OvsView, name: string): string | undefined {
  const p = v.ifacePort.get(name)
  return p === undefined ? undefined : v.ports.get(p)?.bridge
}

/** The kernel planner's view of a combined state. */
export function kernelState(state: HostState): HostState {
  const bridges = new Set<string>()
  const kernelControllers = new Set<string>()
  for (const i of state.interfaces) {
    if (i.type === 'ovs-bridge') bridges.add(i.name)
    if (KERNEL_CONTROLLER_TYPES.has(i.type)) kernelControllers.add(i.name)
  }
  const interfaces: Iface[] = []
  for (const i of state.interfaces) {
    if (i.type === 'ovs-bridge' || isPatch(i)) continue
    const ovsPort = i.controller && bridges.has(i.controller) && !kernelControllers.has(i.controller)
    if (!ovsPort && i.ovsDb === undefined) {
      interfaces.push(i)
      continue
    }
    const k: Iface = { ...i }
    delete k.ovsDb
    if (ovsPort) k.controller = null
    interfaces.push(k)
  }
  return state.routeRules === undefined ? { interfaces, routes: state.routes } : { interfaces, routes: state.routes, routeRules: state.routeRules }
}

function hasOvsIface(ifaces: readonly Iface[]): boolean {
  return ifaces.some((i) => i.type === 'ovs-bridge' || i.type === 'ovs-interface' || i.ovsBridge !== undefined || i.ovsInterface !== undefined)
}

/** Whether planning involves Open vSwitch: an OVS entry in the current state or the document. */
export function involvesOvs(current: HostState, desired: DesiredState): boolean {
  return hasOvsIface(current.interfaces) || hasOvsIface(desired.interfaces)
}

export function involvesOvsState(state: { interfaces: readonly Iface[] }): boolean {
  return hasOvsIface(state.interfaces)
}

export function hasOvsOps(ops: readonly HostOp[]): boolean {
  return ops.some((op) => op.kind === 'ovs.transact')
}
