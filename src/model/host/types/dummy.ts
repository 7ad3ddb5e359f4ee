/**
 * `dummy` (kernel kind `dummy`): a link with no section of its own.
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    dummy: undefined
  }
}

export const dummy = defineType({ type: 'dummy', kernelKind: 'dummy', creatable: true })
