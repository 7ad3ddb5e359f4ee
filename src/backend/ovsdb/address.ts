/**
 * OVSDB connection methods as ovs-vsctl spells them: `unix:/path/db.sock`, `tcp:host:port`,
 * `tcp:[v6addr]:port`.
 * @module
 */
import { ValidationError } from '../../errors.js'

export type OvsdbAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number }

export function parseOvsdbAddress(s: string): OvsdbAddress {
  if (s.startsWith('unix:')) {
    const path = s.slice('unix:'.length)
    if (path === '') throw new ValidationError(`invalid OVSDB address '${s}': empty socket path`, { value: s })
    return { kind: 'unix', path }
  }
  if (s.startsWith('tcp:')) {
    const rest = s.slice('tcp:'.length)
    const m = /^\[([0-9a-fA-F:.]+)\]:([0-9]+)$/.exec(rest) ?? /^([^:[\]]+):([0-9]+)$/.exec(rest)
    const port = m ? Number(m[2]) : NaN
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ValidationError(`invalid OVSDB address '${s}': expected tcp:HOST:PORT`, { value: s })
    }
    return { kind: 'tcp', host: m[1]!, port }
  }
  throw new ValidationError(`invalid OVSDB address '${s}': expected unix:PATH or tcp:HOST:PORT`, { value: s })
}

export function formatOvsdbAddress(a: OvsdbAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`
  return a.host.includes(':') ? `tcp:[${a.host}]:${a.port}` : `tcp:${a.host}:${a.port}`
}
