/**
 * The network driver's bridge work through backend/iproute2's typed link layer. Creation is one `ip -batch`
 * (bridge, addresses, up, routes: backend/iproute2 createNetworkBridge). Destruction is split like ecosystem.md
 * recommends: retiring a bridge (down, addresses flushed, marked with hostnet's alias and renamed to a `hngc…`
 * tombstone) takes ~3 ms and frees its name and subnet at once; the slow kernel deletion (tens of ms per device)
 * happens later, in bulk, in `deleteTombstones`, of the devices with both the tombstone name and the alias.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { type HostBackend } from '../../backend/backend.js'
import { createNetworkBridge, LinkLayer, retireLink, type BridgeSpec, type RouteEntry } from '../../backend/iproute2/index.js'
import type { Target } from '../../model/target.js'
import type { Runner } from '../../sys/exec.js'
import { netnsExists } from '../../sys/netns.js'
import type { LinkService } from './services.js'

/** Prefix of retired bridges waiting for deletion (`hngc` + 10 hex digits: 14 bytes). */
export const TOMBSTONE_PREFIX = 'hngc'

export function tombstoneName(random: (n: number) => Uint8Array = randomBytes): string {
  return `${TOMBSTONE_PREFIX}${Buffer.from(random(5)).toString('hex')}`
}

export function isTombstone(name: string): boolean {
  return name.startsWith(TOMBSTONE_PREFIX) && /^[0-9a-f]{10}$/.test(name.slice(TOMBSTONE_PREFIX.length))
}

/**
 * The alias a bridge gets as it is retired. A tombstone is deleted only when it has both the name and this alias:
 * the name alone proves nothing (users cannot choose `hngc…` names through hostnet, but any other tool can), the
 * alias is set by hostnet in the same batch that renames the bridge it owns.
 */
export const RETIRED_ALIAS = 'hostnet:retired-bridge'

export class IprouteLinkService implements LinkService {
  private readonly links: LinkLayer

  constructor(
    private readonly backend: HostBackend,
    opts: { runner?: Runner } = {},
  ) {
    this.links = new LinkLayer(opts.runner === undefined ? {} : { runner: opts.runner })
  }

  async createBridge(target: Target, spec: BridgeSpec, opts: { routesV4?: boolean } = {}): Promise<RouteEntry[]> {
    const res = await createNetworkBridge(this.links, target, spec, opts)
    if (res.ok) return res.routes
    if (res.bridgeMade) await this.retireBridge(target, spec.name).then((t) => (t === undefined ? 0 : this.deleteTombstones(target)))
    throw res.error
  }

  async retireBridge(target: Target, name: string): Promise<string | undefined> {
    const tomb = tombstoneName()
    return (await retireLink(this.links, target, name, tomb, RETIRED_ALIAS)) ? tomb : undefined
  }

  async deleteTombstones(target: Target): Promise<number> {
    if (!this.targetExists(target)) return 0
    const names = (await this.links.links(target))
      .filter((l) => isTombstone(l.name) && l.alias === RETIRED_ALIAS)
      .map((l) => l.name)
      .sort()
    if (names.length === 0) return 0
    await this.backend.apply(target, [{ kind: 'link.delete', names }])
    return names.length
  }

  linkNames(target: Target): Promise<Set<string>> {
    return this.links.names(target)
  }

  async linkKind(target: Target, name: string): Promise<string | undefined> {
    return (await this.links.link(target, name))?.kind
  }

  routes(target: Target, families: { v4: boolean; v6: boolean }): Promise<RouteEntry[]> {
    return this.links.routes(target, families)
  }

  targetExists(target: Target): boolean {
    return target.kind === 'host' || netnsExists(target.name)
  }
}
