/**
 * `ethernet`: a device hostnet does not create or delete (a NIC; also what a kernel link without a kind reads
 * as). It can be changed (state, MTU, MAC, addresses, controller) and set down, never removed.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    ethernet: undefined
  }
}

export const ethernet = defineType({ type: 'ethernet', creatable: false })
