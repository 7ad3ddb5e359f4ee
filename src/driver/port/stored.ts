/**
 * What a port row's `def_json` holds: the allocated `<networkport>` and, for ports made from a domain interface,
 * that interface (so `--domain-interface` output carries the guest's own configuration with the `<actual>`).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import type { PortRecord } from '../../store/ports.js'

export interface StoredPort {
  readonly port: NetworkPortDef
  readonly iface?: DomainInterfaceDef
}

export function readStoredPort(rec: PortRecord): StoredPort {
  const v = rec.def as StoredPort | undefined
  if (v === undefined || typeof v !== 'object' || typeof v.port !== 'object' || v.port === null) {
    throw new HostnetError('bug', `network port '${rec.uuid}': no definition in the store`)
  }
  return v
}
