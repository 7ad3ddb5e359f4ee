/**
 * `veth` (kernel kind `veth`): one end of a pair; creating or deleting one end does the same to its peer.
 *
 * ```yaml
 * veth: {peer: veth0-br}
 * ```
 * @module
 */
import { defineType } from './descriptor.js'

export interface VethConfig {
  peer?: string
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    veth: VethConfig
  }
  interface Iface {
    veth?: VethConfig
  }
}

export const veth = defineType({
  type: 'veth',
  kernelKind: 'veth',
  creatable: true,
  section: {
    prop: 'veth',
    key: 'veth',
    fields: [{ key: 'peer', yaml: 'peer', value: { kind: 'ifname' }, immutable: true, requiredToCreate: true }],
  },
  peerField: 'peer',
})
