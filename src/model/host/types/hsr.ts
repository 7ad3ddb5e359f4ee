/**
 * `hsr` (kernel kind hsr): an nmstate type hostnet does not support (HSR/PRP). Documents naming one with its `hsr:`
 * section are refused as not supported (left out with --skip-unsupported); `state: absent` of a missing one is
 * nothing to do; an existing one is read, shown and can have its base properties changed, never created or removed.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    hsr: undefined
  }
}

export const hsr = defineType({
  type: 'hsr',
  kernelKind: 'hsr',
  creatable: false,
  unsupported: { key: 'hsr', why: 'HSR/PRP redundancy rings (IEC 62439-3) belong to industrial networks, not to virtualization hosts' },
})
