// PLACEHOLDER until the codec lands: the real module replaces this file.
import { HostnetError } from '../../errors.js'

export type NetworkPortDef = never

export function parseNetworkPortXml(_xml: string): NetworkPortDef {
  throw new HostnetError('not-supported', 'NetworkPort XML codec not implemented yet')
}

export function formatNetworkPortXml(_def: NetworkPortDef, _opts: { inactive?: boolean } = {}): string {
  throw new HostnetError('not-supported', 'NetworkPort XML codec not implemented yet')
}
