/**
 * Values written into dnsmasq's line-oriented files. libvirt writes them verbatim; a value with a newline (XML
 * allows `&#10;` in attributes) would then add lines of its own to the configuration. hostnet writes the same
 * bytes as libvirt for every value without control characters and rejects the others.
 * @module
 */
import { ValidationError } from '../../errors.js'
import { networkObject } from '../../model/network/network-def.js'
import type { NetworkDef } from '../../model/network/network-def.js'

// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x1f\x7f]/

/** Whether `value` contains a character that would break a line-oriented file (C0 controls and DEL). */
export function hasControlChar(value: string): boolean {
  return CONTROL_RE.test(value)
}

/**
 * Throw a ValidationError naming the network and the field when `value` cannot be written on one line of a
 * dnsmasq file; return it otherwise.
 */
export function lineSafe(def: Pick<NetworkDef, 'name'>, field: string, value: string, path?: string): string {
  if (!hasControlChar(value)) return value
  throw new ValidationError(
    `invalid ${field} '${JSON.stringify(value).slice(1, -1)}' in network '${def.name}': ` +
      'control characters cannot be written to the dnsmasq configuration',
    { value, object: networkObject(def.name), ...(path === undefined ? {} : { path }) },
  )
}
