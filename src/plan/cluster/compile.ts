/**
 * What one host should have, from the cluster's configuration: the interfaces of each logical network it is a
 * member of (a local bridge and its VXLAN with head-end replication to every other member, or a VLAN on the
 * physical network's interface), the hostnet network of mode `bridge` on that bridge (so ports and guests attach
 * as on a single host), and the host-interface documents addressed to it (by id or by label). Pure: the agent
 * compiles after every change it sees, and applies only what changed.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { typeDescriptor } from '../../model/host/types/index.js'
import {
  DEFAULT_UNDERLAY_MTU,
  VXLAN_PORT,
  labelsMatch,
  type HostDocument,
  type HostRecord,
  type LogicalNetwork,
} from '../../model/cluster/records.js'

/** The configuration as the agent holds it (records that failed their checks are in `invalid`). */
export interface ClusterConfig {
  hosts: ReadonlyMap<string, HostRecord>
  networks: ReadonlyMap<string, LogicalNetwork>
  documents: ReadonlyMap<string, HostDocument>
}

/** One logical network on one host. */
export interface HostNetwork {
  name: string
  bridge: string
  /** The bridge and the segment's device (VXLAN or VLAN), applied as one transaction. */
  interfaces: Iface[]
  /** The names of the interfaces this network makes (removed with it). */
  owned: string[]
  /** The hostnet network (libvirt XML, forward mode bridge) on the bridge. */
  networkXml: string
  /** Why this host cannot carry the network (it is then left out, and reported). */
  problem?: string
}

export interface HostDesired {
  /** Whether the host is registered (an unregistered host gets nothing). */
  registered: boolean
  networks: HostNetwork[]
  /** Documents for this host, by name order. */
  documents: HostDocument[]
}

/** The VXLAN device of a network: `vxl<vni>`. */
export function vxlanDeviceName(vni: number): string {
  return `vxl${vni}`
}

/** The VLAN device of a network on its physical interface: `<parent>.<id>` (the kernel's custom), else `vlan<id>`. */
export function vlanDeviceName(parent: string, vlanId: number): string {
  const name = `${parent}.${vlanId}`
  return new TextEncoder().encode(name).length <= 15 ? name : `vlan${vlanId}`
}

export function isMember(net: LogicalNetwork, host: HostRecord): boolean {
  return labelsMatch(net.hosts, host.labels)
}

/** The members of a network, by id. */
export function membersOf(net: LogicalNetwork, hosts: ReadonlyMap<string, HostRecord>): HostRecord[] {
  return [...hosts.values()].filter((h) => isMember(net, h)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * The overlay MTU: given, else what the segment's type gives a new link on the smallest member underlay MTU (its
 * descriptor's MTU rule: a VXLAN's minus the encapsulation overhead, a VLAN's the underlay's).
 */
export function overlayMtu(net: LogicalNetwork, members: readonly HostRecord[]): number {
  if (net.mtu !== undefined) return net.mtu
  const underlay = Math.min(...members.map((h) => h.underlayMtu ?? DEFAULT_UNDERLAY_MTU), DEFAULT_UNDERLAY_MTU * 64)
  return typeDescriptor(net.segment.kind).mtu?.onCreate?.(underlay) ?? underlay
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')
}

/** The hostnet (libvirt) network of a logical network: forward mode bridge on its local bridge. */
export function bridgeNetworkXml(name: string, bridge: string, uuid?: string): string {
  const id = uuid === undefined ? '' : `  <uuid>${xmlEscape(uuid)}</uuid>\n`
  return `<network>\n  <name>${xmlEscape(name)}</name>\n${id}  <forward mode='bridge'/>\n  <bridge name='${xmlEscape(bridge)}'/>\n</network>\n`
}

function hostNetwork(net: LogicalNetwork, host: HostRecord, hosts: ReadonlyMap<string, HostRecord>): HostNetwork {
  const members = membersOf(net, hosts)
  const mtu = overlayMtu(net, members)
  const base = { name: net.name, bridge: net.bridge, networkXml: bridgeNetworkXml(net.name, net.bridge, net.uuid) }
  const bridge: Iface = { name: net.bridge, type: 'linux-bridge', state: 'up', mtu, bridge: { options: { stp: false, forwardDelaySec: 0 } } }
  if (net.segment.kind === 'vxlan') {
    const dev = vxlanDeviceName(net.segment.vni)
    const remotes = members.filter((h) => h.id !== host.id && h.address !== host.address).map((h) => h.address)
    const vxlan: Iface = {
      name: dev,
      type: 'vxlan',
      state: 'up',
      mtu,
      controller: net.bridge,
      vxlan: {
        id: net.segment.vni,
        local: host.address,
        destinationPort: VXLAN_PORT,
        remotes: [...new Set(remotes)].sort(),
        ...(host.underlayIface === undefined ? {} : { baseIface: host.underlayIface }),
      },
    }
    return { ...base, interfaces: [bridge, vxlan], owned: [dev, net.bridge] }
  }
  const parent = host.physical?.[net.segment.physical]
  if (parent === undefined) {
    return { ...base, interfaces: [], owned: [], problem: `host '${host.id}' has no interface for physical network '${net.segment.physical}'` }
  }
  const dev = vlanDeviceName(parent, net.segment.vlanId)
  const vlan: Iface = { name: dev, type: 'vlan', state: 'up', mtu, controller: net.bridge, vlan: { baseIface: parent, id: net.segment.vlanId } }
  return { ...base, interfaces: [bridge, vlan], owned: [dev, net.bridge] }
}

function documentFor(doc: HostDocument, host: HostRecord): boolean {
  if (doc.host !== undefined) return doc.host === host.id
  return doc.labels !== undefined && labelsMatch(doc.labels, host.labels)
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

export function compileHost(hostId: string, config: ClusterConfig): HostDesired {
  const host = config.hosts.get(hostId)
  if (host === undefined) return { registered: false, networks: [], documents: [] }
  const networks = [...config.networks.values()].filter((n) => isMember(n, host)).sort(byName).map((n) => hostNetwork(n, host, config.hosts))
  // Two networks may not share a device on one host (a bridge name given twice, a VNI or VLAN used twice): the
  // later one by name is left out and reported, the earlier keeps working.
  const used = new Map<string, string>()
  for (const n of networks) {
    const clash = n.owned.find((d) => used.has(d))
    if (clash !== undefined) {
      n.problem = `device '${clash}' is already used by logical network '${used.get(clash)}' on host '${hostId}'`
      n.interfaces = []
      n.owned = []
      continue
    }
    for (const d of n.owned) used.set(d, n.name)
  }
  const documents = [...config.documents.values()].filter((d) => documentFor(d, host)).sort(byName)
  return { registered: true, networks, documents }
}
