/**
 * tap: made with `ip tuntap add` (which takes no mtu or MAC: those follow on a second line); read from the
 * `tun` kind's data, owner and group as ids (iproute2 prints names when it can resolve them).
 * @module
 */
import type { Iface, TapConfig } from '../../../model/host/iface.js'
import { bool, defined, num, str, type JsonObject } from '../json-read.js'
import type { IdResolver } from '../query-sections.js'
import { macToken, uintToken } from '../render-tokens.js'
import type { LinkKind } from './kind.js'

function ownerId(d: JsonObject | undefined, key: string, lookup: (name: string) => number | undefined): number | undefined {
  return num(d, key) ?? (str(d, key) === undefined ? undefined : lookup(str(d, key)!))
}

export function tapConfig(d: JsonObject | undefined, ids: IdResolver): TapConfig {
  const t = str(d, 'type')
  return defined<TapConfig>({
    mode: t === 'tap' || t === 'tun' ? t : undefined,
    owner: ownerId(d, 'user', (n) => ids.userId(n)),
    group: ownerId(d, 'group', (n) => ids.groupId(n)),
    multiQueue: bool(d, 'multi_queue'),
  })
}

function tapLines(i: Iface, name: string): string[] {
  const t = i.tap ?? {}
  const add = ['tuntap', 'add', 'dev', name, 'mode', t.mode ?? 'tap']
  if (t.owner !== undefined) add.push('user', uintToken(t.owner, `owner of '${i.name}'`))
  if (t.group !== undefined) add.push('group', uintToken(t.group, `group of '${i.name}'`))
  if (t.multiQueue === true) add.push('multi_queue')
  const common: string[] = []
  if (i.mtu !== undefined) common.push('mtu', uintToken(i.mtu, `mtu of '${i.name}'`))
  if (i.mac !== undefined) common.push('address', macToken(i.mac, `MAC address of '${i.name}'`))
  return common.length === 0 ? [add.join(' ')] : [add.join(' '), ['link', 'set', 'dev', name, ...common].join(' ')]
}

export const tapKind: LinkKind = {
  type: 'tap',
  createLines: tapLines,
  read: (d, _link, ids) => tapConfig(d, ids),
  probe: 'tuntap add dev hnc-tap mode tap',
}
