// PLACEHOLDER until the codec lands: the real module replaces this file.
import { HostnetError } from '../../../errors.js'

export type NetworkDef = never

export function parseNetworkXml(_xml: string): NetworkDef {
  throw new HostnetError('not-supported', 'Network XML codec not implemented yet')
}

export function formatNetworkXml(_def: NetworkDef, _opts: { inactive?: boolean } = {}): string {
  throw new HostnetError('not-supported', 'Network XML codec not implemented yet')
}
