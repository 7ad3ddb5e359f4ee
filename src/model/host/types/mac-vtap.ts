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
import { macVlan, type MacvlanConfig } from './mac-vlan.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    'mac-vtap': MacvlanConfig
  }
}

/** A mac-vlan in every rule, under its own name, alias, kernel kind and section key. */
export const macVtap = defineType({
  ...macVlan,
  type: 'mac-vtap',
  aliases: ['macvtap'],
  kernelKind: 'macvtap',
  section: { ...macVlan.section!, key: 'mac-vtap' },
})
