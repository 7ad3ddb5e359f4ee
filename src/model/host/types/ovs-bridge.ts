/**
 * `ovs-bridge`: an Open vSwitch bridge (a row in OVSDB, not a kernel link), planned by plan/ovs. Its section
 * (`bridge:`, with ports, VLANs and bonds) has a codec of its own (codec/yaml/parse-ovs.ts); the records are in
 * ../ovs.ts.
 * @module
 */
import type { OvsBridgeConfig } from '../ovs.js'
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    'ovs-bridge': OvsBridgeConfig
  }
  interface Iface {
    /** ovs-bridge: options and ports (YAML `bridge`, see ovs.ts). */
    ovsBridge?: OvsBridgeConfig
  }
}

export const ovsBridge = defineType({
  type: 'ovs-bridge',
  creatable: false,
  section: { prop: 'ovsBridge', key: 'bridge', fields: [], custom: true },
  controller: { kernel: false },
})
