/**
 * `vrf` (kernel kind `vrf`): a routing table as a controller; enslaving or releasing a port cycles it down and
 * up. The table is fixed at creation.
 *
 * ```yaml
 * vrf: {route-table-id: 100, port: [eth1]}
 * ```
 * @module
 */
import { defineType, UINT32_MAX } from './descriptor.js'

export interface VrfConfig {
  tableId?: number
  ports?: string[]
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    vrf: VrfConfig
  }
  interface Iface {
    vrf?: VrfConfig
  }
}

export const vrf = defineType({
  type: 'vrf',
  kernelKind: 'vrf',
  creatable: true,
  section: {
    prop: 'vrf',
    key: 'vrf',
    fields: [
      { key: 'tableId', yaml: 'route-table-id', value: { kind: 'int', min: 1, max: UINT32_MAX }, immutable: true, requiredToCreate: true },
      { key: 'ports', yaml: 'port', alias: 'ports', value: { kind: 'ifnames' } },
    ],
  },
  controller: { kernel: true, portsField: 'ports', cyclesPorts: true },
})
