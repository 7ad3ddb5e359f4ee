/**
 * ipvlan: `ip link add link BASE NAME type ipvlan [mode l2|l3|l3s] [private|vepa]`.
 * @module
 */
import { IPVLAN_MODES, type IpvlanConfig } from '../../../model/host/types/ipvlan.js'
import { bool, defined, str, type JsonObject } from '../json-read.js'
import { nameToken } from '../render-tokens.js'
import { linkName, required, type LinkKind } from './kind.js'

export function ipvlanConfig(d: JsonObject | undefined, base: string | undefined): IpvlanConfig {
  const m = str(d, 'mode')
  return defined<IpvlanConfig>({
    baseIface: base,
    mode: IPVLAN_MODES.find((x) => x === m),
    private: d === undefined ? undefined : bool(d, 'private') === true,
    vepa: d === undefined ? undefined : bool(d, 'vepa') === true,
  })
}

export const ipvlanKind: LinkKind = {
  type: 'ipvlan',
  create: (i) => {
    const lower = nameToken(required(i.ipvlan?.baseIface, i, 'ipvlan/base-iface'), `base interface of '${i.name}'`)
    const mode = i.ipvlan?.mode === undefined ? [] : ['mode', i.ipvlan.mode]
    const flag = i.ipvlan?.private === true ? ['private'] : i.ipvlan?.vepa === true ? ['vepa'] : []
    return { lower, args: [...mode, ...flag] }
  },
  read: (d, link) => ipvlanConfig(d, linkName(link)),
  // on the veth's peer: a device takes macvlans or ipvlans, not both (the macvlan probes use hnc-veth)
  probe: 'link add link hnc-veth-p name hnc-ipvl type ipvlan mode l2',
}
