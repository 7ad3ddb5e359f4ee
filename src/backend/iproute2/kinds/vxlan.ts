/**
 * vxlan: `ip link add NAME type vxlan id N [dev BASE] [local A] [remote A | group A] [dstport P] [[no]learning]`.
 * @module
 */
import { ValidationError } from '../../../errors.js'
import type { Iface, VxlanConfig } from '../../../model/host/iface.js'
import { bool, defined, num, str, type JsonObject } from '../json-read.js'
import { canonicalIp } from '../query-sections.js'
import { ipToken, nameToken, uintToken } from '../render-tokens.js'
import { required, type LinkKind } from './kind.js'

function vxlanArgs(i: Iface): string[] {
  const v = i.vxlan ?? {}
  const out = ['id', uintToken(required(v.id, i, 'vxlan id'), `vxlan id of '${i.name}'`, 0xffffff)]
  if (v.baseIface !== undefined) out.push('dev', nameToken(v.baseIface, `base interface of '${i.name}'`))
  if (v.local !== undefined) out.push('local', ipToken(v.local, `local address of vxlan '${i.name}'`).text)
  if (v.remote !== undefined && v.group !== undefined) {
    throw new ValidationError(`vxlan '${i.name}' has both a remote and a group`, { object: `interface '${i.name}'`, path: 'vxlan/group' })
  }
  if (v.remote !== undefined) out.push('remote', ipToken(v.remote, `remote address of vxlan '${i.name}'`).text)
  if (v.group !== undefined) out.push('group', ipToken(v.group, `group of vxlan '${i.name}'`).text)
  if (v.destinationPort !== undefined) out.push('dstport', uintToken(v.destinationPort, `destination port of vxlan '${i.name}'`, 0xffff))
  if (v.learning !== undefined) out.push(v.learning ? 'learning' : 'nolearning')
  return out
}

export function vxlanConfig(d: JsonObject | undefined): VxlanConfig {
  return defined<VxlanConfig>({
    id: num(d, 'id'),
    local: canonicalIp(str(d, 'local') ?? str(d, 'local6')),
    remote: canonicalIp(str(d, 'remote') ?? str(d, 'remote6')),
    group: canonicalIp(str(d, 'group') ?? str(d, 'group6')),
    destinationPort: num(d, 'port'),
    baseIface: str(d, 'link'),
    learning: bool(d, 'learning'),
  })
}

export const vxlanKind: LinkKind = {
  type: 'vxlan',
  create: (i) => ({ args: vxlanArgs(i) }),
  read: (d) => vxlanConfig(d),
  probe: 'link add name hnc-vxlan type vxlan id 1 dstport 4789',
}
