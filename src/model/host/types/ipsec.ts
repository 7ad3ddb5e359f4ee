/**
 * `ipsec`: an nmstate type hostnet does not support (IPsec (libreswan)). Documents naming one with its `libreswan:`
 * section are refused as not supported (left out with --skip-unsupported); `state: absent` of a missing one is
 * nothing to do; an existing one is read, shown and can have its base properties changed, never created or removed.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    ipsec: undefined
  }
}

export const ipsec = defineType({
  type: 'ipsec',
  creatable: false,
  unsupported: { key: 'libreswan', why: 'IPsec connections are run by libreswan, which hostnet does not drive' },
})
