/**
 * Errors of port allocation, notification and release: libvirt's message, prefixed with the port, and details
 * naming the port, the network and the offending field (an XPath-like path into the `<networkport>` or the
 * `<network>` document).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { ErrorKind } from '../../errors.js'
import { networkPortObject } from '../networkport.js'

/** Who a port operation is about: the port's UUID (or a placeholder before it has one) and the network's name. */
export interface PortContext {
  readonly portUuid: string
  readonly network: string
}

export class PortError extends HostnetError {
  readonly port: string
  readonly network: string
  /** `/networkport/virtualport/@type`, `/network/forward/interface`, … */
  readonly field: string

  /** `extra`: more details for JSON output (a VDP status, a device), after object, network and field. */
  constructor(kind: ErrorKind, ctx: PortContext, message: string, field: string, cause?: unknown, extra?: Record<string, unknown>) {
    const object = networkPortObject(ctx.portUuid)
    super(kind, `${object}: ${message}`, {
      cause,
      details: { object, network: ctx.network, field, ...extra },
    })
    this.name = 'PortError'
    this.port = ctx.portUuid
    this.network = ctx.network
    this.field = field
  }
}

export function portError(kind: ErrorKind, ctx: PortContext, message: string, field: string): PortError {
  return new PortError(kind, ctx, message, field)
}

/** Field paths used in messages and details. */
export const FIELD = {
  network: '/network',
  virtualPortType: '/networkport/virtualport/@type',
  virtualPortParam: (param: string) => `/networkport/virtualport/parameters/@${param}`,
  virtualPort: '/networkport/virtualport',
  floor: '/networkport/bandwidth/inbound/@floor',
  bandwidth: '/networkport/bandwidth',
  plug: '/networkport/plug',
  plugDev: '/networkport/plug/@dev',
  plugAddress: '/networkport/plug/address',
  poolInterfaces: '/network/forward/interface',
  poolAddresses: '/network/forward/address',
  poolPf: '/network/forward/pf/@dev',
  bridge: '/network/bridge/@name',
} as const
