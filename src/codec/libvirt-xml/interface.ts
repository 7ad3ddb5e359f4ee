// PLACEHOLDER until the codec lands: the real module replaces this file.
import { HostnetError } from '../../errors.js'

export type InterfaceDef = never

export function parseInterfaceXml(_xml: string): InterfaceDef {
  throw new HostnetError('not-supported', 'Interface XML codec not implemented yet')
}

export function formatInterfaceXml(_def: InterfaceDef, _opts: { inactive?: boolean } = {}): string {
  throw new HostnetError('not-supported', 'Interface XML codec not implemented yet')
}
