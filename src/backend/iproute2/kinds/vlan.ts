/**
 * vlan: `ip link add link BASE NAME type vlan id N [protocol P]`.
 * @module
 */
import type { VlanConfig } from '../../../model/host/iface.js'
import { defined, num, str, type JsonObject } from '../json-read.js'
import { nameToken, uintToken } from '../render-tokens.js'
import { linkName, required, type LinkKind } from './kind.js'

export function vlanConfig(d: JsonObject | undefined, base: string | undefined): VlanConfig {
  const p = str(d, 'protocol')?.toLowerCase()
  return defined<VlanConfig>({
    baseIface: base,
    id: num(d, 'id'),
    protocol: p === '802.1q' || p === '802.1ad' ? p : undefined,
  })
}

export const vlanKind: LinkKind = {
  type: 'vlan',
  create: (i) => {
    const id = uintToken(required(i.vlan?.id, i, 'vlan id'), `vlan id of '${i.name}'`, 4094)
    const proto = i.vlan?.protocol === undefined ? [] : ['protocol', i.vlan.protocol === '802.1ad' ? '802.1ad' : '802.1Q']
    const lower = nameToken(required(i.vlan?.baseIface, i, 'vlan/base-iface'), `base interface of '${i.name}'`)
    return { lower, args: ['id', id, ...proto] }
  },
  read: (d, link) => vlanConfig(d, linkName(link)),
  probe: 'link add link hnc-veth name hnc-vlan type vlan id 2',
}
