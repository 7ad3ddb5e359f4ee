/**
 * mac-vlan and mac-vtap: `ip link add link BASE NAME type macvlan|macvtap [mode M] [nopromisc]`.
 * @module
 */
import type { MacvlanConfig } from '../../../model/host/iface.js'
import { MACVLAN_MODES } from '../../../model/host/types/mac-vlan.js'
import { bool, defined, str, type JsonObject } from '../json-read.js'
import { nameToken } from '../render-tokens.js'
import { linkName, required, type LinkKind } from './kind.js'

export function macvlanConfig(d: JsonObject | undefined, base: string | undefined): MacvlanConfig {
  const m = str(d, 'mode')
  // nopromisc means something (and is allowed) in passthru mode only
  const promiscuous = m === 'passthru' ? bool(d, 'nopromisc') !== true : undefined
  return defined<MacvlanConfig>({ baseIface: base, mode: MACVLAN_MODES.find((x) => x === m), promiscuous })
}

function create(i: Parameters<NonNullable<LinkKind['create']>>[0]): { lower: string; args: string[] } {
  const lower = nameToken(required(i.macvlan?.baseIface, i, `${i.type}/base-iface`), `base interface of '${i.name}'`)
  const mode = i.macvlan?.mode === undefined ? [] : ['mode', i.macvlan.mode]
  return { lower, args: i.macvlan?.promiscuous === false ? [...mode, 'nopromisc'] : mode }
}

export const macVlanKind: LinkKind = {
  type: 'mac-vlan',
  create,
  read: (d, link) => macvlanConfig(d, linkName(link)),
  probe: 'link add link hnc-veth name hnc-mvl type macvlan mode bridge',
}

export const macVtapKind: LinkKind = {
  type: 'mac-vtap',
  create,
  read: (d, link) => macvlanConfig(d, linkName(link)),
  probe: 'link add link hnc-veth name hnc-mvt type macvtap mode bridge',
}
