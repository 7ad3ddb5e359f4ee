/**
 * In-memory southbound services for network-driver tests: a target's devices, routes, firewall tables and
 * dnsmasq instances as sets, with fault injection (`failNext`) and a journal of the calls.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError } from '../../src/errors.js'
import type { Target } from '../../src/model/target.js'
import { NetworkDriver } from '../../src/driver/network/driver.js'
import type { BridgeSpec, DhcpContext, DhcpLeaseEntry, NetworkServices, RouteEntry } from '../../src/driver/network/services.js'
import type { NetworkDef } from '../../src/model/network/network-def.js'
import type { Bandwidth } from '../../src/model/netdev/bandwidth.js'
import { openStore, type Store } from '../../src/store/index.js'
import type { ProcessIdentity as DaemonRef, ProcessIdentity as ProcessOwner } from '../../src/sys/process.js'

/** An IPv6 route (a default route by its gateway's family). */
function isV6Route(r: RouteEntry): boolean {
  return r.destination === 'default' ? r.gateway?.family === 'ipv6' : r.destination.addr.family === 'ipv6'
}

export const NS: Target = { kind: 'netns', name: 'fake-ns' }

export type FaultPoint = 'createBridge' | 'retireBridge' | 'firewall.apply' | 'firewall.remove' | 'dhcp.start' | 'dhcp.stop' | 'sysctl' | 'routes' | 'shaping'

export class FakeWorld {
  readonly devices = new Set<string>(['lo', 'eth0'])
  readonly addresses = new Map<string, BridgeSpec['addresses']>()
  readonly routes: RouteEntry[] = []
  readonly tables = new Set<string>()
  readonly daemons = new Map<string, DaemonRef>()
  readonly sysctls = new Map<string, string>()
  /** Bridges carrying a network's bandwidth (tc), by bridge name. */
  readonly shaped = new Map<string, Bandwidth>()
  readonly calls: string[] = []
  /** What each network's hosts files last held (static DHCP host names, or MACs). */
  readonly hostsFiles = new Map<string, string[]>()
  /** Networks whose files the driver asked to remove for good. */
  readonly forgotten: string[] = []
  targetPresent = true
  private faults = new Set<FaultPoint>()
  private nextPid = 1000
  /** Make a step hang forever (crash simulations). */
  hang: FaultPoint | undefined

  failNext(p: FaultPoint): void {
    this.faults.add(p)
  }

  private async step(p: FaultPoint, what: string): Promise<void> {
    this.calls.push(what)
    if (this.hang === p) await new Promise(() => undefined)
    if (this.faults.delete(p)) throw new HostnetError('backend-failure', `injected failure: ${p}`)
  }

  services(): NetworkServices {
    return {
      links: {
        createBridge: async (_t, spec: BridgeSpec, opts?: { routesV4?: boolean }) => {
          // the real service dumps the IPv4 routes in the same batch, before the bridge
          const dumped = opts?.routesV4 === true ? (await this.step('routes', 'routes'), this.routes.filter((r) => !isV6Route(r))) : []
          await this.step('createBridge', `create ${spec.name}`)
          if (this.devices.has(spec.name)) throw new HostnetError('conflict', `bridge name '${spec.name}' is already in use by a network device`)
          this.devices.add(spec.name)
          this.addresses.set(spec.name, spec.addresses)
          return [...dumped]
        },
        retireBridge: async (_t, name) => {
          await this.step('retireBridge', `retire ${name}`)
          if (!this.devices.delete(name)) return undefined
          this.addresses.delete(name)
          this.shaped.delete(name) // its qdiscs go with the device
          this.devices.add(`hngc${name}`)
          return `hngc${name}`
        },
        deleteTombstones: async () => {
          const tombs = [...this.devices].filter((d) => d.startsWith('hngc'))
          for (const t of tombs) this.devices.delete(t)
          return tombs.length
        },
        linkNames: async () => new Set(this.devices),
        linkKind: async (_t, name) => (this.devices.has(name) ? (name.startsWith('br') ? 'bridge' : 'veth') : undefined),
        routes: async (_t, families: { v4: boolean; v6: boolean }) => {
          await this.step('routes', 'routes')
          return this.routes.filter((r) => (isV6Route(r) ? families.v6 : families.v4))
        },
        targetExists: () => this.targetPresent,
      },
      firewall: {
        apply: async (_t, _def, bridge) => {
          await this.step('firewall.apply', `nft add ${bridge}`)
          this.tables.add(bridge)
          return 7
        },
        remove: async (_t, bridge) => {
          await this.step('firewall.remove', `nft del ${bridge}`)
          this.tables.delete(bridge)
        },
        objectCount: () => 7,
        render: (def, bridge) => `${bridge} ${def.forward.mode} ${def.forward.interfaces.map((i) => i.dev).join(',')} ${def.ips.length}`,
      },
      dhcp: {
        start: async (ctx: DhcpContext) => {
          await this.step('dhcp.start', `dnsmasq start ${ctx.def.name}`)
          const ref = { pid: this.nextPid++, startTicks: '1' }
          this.daemons.set(ctx.def.name, ref)
          return ref
        },
        stop: async (ctx: DhcpContext) => {
          await this.step('dhcp.stop', `dnsmasq stop ${ctx.def.name}`)
          this.daemons.delete(ctx.def.name)
        },
        forget: (_t: Target, name: string) => void this.forgotten.push(name),
        isRunning: (ref: DaemonRef) => [...this.daemons.values()].some((d) => d.pid === ref.pid),
        writeHostsFiles: (ctx: DhcpContext) => {
          this.calls.push(`dnsmasq hosts ${ctx.def.name}`)
          this.hostsFiles.set(ctx.def.name, ctx.def.ips.flatMap((ip) => ip.dhcpHosts.map((h) => h.name ?? h.mac ?? '?')))
        },
        hangup: (ref: DaemonRef) => {
          this.calls.push(`dnsmasq hup ${ref.pid}`)
          return [...this.daemons.values()].some((d) => d.pid === ref.pid)
        },
        leases: async (_t: Target, _def: NetworkDef): Promise<DhcpLeaseEntry[]> => [],
      },
      sysctl: {
        set: async (_t, values) => {
          await this.step('sysctl', 'sysctl')
          for (const [k, v] of values) this.sysctls.set(k, v)
        },
      },
      shaping: {
        setBridge: async (_t, bridge, bandwidth) => {
          await this.step('shaping', `tc set ${bridge}`)
          this.shaped.set(bridge, bandwidth)
        },
        clearBridge: async (_t, bridge) => {
          this.calls.push(`tc clear ${bridge}`)
          this.shaped.delete(bridge)
        },
      },
    }
  }

  /** Nothing of any network exists (only the devices the world started with). */
  clean(): boolean {
    return [...this.devices].every((d) => d === 'lo' || d === 'eth0') && this.tables.size === 0 && this.daemons.size === 0 && this.shaped.size === 0
  }
}

export interface Fixture {
  world: FakeWorld
  store: Store
  driver: NetworkDriver
  dir: string
  /** Another driver on the same store and world (a second process). */
  other(owner?: ProcessOwner): NetworkDriver
  close(): void
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-net-'))
  const store = openStore(dir)
  const world = new FakeWorld()
  let seq = 0
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (seq += 17) & 0xff)
  const driver = new NetworkDriver({ store, services: world.services(), random })
  return {
    world,
    store,
    driver,
    dir,
    other: (owner) => new NetworkDriver({ store, services: world.services(), random, ...(owner === undefined ? {} : { owner }) }),
    close: () => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function natXml(name: string, subnet3: string, extra = ''): string {
  return `<network>
  <name>${name}</name>
  <forward mode='nat'/>
  ${extra}
  <ip address='${subnet3}.1' prefix='24'>
    <dhcp>
      <range start='${subnet3}.10' end='${subnet3}.100'/>
    </dhcp>
  </ip>
</network>
`
}
