/**
 * What iproute2 does for one interface type: how `ip link add` makes it, how `ip -json -details` reports its
 * section, and a batch line that proves the kernel can create it (caps.ts). One file per type in this folder,
 * listed in ./index.ts; the type's kernel kind (`type KIND`, `info_kind`) comes from its descriptor
 * (model/host/types).
 * @module
 */
import { ValidationError } from '../../../errors.js'
import type { Iface, IfaceType } from '../../../model/host/iface.js'
import { num, str, type JsonObject } from '../json-read.js'
import type { IdResolver } from '../query-sections.js'

export interface LinkKind {
  readonly type: IfaceType
  /** `ip link add` arguments of a new link: `lower` (`link BASE`) goes before the name, `args` after `type KIND`. */
  readonly create?: (i: Iface) => { lower?: string; args: string[] }
  /** Batch lines that make the link instead of `ip link add` (a tap: `ip tuntap add`); `name` is its token. */
  readonly createLines?: (i: Iface, name: string) => string[]
  /** The type's section record from `linkinfo.info_data` (`data`) and the link itself (base and peer names). */
  readonly read?: (data: JsonObject | undefined, link: JsonObject, ids: IdResolver) => object
  /** The options of a port of this kind of controller, from `linkinfo.info_slave_data` (a bridge port's). */
  readonly readPort?: (data: JsonObject | undefined) => object
  /** One `ip -batch` line creating a throw-away link of this type (it may use `hnc-veth`, its peer `hnc-veth-p` and `hnc-br` as base). */
  readonly probe?: string
}

/** A field a new link cannot do without (the planner checks it first; this guards direct callers). */
export function required<T>(v: T | undefined, i: Iface, field: string): T {
  if (v === undefined) {
    throw new ValidationError(`cannot create ${i.type} '${i.name}': ${field} is required`, { object: `interface '${i.name}'`, path: field })
  }
  return v
}

/** The name of the link `link` refers to (veth peer, VLAN/MAC-VLAN base), when it is in the same namespace. */
export function linkName(link: JsonObject): string | undefined {
  return num(link, 'link_netnsid') === undefined ? str(link, 'link') : undefined
}
