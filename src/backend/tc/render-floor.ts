/**
 * Floor classes on a network bridge (libvirt's virNetDevBandwidthPlug, virNetDevBandwidthUnplug,
 * virNetDevBandwidthUpdateRate and virNetDevBandwidthUpdateFilter). The decisions (class id, floor sum, the new
 * rate of the default class 1:2) come from model/port/floor.ts; this renders them.
 *
 * A port with class id N gets `class 1:<N hex>` under 1:1 (rate = its floor, ceil = the network's peak or
 * average), an sfq qdisc `<N hex>:` and a u32 filter sending IPv4 frames to its MAC into the class (libvirt
 * matches the destination MAC with u32, handle `800::<N decimal>`, prio 2).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Bandwidth } from '../../model/netdev/bandwidth.js'
import { macBytes } from '../../model/values/mac.js'
import type { MacAddr } from '../../model/values/mac.js'
import { tc, tcIgnoringFailure } from './command.js'
import type { ShapingCommand } from './command.js'
import { kbps, optimalQuantum } from './render-interface.js'

function checkId(id: number): void {
  if (!Number.isInteger(id) || id <= 2) throw new HostnetError('bug', `Invalid class ID ${id}`)
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0')
}

/** The network's ceiling for floor classes: inbound peak, else average. */
function networkCeil(network: Bandwidth | undefined, bridge: string): string {
  const inbound = network?.inbound
  if (inbound === undefined) {
    throw new HostnetError('not-supported', `Bridge '${bridge}' has no QoS set, therefore unable to set 'floor'`)
  }
  return kbps(inbound.peak ?? inbound.average ?? 0)
}

/** virNetDevBandwidthManipulateFilter's create half: the u32 filter matching the destination MAC. */
export function renderFloorFilter(bridge: string, mac: MacAddr, id: number): ShapingCommand {
  const b = macBytes(mac)
  const low = `0x${hex2(b[2]!)}${hex2(b[3]!)}${hex2(b[4]!)}${hex2(b[5]!)}`
  const high = `0x${hex2(b[0]!)}${hex2(b[1]!)}`
  return tc('filter', 'add', 'dev', bridge, 'protocol', 'ip', 'prio', '2', 'handle', `800::${id}`, 'u32',
    'match', 'u16', '0x0800', '0xffff', 'at', '-2',
    'match', 'u32', low, '0xffffffff', 'at', '-12',
    'match', 'u16', high, '0xffff', 'at', '-14',
    'flowid', `1:${id.toString(16)}`)
}

function renderFilterDelete(bridge: string, id: number): ShapingCommand {
  return tcIgnoringFailure('filter', 'del', 'dev', bridge, 'prio', '2', 'handle', `800::${id}`, 'u32')
}

export interface FloorPlugRender {
  bridge: string
  /** The network's bandwidth (its inbound gives the ceiling). */
  networkBandwidth: Bandwidth | undefined
  mac: MacAddr
  /** The port's bandwidth (inbound floor = the class rate; inbound average = the quantum). */
  portBandwidth: Bandwidth
  classId: number
}

/** virNetDevBandwidthPlug: the port's class, its sfq and its filter. */
export function renderFloorPlug(p: FloorPlugRender): ShapingCommand[] {
  checkId(p.classId)
  const classId = `1:${p.classId.toString(16)}`
  const inbound = p.portBandwidth.inbound
  return [
    tc('class', 'add', 'dev', p.bridge, 'parent', '1:1', 'classid', classId, 'htb', 'rate', kbps(inbound?.floor ?? 0),
      'ceil', networkCeil(p.networkBandwidth, p.bridge), 'quantum', optimalQuantum(inbound)),
    tc('qdisc', 'add', 'dev', p.bridge, 'parent', classId, 'handle', `${p.classId.toString(16)}:`,
      'sfq', 'perturb', '10'),
    renderFloorFilter(p.bridge, p.mac, p.classId),
  ]
}

/** virNetDevBandwidthUnplug: qdisc, filter and class of a floor port (failures ignored, as libvirt does). */
export function renderFloorUnplug(bridge: string, classId: number): ShapingCommand[] {
  checkId(classId)
  return [
    tcIgnoringFailure('qdisc', 'del', 'dev', bridge, 'handle', `${classId.toString(16)}:`),
    renderFilterDelete(bridge, classId),
    tcIgnoringFailure('class', 'del', 'dev', bridge, 'classid', `1:${classId.toString(16)}`),
  ]
}

/**
 * virNetDevBandwidthUpdateRate: a class's new rate (the default class 1:2 after a plug or unplug: the network's
 * peak or average minus the floor sum; a floor class when its floor changes).
 */
export function renderUpdateRate(
  ifname: string,
  classId: number,
  networkBandwidth: Bandwidth | undefined,
  rate: number,
): ShapingCommand {
  return tc('class', 'change', 'dev', ifname, 'classid', `1:${classId.toString(16)}`, 'htb', 'rate', kbps(rate),
    'ceil', networkCeil(networkBandwidth, ifname), 'quantum', optimalQuantum(networkBandwidth?.inbound))
}

/** virNetDevBandwidthUpdateFilter: the port's MAC changed; replace its filter. */
export function renderUpdateFloorFilter(bridge: string, mac: MacAddr, classId: number): ShapingCommand[] {
  checkId(classId)
  return [renderFilterDelete(bridge, classId), renderFloorFilter(bridge, mac, classId)]
}

/** The default class's new rate; libvirt only warns when it cannot be set. */
function rebalance(bridge: string, networkBandwidth: Bandwidth | undefined, rate: number): ShapingCommand {
  return { ...renderUpdateRate(bridge, 2, networkBandwidth, rate), ignoreFailure: true }
}

/** networkPlugBandwidthImpl's commands: plug the class, then move the default class to its new rate. */
export function renderFloorPlugAndRebalance(p: FloorPlugRender & { defaultClassRate: number }): ShapingCommand[] {
  return [...renderFloorPlug(p), rebalance(p.bridge, p.networkBandwidth, p.defaultClassRate)]
}

/** networkUnplugBandwidth's commands: remove the class, then give the default class its new rate. */
export function renderFloorUnplugAndRebalance(
  bridge: string,
  networkBandwidth: Bandwidth | undefined,
  classId: number,
  defaultClassRate: number,
): ShapingCommand[] {
  return [...renderFloorUnplug(bridge, classId), rebalance(bridge, networkBandwidth, defaultClassRate)]
}
