/**
 * `vxlan` (kernel kind `vxlan`): a VXLAN tunnel endpoint, optionally bound to a base interface. Every field but
 * `remotes` (head-end replication: FDB entries, changed in place) is fixed at creation. Its MTU is its base's
 * (or 1500) minus the encapsulation overhead when created, and is not bounded by the base's afterwards.
 *
 * ```yaml
 * vxlan: {id: 100, local: 192.0.2.10, remote: 198.51.100.7, destination-port: 4789, base-iface: eth0, learning: false}
 * vxlan: {id: 200, local: 192.0.2.10, remotes: [198.51.100.7, 198.51.100.8]}
 * ```
 * @module
 */
import { defineType, KERNEL_DEFAULT_MTU, type SectionProblem } from './descriptor.js'

export interface VxlanConfig {
  id?: number
  local?: string
  remote?: string
  /** Multicast group (mutually exclusive with remote). */
  group?: string
  destinationPort?: number
  baseIface?: string
  learning?: boolean
  /**
   * Head-end replication: the underlay addresses broadcast, unknown-unicast and multicast frames are copied to,
   * one all-zero-MAC FDB entry each (`bridge fdb append 00:00:00:00:00:00 dev X dst IP`, ifupdown2's repeated
   * `vxlan-remoteip`). Sorted, canonical text forms; replaces the current list when given; changeable in place.
   */
  remotes?: string[]
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    vxlan: VxlanConfig
  }
  interface Iface {
    vxlan?: VxlanConfig
  }
}

export const VXLAN_ID_MAX = 16_777_215
/** Most head-end replication remotes of one VXLAN (one FDB entry each). */
export const VXLAN_REMOTES_MAX = 4096
/** Encapsulation overhead the kernel subtracts from a VXLAN's lower MTU (IPv4 outer header). */
export const VXLAN_OVERHEAD_BYTES = 50

/** Family of canonical address text (IPv6 text always has a ':'). */
function isIpv6(ip: string): boolean {
  return ip.includes(':')
}

function check(v: VxlanConfig, key: string): SectionProblem | undefined {
  if (v.remote !== undefined && v.group !== undefined) return { field: 'group', message: `${key}.remote and ${key}.group are mutually exclusive` }
  const peer = v.remote ?? v.group
  if (v.local !== undefined && peer !== undefined && isIpv6(v.local) !== isIpv6(peer)) {
    const which = v.remote !== undefined ? 'remote' : 'group'
    return { field: 'local', message: `${key}.local '${v.local}' and ${which} '${peer}' are of different address families` }
  }
  if (v.remotes !== undefined && (v.remote !== undefined || v.group !== undefined)) {
    return { field: 'remotes', message: `${key}.remotes (head-end replication) and ${v.remote !== undefined ? 'remote' : 'group'} are mutually exclusive` }
  }
  const mixed = v.local === undefined ? undefined : v.remotes?.find((ip) => isIpv6(ip) !== isIpv6(v.local!))
  if (mixed !== undefined) return { field: 'remotes', message: `${key}.remotes '${mixed}' and local '${v.local!}' are of different address families` }
  if (v.group !== undefined && v.baseIface === undefined) {
    return { field: 'group', message: `${key}.group needs ${key}.base-iface (the device to join the group on)` }
  }
  return undefined
}

export const vxlan = defineType({
  type: 'vxlan',
  kernelKind: 'vxlan',
  creatable: true,
  section: {
    prop: 'vxlan',
    key: 'vxlan',
    fields: [
      { key: 'id', yaml: 'id', value: { kind: 'int', min: 0, max: VXLAN_ID_MAX }, immutable: true, requiredToCreate: true },
      { key: 'local', yaml: 'local', value: { kind: 'ip', cast: 'unicast' }, immutable: true },
      { key: 'remote', yaml: 'remote', value: { kind: 'ip', cast: 'unicast' }, immutable: true },
      { key: 'group', yaml: 'group', value: { kind: 'ip', cast: 'multicast' }, immutable: true },
      { key: 'destinationPort', yaml: 'destination-port', value: { kind: 'int', min: 1, max: 65535 }, immutable: true, kernelDefault: 8472 },
      { key: 'baseIface', yaml: 'base-iface', value: { kind: 'ifname' }, immutable: true },
      { key: 'learning', yaml: 'learning', value: { kind: 'bool' }, immutable: true, kernelDefault: true },
      { key: 'remotes', yaml: 'remotes', value: { kind: 'ips', cast: 'unicast', max: VXLAN_REMOTES_MAX } },
    ],
    check,
  },
  baseField: 'baseIface',
  mtu: { onCreate: (baseMtu) => (baseMtu ?? KERNEL_DEFAULT_MTU) - VXLAN_OVERHEAD_BYTES },
})
