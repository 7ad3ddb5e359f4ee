/**
 * `ovs-interface`: an Open vSwitch internal port (a kernel device of kind `openvswitch` that ovs-vswitchd makes)
 * or a patch port (no device; section `patch:`). Created and removed through OVSDB by plan/ovs, never by the
 * kernel planner.
 * @module
 */
import type { OvsInterfaceConfig } from '../ovs.js'
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    'ovs-interface': OvsInterfaceConfig
  }
  interface Iface {
    /** ovs-interface: patch peer (YAML `patch`). */
    ovsInterface?: OvsInterfaceConfig
  }
}

export const ovsInterface = defineType({
  type: 'ovs-interface',
  kernelKind: 'openvswitch',
  creatable: false,
  section: { prop: 'ovsInterface', key: 'patch', fields: [], custom: true },
})
