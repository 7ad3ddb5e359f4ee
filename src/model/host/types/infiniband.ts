/**
 * `infiniband` (kernel kind ipoib): an nmstate type hostnet does not support (IP over InfiniBand). Documents naming one with its `infiniband:`
 * section are refused as not supported (left out with --skip-unsupported); `state: absent` of a missing one is
 * nothing to do; an existing one is read, shown and can have its base properties changed, never created or removed.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    infiniband: undefined
  }
}

export const infiniband = defineType({
  type: 'infiniband',
  kernelKind: 'ipoib',
  creatable: false,
  unsupported: { key: 'infiniband', why: 'IP over InfiniBand needs an InfiniBand adapter and its partition keys' },
})
