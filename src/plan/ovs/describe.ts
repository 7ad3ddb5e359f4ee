/**
 * One readable line per Open vSwitch change (for `diff`, `apply` and error messages).
 * @module
 */
import { assertNever } from '../../errors.js'
import type { OvsChange, OvsIfaceSpec } from './ops.js'

function columns(c: object): string {
  const parts = Object.entries(c)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v === null ? '[]' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
  return parts.length === 0 ? '' : ` (${parts.join(' ')})`
}

function iface(i: OvsIfaceSpec): string {
  const { name, type, ...rest } = i
  return `${type === '' ? 'system' : type} '${name}'${columns(rest)}`
}

export function describeOvsChange(c: OvsChange): string {
  switch (c.kind) {
    case 'bridge.add': return `add OVS bridge '${c.name}'${columns(c.columns)}`
    case 'bridge.del': return `remove OVS bridge '${c.name}'`
    case 'bridge.set': return `set OVS bridge '${c.name}'${columns(c.columns)}`
    case 'port.add': return `add port '${c.name}' to OVS bridge '${c.bridge}'${columns(c.columns)}: ${c.interfaces.map(iface).join(', ')}`
    case 'port.del': return `remove port '${c.name}' from OVS bridge '${c.bridge}'`
    case 'port.move': return `move port '${c.name}' from OVS bridge '${c.from}' to '${c.to}'`
    case 'port.set': return `set OVS port '${c.name}'${columns(c.columns)}`
    case 'port.add-ifaces': return `add ${c.interfaces.map(iface).join(', ')} to OVS port '${c.port}'`
    case 'port.del-ifaces': return `remove ${c.names.map((n) => `'${n}'`).join(', ')} from OVS port '${c.port}'`
    case 'iface.set': return `set OVS interface '${c.name}'${columns(c.columns)}`
    default: return assertNever(c, 'OVS change')
  }
}

/** Summary of a whole transaction, e.g. `apply 3 OVS changes in one transaction`. */
export function describeOvsTransact(changes: readonly OvsChange[]): string {
  if (changes.length === 1) return describeOvsChange(changes[0]!)
  return `apply ${changes.length} Open vSwitch changes in one transaction`
}
