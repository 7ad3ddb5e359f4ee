/**
 * The device a macvtap's port profile is about (libvirt's virNetDevVPortProfileGetPhysdevAndVlan): from the
 * pool interface down through VLAN, macvlan and macvtap devices to the first device that is none of them (the
 * root: where lldpad runs EVB/VDP), and the VLAN id of the first VLAN device on the way (0: none). One
 * `ip -d -json link show` of the target; a device whose parent lives in another namespace ends the walk.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import type { Runner } from '../../sys/exec.js'

export interface RootDevice {
  readonly ifindex: number
  readonly ifname: string
  /** VLAN id between the pool interface and the root (0: none). */
  readonly vlan: number
}

interface JsonLink {
  ifindex?: number
  ifname?: string
  link?: string
  link_netnsid?: number
  linkinfo?: { info_kind?: string; info_data?: { id?: number } }
}

const STACKED = new Set(['vlan', 'macvlan', 'macvtap'])
const MAX_DEPTH = 16

/** The walk over already-read links (pure). */
export function rootOf(links: readonly JsonLink[], dev: string, where: string): RootDevice {
  const byName = new Map(links.flatMap((l) => (typeof l.ifname === 'string' ? [[l.ifname, l] as const] : [])))
  let cur: JsonLink | undefined = byName.get(dev)
  if (cur === undefined) throw new HostnetError('not-found', `interface '${dev}' does not exist in ${where}`, { details: { device: dev } })
  let vlan = 0
  for (let depth = 0; depth < MAX_DEPTH && cur !== undefined; depth++) {
    const kind: string | undefined = cur.linkinfo?.info_kind
    if (kind === 'vlan' && vlan === 0) vlan = cur.linkinfo?.info_data?.id ?? 0
    const parent: JsonLink | undefined = kind !== undefined && STACKED.has(kind) && cur.link_netnsid === undefined && cur.link !== undefined ? byName.get(cur.link) : undefined
    if (parent === undefined) {
      if (typeof cur.ifindex !== 'number' || typeof cur.ifname !== 'string') break
      return { ifindex: cur.ifindex, ifname: cur.ifname, vlan }
    }
    cur = parent
  }
  throw new HostnetError('backend-failure', `cannot find the root device of '${dev}' in ${where}`, { details: { device: dev } })
}

/** The device itself (802.1Qbh talks to the pool interface's own driver). */
export function selfOf(links: readonly JsonLink[], dev: string, where: string): RootDevice {
  const l = links.find((x) => x.ifname === dev)
  if (l === undefined || typeof l.ifindex !== 'number') throw new HostnetError('not-found', `interface '${dev}' does not exist in ${where}`, { details: { device: dev } })
  return { ifindex: l.ifindex, ifname: dev, vlan: 0 }
}

async function readLinks(runner: Runner, target: Target): Promise<JsonLink[]> {
  const argv = ['ip', ...(target.kind === 'netns' ? ['-n', target.name] : []), '-d', '-json', 'link', 'show']
  const links = JSON.parse((await runner.run(argv)).stdout || '[]') as unknown
  return Array.isArray(links) ? (links as JsonLink[]) : []
}

/** The root device under `dev` (`stacked`: walk down VLAN/macvlan/macvtap devices) or `dev` itself. */
export async function rootDevice(runner: Runner, target: Target, dev: string, opts: { stacked?: boolean } = {}): Promise<RootDevice> {
  const links = await readLinks(runner, target)
  return opts.stacked === false ? selfOf(links, dev, describeTarget(target)) : rootOf(links, dev, describeTarget(target))
}
