/**
 * `ipvlan` (kernel kind `ipvlan`): sub-interfaces of a base interface that share its MAC address and are told
 * apart by IP address (L2 mode: the base forwards by MAC then IP; L3/L3S: routed, no broadcast). Every field is
 * fixed at creation (a change recreates the link); its MTU is bounded by its base's.
 *
 * ```yaml
 * ipvlan: {base-iface: eth1, mode: l2, private: false, vepa: false}
 * ```
 * @module
 */
import { defineType } from './descriptor.js'

export const IPVLAN_MODES = ['l2', 'l3', 'l3s'] as const
export type IpvlanMode = (typeof IPVLAN_MODES)[number]

export interface IpvlanConfig {
  baseIface?: string
  mode?: IpvlanMode
  /** Traffic between sub-interfaces of the same base is dropped (`private`). */
  private?: boolean
  /** Traffic between sub-interfaces goes out through the base and must come back from the switch (`vepa`). */
  vepa?: boolean
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    ipvlan: IpvlanConfig
  }
  interface Iface {
    ipvlan?: IpvlanConfig
  }
}

const BOOL = { kind: 'bool' } as const

export const ipvlan = defineType({
  type: 'ipvlan',
  kernelKind: 'ipvlan',
  creatable: true,
  section: {
    prop: 'ipvlan',
    key: 'ipvlan',
    fields: [
      { key: 'baseIface', yaml: 'base-iface', value: { kind: 'ifname' }, immutable: true, requiredToCreate: true },
      { key: 'mode', yaml: 'mode', value: { kind: 'enum', values: IPVLAN_MODES }, immutable: true, kernelDefault: 'l3' },
      { key: 'private', yaml: 'private', value: BOOL, immutable: true, kernelDefault: false },
      { key: 'vepa', yaml: 'vepa', value: BOOL, immutable: true, kernelDefault: false },
    ],
    check: (s: IpvlanConfig, key: string) =>
      s.private === true && s.vepa === true ? { field: 'vepa', message: `${key}.private and ${key}.vepa cannot both be true (the kernel takes one mode: bridge, private or vepa)` } : undefined,
  },
  baseField: 'baseIface',
  mtu: { onCreate: (baseMtu) => baseMtu, boundedByBase: true },
})
