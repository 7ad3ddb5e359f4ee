/**
 * `macsec` (kernel kind macsec): an nmstate type hostnet does not support (MACsec). Documents naming one with its `macsec:`
 * section are refused as not supported (left out with --skip-unsupported); `state: absent` of a missing one is
 * nothing to do; an existing one is read, shown and can have its base properties changed, never created or removed.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    macsec: undefined
  }
}

export const macsec = defineType({
  type: 'macsec',
  kernelKind: 'macsec',
  creatable: false,
  unsupported: { key: 'macsec', why: 'MACsec needs a key agreement daemon (wpa_supplicant running MKA) that hostnet does not run' },
})
