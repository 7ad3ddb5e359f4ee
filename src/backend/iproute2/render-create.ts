/**
 * `link.create` → batch lines. The link is created down, from its type section plus mtu and MAC; ports,
 * addresses and state are separate operations. What each type adds is its kind file (kinds/); the kernel kind
 * after `type` is its descriptor's.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Iface } from '../../model/host/iface.js'
import { typeDescriptor } from '../../model/host/types/index.js'
import { linkKind } from './kinds/index.js'
import { macToken, nameToken, uintToken } from './render-tokens.js'

/** `mtu M address MAC` for a new link, as far as given. */
function commonArgs(i: Iface): string[] {
  const out: string[] = []
  if (i.mtu !== undefined) out.push('mtu', uintToken(i.mtu, `mtu of '${i.name}'`))
  if (i.mac !== undefined) out.push('address', macToken(i.mac, `MAC address of '${i.name}'`))
  return out
}

export function renderCreate(i: Iface): string[] {
  const name = nameToken(i.name)
  const k = linkKind(i.type)
  const kernelKind = typeDescriptor(i.type).kernelKind
  if (k?.createLines !== undefined) return k.createLines(i, name)
  if (k?.create === undefined || kernelKind === undefined) {
    throw new HostnetError('not-supported', `cannot create interface '${i.name}' of type ${i.type} with iproute2`, {
      details: { name: i.name, type: i.type },
    })
  }
  const { lower, args } = k.create(i)
  const head = lower === undefined ? ['link', 'add', 'name', name] : ['link', 'add', 'link', lower, 'name', name]
  return [[...head, ...commonArgs(i), 'type', kernelKind, ...args].join(' ')]
}
