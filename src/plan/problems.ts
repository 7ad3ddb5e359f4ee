/**
 * How the planner reports bad requests: a ValidationError (invalid-argument) or a not-supported HostnetError,
 * both naming the interface and the field and carrying the JSON pointer of the offending value.
 * @module
 */
import { HostnetError, ValidationError } from '../errors.js'

export function invalid(path: string, iface: string, message: string, value?: unknown): never {
  const object = `interface '${iface}'`
  throw new ValidationError(`${object}: ${message}`, { path, object, value })
}

export function unsupported(path: string, iface: string, message: string): never {
  const object = `interface '${iface}'`
  throw new HostnetError('not-supported', `${object}: ${message}`, { details: { path, object } })
}

export function invalidRoute(path: string, route: string, message: string): never {
  const object = `route '${route}'`
  throw new ValidationError(`${object}: ${message}`, { path, object })
}

/** JSON pointer of field `field` (slash-separated YAML keys) of interface entry `index`. */
export function ifacePath(index: number, field?: string): string {
  return field === undefined ? `/interfaces/${index}` : `/interfaces/${index}/${field}`
}
