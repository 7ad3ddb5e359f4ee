/**
 * Bandwidth of a plugged port as tc commands (backend/tc renders them as libvirt does): the port's own bandwidth
 * on its device (a tap, or the veth end playing it, swaps directions; a macvtap shares the host's view), and a
 * floor class on the network bridge for a floor port (under the network's htb tree, which is built from the
 * network's `<bandwidth>` when the first floor port comes).
 * @module
 */
import {
  renderFloorPlugAndRebalance,
  renderFloorUnplugAndRebalance,
  renderInterfaceBandwidth,
  renderNetworkBandwidth,
  renderClearBandwidth,
  type ShapingCommand,
} from '../../backend/tc/index.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import type { FloorPlug } from '../../model/port/index.js'
import { deviceLocation, type PortDevice } from './plug-record.js'

/** Commands to run in one namespace (undefined: the network's target). */
export interface ShapingStep {
  readonly netns?: string
  readonly commands: readonly ShapingCommand[]
}

/** The port's bandwidth on its device (nothing without bandwidth; OVS ports get QoS rows instead). */
export function deviceShaping(device: PortDevice, port: NetworkPortDef): ShapingStep | undefined {
  if (port.bandwidth === undefined) return undefined
  const at = deviceLocation(device)
  const commands = renderInterfaceBandwidth(at.name, port.bandwidth, { swapped: device.kind === 'tap' })
  if (commands.length === 0) return undefined
  return at.netns === undefined ? { commands } : { netns: at.netns, commands }
}

/** The network's htb tree on its bridge (built once, before the first floor class). */
export function networkTree(bridge: string, network: NetworkDef): readonly ShapingCommand[] {
  return renderNetworkBandwidth(bridge, network.bandwidth)
}

/** Remove the network's htb tree (a failed first floor plug built it); a tree that is gone is fine. */
export function removeNetworkTree(bridge: string): readonly ShapingCommand[] {
  return renderClearBandwidth(bridge)
}

/** The floor class of a port on the network bridge, and the default class's new rate. */
export function floorPlugCommands(bridge: string, network: NetworkDef, port: NetworkPortDef, floor: FloorPlug): ShapingCommand[] {
  return renderFloorPlugAndRebalance({
    bridge,
    networkBandwidth: network.bandwidth,
    mac: port.mac,
    portBandwidth: port.bandwidth ?? {},
    classId: floor.classId,
    defaultClassRate: floor.defaultClassRate,
  })
}

/** Remove a floor class; the default class gets `defaultClassRate` (the network's rate minus the floors left). */
export function floorUnplugCommands(bridge: string, network: NetworkDef, classId: number, defaultClassRate: number): ShapingCommand[] {
  return renderFloorUnplugAndRebalance(bridge, network.bandwidth, classId, defaultClassRate)
}
