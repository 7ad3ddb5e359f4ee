/**
 * `mac-vtap` (kernel kind `macvtap`): a mac-vlan with a tap character device; the same section fields and rules
 * as ./mac-vlan.ts, under its own key.
 *
 * ```yaml
 * mac-vtap: {base-iface: eth0, mode: passthru}
 * ```
 * @module
 */
import { defineType } from './descriptor.js'
import { MACVLAN_FIELDS, macvlanKeyHint, type MacvlanConfig } from './mac-vlan.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    'mac-vtap': MacvlanConfig
  }
}

export const macVtap = defineType({
  type: 'mac-vtap',
  aliases: ['macvtap'],
  kernelKind: 'macvtap',
  creatable: true,
  section: { prop: 'macvlan', key: 'mac-vtap', fields: MACVLAN_FIELDS, keyHint: macvlanKeyHint },
  baseField: 'baseIface',
  mtu: { onCreate: (baseMtu) => baseMtu, boundedByBase: true },
})
