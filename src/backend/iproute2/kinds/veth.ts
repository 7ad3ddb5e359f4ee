/**
 * veth: `ip link add NAME type veth peer name PEER` (both ends at once); the peer read from `link`.
 * @module
 */
import type { VethConfig } from '../../../model/host/iface.js'
import { defined } from '../json-read.js'
import { nameToken } from '../render-tokens.js'
import { linkName, required, type LinkKind } from './kind.js'

export const vethKind: LinkKind = {
  type: 'veth',
  create: (i) => ({ args: ['peer', 'name', nameToken(required(i.veth?.peer, i, 'veth peer'), `peer of veth '${i.name}'`)] }),
  read: (_d, link) => defined<VethConfig>({ peer: linkName(link) }),
  probe: 'link add name hnc-veth type veth peer name hnc-veth-p',
}
