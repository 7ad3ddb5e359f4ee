/**
 * `vlan` (kernel kind `vlan`): an 802.1Q/802.1ad sub-interface of a base interface. Every field is fixed at
 * creation (a change recreates the link); its MTU is bounded by its base's.
 *
 * ```yaml
 * vlan: {base-iface: eth0, id: 10, protocol: 802.1q}
 * ```
 * @module
 */
import { VLAN_ID_MAX, VLAN_ID_MIN } from '../../values/vlan-id.js'
import { defineType } from './descriptor.js'

export interface VlanConfig {
  baseIface?: string
  id?: number
  protocol?: '802.1q' | '802.1ad'
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    vlan: VlanConfig
  }
  interface Iface {
    vlan?: VlanConfig
  }
}

export const vlan = defineType({
  type: 'vlan',
  kernelKind: 'vlan',
  creatable: true,
  section: {
    prop: 'vlan',
    key: 'vlan',
    fields: [
      { key: 'baseIface', yaml: 'base-iface', value: { kind: 'ifname' }, immutable: true, requiredToCreate: true },
      { key: 'id', yaml: 'id', value: { kind: 'int', min: VLAN_ID_MIN, max: VLAN_ID_MAX }, immutable: true, requiredToCreate: true },
      { key: 'protocol', yaml: 'protocol', value: { kind: 'enum', values: ['802.1q', '802.1ad'] }, immutable: true, kernelDefault: '802.1q' },
    ],
    unique: {
      field: 'id',
      key: (v: VlanConfig) => `${v.baseIface}|${v.id}|${v.protocol ?? '802.1q'}`,
      message: (v: VlanConfig, other: string) => `vlan id ${v.id} on '${v.baseIface}' is already used by '${other}'`,
    },
  },
  baseField: 'baseIface',
  mtu: { onCreate: (baseMtu) => baseMtu, boundedByBase: true },
})
