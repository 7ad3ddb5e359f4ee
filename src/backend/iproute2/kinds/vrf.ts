/**
 * vrf: `ip link add NAME type vrf table N`.
 * @module
 */
import type { VrfConfig } from '../../../model/host/iface.js'
import { defined, num, type JsonObject } from '../json-read.js'
import { uintToken } from '../render-tokens.js'
import { required, type LinkKind } from './kind.js'

export function vrfConfig(d: JsonObject | undefined): VrfConfig {
  return defined<VrfConfig>({ tableId: num(d, 'table') })
}

export const vrfKind: LinkKind = {
  type: 'vrf',
  create: (i) => ({ args: ['table', uintToken(required(i.vrf?.tableId, i, 'vrf table id'), `table of vrf '${i.name}'`)] }),
  read: (d) => vrfConfig(d),
  probe: 'link add name hnc-vrf type vrf table 100',
}
