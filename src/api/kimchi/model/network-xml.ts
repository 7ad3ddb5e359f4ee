/**
 * Kimchi networks ↔ libvirt `<network>` documents (pure): what Kimchi's `to_network_xml` produces for each
 * connection type (isolated, nat, macvtap, bridge over a Linux or OVS bridge, vepa, passthrough), and how a
 * stored definition reads back as Kimchi's connection, interfaces, subnet and DHCP range.
 * @module
 */
import { el, writeXml, type OutElement } from '../../../codec/xml/write.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import { networkIpPrefix } from '../../../model/network/ip.js'
import { formatIp, formatIpv4, networkAddress } from '../../../model/values/ip.js'
import type { KimchiSubnet } from './subnet.js'

export type NetworkShape =
  | { kind: 'isolated' | 'nat'; subnet: KimchiSubnet }
  | { kind: 'bridge'; bridge: string; openvswitch: boolean }
  | { kind: 'macvtap'; dev: string }
  | { kind: 'vepa' | 'passthrough'; devs: readonly string[] }

/** The `<network>` document of a Kimchi network (element order name, bridge, virtualport, forward, ip). */
export function kimchiNetworkXml(name: string, shape: NetworkShape): string {
  const kids: Array<OutElement | undefined> = [el('name', [], [], { text: name })]
  switch (shape.kind) {
    case 'isolated':
    case 'nat': {
      if (shape.kind === 'nat') kids.push(el('forward', [['mode', 'nat']]))
      const s = shape.subnet
      kids.push(el('ip', [['address', s.gateway], ['netmask', s.netmask]], [el('dhcp', [], [el('range', [['start', s.dhcpStart], ['end', s.dhcpEnd]])])]))
      break
    }
    case 'bridge':
      kids.push(el('bridge', [['name', shape.bridge]]))
      if (shape.openvswitch) kids.push(el('virtualport', [['type', 'openvswitch']]))
      kids.push(el('forward', [['mode', 'bridge']]))
      break
    case 'macvtap':
      kids.push(el('forward', [['mode', 'bridge'], ['dev', shape.dev]], [el('interface', [['dev', shape.dev]])]))
      break
    case 'vepa':
    case 'passthrough':
      kids.push(el('forward', [['mode', shape.kind], ['dev', shape.devs[0]]], shape.devs.map((d) => el('interface', [['dev', d]]))))
      break
  }
  return writeXml(el('network', [], kids))
}

export interface NetworkReadback {
  connection: string
  interfaces: string[]
  /** `a.b.c.d/prefix`, or '' (bridge/macvtap networks: filled from the host interface by the caller). */
  subnet: string
  dhcp: { start: string; end: string }
}

/** Kimchi's reading of a definition (connection from the forward mode; the bridge/macvtap split by the XML). */
export function readNetwork(def: NetworkDef): NetworkReadback {
  const f = def.forward
  const devs = f.interfaces.map((i) => i.dev)
  let connection: string
  let interfaces: string[]
  switch (f.mode) {
    case 'none':
      connection = 'isolated'
      interfaces = def.bridge?.name === undefined ? [] : [def.bridge.name]
      break
    case 'nat':
      connection = 'nat'
      interfaces = def.bridge?.name === undefined ? [] : [def.bridge.name]
      break
    case 'bridge':
      // a bridge network names its bridge; a macvtap network (forward mode bridge) its device
      if (def.bridge?.name !== undefined) {
        connection = 'bridge'
        interfaces = [def.bridge.name]
      } else {
        connection = 'macvtap'
        interfaces = devs.slice(0, 1)
      }
      break
    case 'vepa':
    case 'passthrough':
      connection = f.mode
      interfaces = devs
      break
    default:
      connection = f.mode
      interfaces = devs.length > 0 ? devs : def.bridge?.name === undefined ? [] : [def.bridge.name]
  }
  const ip = def.ips.find((i) => i.address.family === 'ipv4')
  let subnet = ''
  let dhcp = { start: '', end: '' }
  if (ip !== undefined) {
    const prefix = networkIpPrefix(ip)
    if (prefix !== undefined) subnet = `${formatIp(networkAddress(ip.address, prefix))}/${prefix}`
    const r = ip.dhcpRanges[0]
    if (r !== undefined) dhcp = { start: formatIp(r.start), end: formatIp(r.end) }
  }
  return { connection, interfaces, subnet, dhcp }
}

/** `a.b.c.d/prefix` of an interface address, as Kimchi reports a bridged network's subnet. */
export function subnetOfAddress(ip: string, prefixLength: number): string {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return ''
  const v = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
  return `${formatIpv4(networkAddress({ family: 'ipv4', value: v }, prefixLength).value as number)}/${prefixLength}`
}
