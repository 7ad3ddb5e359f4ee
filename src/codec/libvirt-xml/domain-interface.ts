// PLACEHOLDER until the codec lands: the real module replaces this file.
import { HostnetError } from '../../errors.js'

export type DomainInterfaceDef = never

export function parseDomainInterfaceXml(_xml: string): DomainInterfaceDef {
  throw new HostnetError('not-supported', 'DomainInterface XML codec not implemented yet')
}

export function formatDomainInterfaceXml(_def: DomainInterfaceDef, _opts: { inactive?: boolean } = {}): string {
  throw new HostnetError('not-supported', 'DomainInterface XML codec not implemented yet')
}
