/**
 * `unknown`: a document entry that leaves its type to the current state, or a kernel link of a kind hostnet does
 * not model (its kind kept in `info.linkKind`, the link it reports taken as its base).
 * @module
 */
import { defineType } from './descriptor.js'

declare module '../iface.js' {
  interface IfaceTypeMap {
    unknown: undefined
  }
}

export const unknown = defineType({ type: 'unknown', creatable: false, reportedLinkIsBase: true })
