/**
 * `tap` (kernel kind `tun`): a tun/tap device (`ip tuntap`). Every field is fixed at creation.
 *
 * ```yaml
 * tap: {mode: tap, owner: 107, group: 107, multi-queue: true}
 * ```
 * @module
 */
import { defineType, UINT32_MAX } from './descriptor.js'

export interface TapConfig {
  mode?: 'tap' | 'tun'
  owner?: number
  group?: number
  multiQueue?: boolean
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    tap: TapConfig
  }
  interface Iface {
    tap?: TapConfig
  }
}

export const tap = defineType({
  type: 'tap',
  kernelKind: 'tun',
  creatable: true,
  section: {
    prop: 'tap',
    key: 'tap',
    fields: [
      { key: 'mode', yaml: 'mode', value: { kind: 'enum', values: ['tap', 'tun'] }, immutable: true, kernelDefault: 'tap' },
      { key: 'owner', yaml: 'owner', value: { kind: 'int', min: 0, max: UINT32_MAX - 1 }, immutable: true },
      { key: 'group', yaml: 'group', value: { kind: 'int', min: 0, max: UINT32_MAX - 1 }, immutable: true },
      { key: 'multiQueue', yaml: 'multi-queue', value: { kind: 'bool' }, immutable: true, kernelDefault: false },
    ],
  },
})
