/**
 * Kernel network interface names (IFNAMSIZ = 16 including the NUL: at most 15 bytes).
 * @module
 */
import { ValidationError } from '../../errors.js'

export type IfName = string & { readonly __brand: 'IfName' }

export const IFNAME_MAX_BYTES = 15

const encoder = new TextEncoder()

/** UTF-8 byte length (ASCII names, nearly all of them, need no encoding). */
function utf8Length(s: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : encoder.encode(s).length
}

/** Why `name` is not a valid kernel interface name, or undefined if it is. */
export function ifNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty'
  if (utf8Length(name) > IFNAME_MAX_BYTES) return `is longer than ${IFNAME_MAX_BYTES} bytes`
  if (name === '.' || name === '..') return `may not be '${name}'`
  if (name.includes('/')) return "contains '/'"
  if (name.includes(':')) return "contains ':'"
  if (/\s/.test(name)) return 'contains whitespace'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character'
  return undefined
}

export function isIfName(name: string): name is IfName {
  return ifNameProblem(name) === undefined
}

/** Validate an interface name; `what` names the field for the error message. */
export function parseIfName(name: string, what = 'interface name', path?: string): IfName {
  const problem = ifNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid ${what} '${name}': ${problem}`, { value: name, ...(path ? { path } : {}) })
  }
  return name as IfName
}
