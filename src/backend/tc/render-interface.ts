/**
 * libvirt's virNetDevBandwidthSet / virNetDevBandwidthClear as tc argv lists (byte-identical to libvirt 9.9.0,
 * see test/conformance/virnetdevbandwidth.test.ts).
 *
 * Units: libvirt's average/peak/floor are kilobytes per second and tc's `kbps` is kilobytes (1000 bytes) per
 * second — `1024kbps` is 1 024 000 bytes/s (tc shows it as 8192Kbit); burst is in kibibytes and tc's size
 * unit `kb` is 1024 bytes.
 *
 * Directions: `swapped` (a tap: the guest and the host sit on opposite sides) shapes the port's inbound on the
 * device's egress (htb root qdisc) and polices its outbound on the device's ingress. A macvtap device shares the
 * host's view (`swapped: false`). `hierarchicalClass` builds the network bridge's tree: class 1:1 at the network
 * rate, default class 1:2 for traffic without a floor, floor classes added by render-floor.ts.
 * @module
 */
import type { Bandwidth, BandwidthRate } from '../../model/netdev/bandwidth.js'
import { tc, tcIgnoringFailure } from './command.js'
import type { ShapingCommand } from './command.js'

export interface InterfaceBandwidthOptions {
  /** The device is a tap: guest inbound = device egress (true for taps and bridges, false for macvtap). */
  swapped: boolean
  /** Build the network tree (default class 1:2 under 1:1) for floors. */
  hierarchicalClass?: boolean
}

const MTU = 1500n
/** tc keeps burst sizes in a 32-bit byte count: UINT_MAX / 1024 KiB at most. */
const MAX_BURST_KIB = Math.floor(0xffffffff / 1024)

/** htb quantum for a rate (virNetDevBandwidthCmdAddOptimalQuantum): average·1024/8/MTU, at least 1. */
export function optimalQuantum(rate: BandwidthRate | undefined): string {
  const r2q = (BigInt(rate?.average ?? 0) * 1024n) / 8n / MTU
  return (r2q === 0n ? 1n : r2q).toString()
}

export function kbps(n: number): string {
  return `${n}kbps`
}

/** virNetDevBandwidthClear: delete the root and ingress qdiscs (failures ignored: they may not exist). */
export function renderClearBandwidth(ifname: string): ShapingCommand[] {
  return [
    tcIgnoringFailure('qdisc', 'del', 'dev', ifname, 'root'),
    tcIgnoringFailure('qdisc', 'del', 'dev', ifname, 'ingress'),
  ]
}

function renderShaping(ifname: string, tx: BandwidthRate & { average: number }, hierarchical: boolean): ShapingCommand[] {
  const average = kbps(tx.average)
  const peak = tx.peak === undefined ? undefined : kbps(tx.peak)
  const quantum = optimalQuantum(tx)
  // traffic without a floor goes to 1:2 under the network's 1:1 in the hierarchical tree, else to 1:1
  const [parent, leaf] = hierarchical ? ['1:1', '1:2'] : ['1:', '1:1']
  const dev = ['dev', ifname]
  const out = [tc('qdisc', 'add', ...dev, 'root', 'handle', '1:', 'htb', 'default', hierarchical ? '2' : '1')]
  if (hierarchical) {
    const ceil = peak ?? average
    out.push(tc('class', 'add', ...dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', average, 'ceil', ceil,
      'quantum', quantum))
  }
  const cls = ['class', 'add', ...dev, 'parent', parent, 'classid', leaf, 'htb', 'rate', average]
  if (peak !== undefined) cls.push('ceil', peak)
  if (tx.burst !== undefined) cls.push('burst', `${tx.burst}kb`)
  out.push(tc(...cls, 'quantum', quantum))
  out.push(tc('qdisc', 'add', ...dev, 'parent', leaf, 'handle', '2:', 'sfq', 'perturb', '10'))
  out.push(tc('filter', 'add', ...dev, 'parent', '1:0', 'protocol', 'all', 'prio', '1', 'handle', '1',
    'fw', 'flowid', '1'))
  return out
}

function renderPolicing(ifname: string, rx: BandwidthRate): ShapingCommand[] {
  const avg = rx.average ?? 0
  const burst = rx.burst ?? Math.min(avg, MAX_BURST_KIB)
  return [
    tc('qdisc', 'add', 'dev', ifname, 'ingress'),
    tc('filter', 'add', 'dev', ifname, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0',
      'police', 'rate', kbps(avg), 'burst', `${burst}kb`, 'mtu', '64kb', 'drop', 'flowid', ':1'),
  ]
}

/**
 * virNetDevBandwidthSet: the commands that give `ifname` the bandwidth (none for an absent bandwidth; always
 * preceded by the clearing commands otherwise). The inbound floor is not shaped here (see render-floor.ts).
 */
export function renderInterfaceBandwidth(
  ifname: string,
  bandwidth: Bandwidth | undefined,
  opts: InterfaceBandwidthOptions,
): ShapingCommand[] {
  if (bandwidth === undefined) return []
  const rx = opts.swapped ? bandwidth.outbound : bandwidth.inbound
  const tx = opts.swapped ? bandwidth.inbound : bandwidth.outbound
  const out = renderClearBandwidth(ifname)
  if (tx?.average) out.push(...renderShaping(ifname, { ...tx, average: tx.average }, opts.hierarchicalClass === true))
  if (rx !== undefined) out.push(...renderPolicing(ifname, rx))
  return out
}

/** The network bridge's tree (networkStartNetworkVirtual / networkStartNetworkBridge). */
export function renderNetworkBandwidth(bridge: string, bandwidth: Bandwidth | undefined): ShapingCommand[] {
  return renderInterfaceBandwidth(bridge, bandwidth, { swapped: true, hierarchicalClass: true })
}
