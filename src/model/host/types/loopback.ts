/**
 * `loopback`: the namespace's `lo`; never created, removed or made a port.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    loopback: undefined
  }
}

export const loopback = defineType({ type: 'loopback', creatable: false, notAPort: 'the loopback interface cannot be a port' })
