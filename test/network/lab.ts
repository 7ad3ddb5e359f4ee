/**
 * A network lab for real-kernel driver tests: a "host" namespace (the networks' target), an "outside"
 * namespace behind a veth (203.0.113.0/24; it has no route back to guest subnets), guest namespaces plugged
 * into a network's bridge, and a real NetworkDriver with its store in a temp directory. `close` stops every
 * process left in the lab's namespaces and removes them and the directory.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver, type NetworkDriver } from '../../src/driver/network/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import type { ProcessIdentity as ProcessOwner } from '../../src/sys/process.js'
import { dhcpClientArgv, dnsClientArgv } from '../../src/lab/guest/index.js'
import { makeNetns, removeNetns } from '../helpers/netns.js'

export const OUTSIDE_IP = '203.0.113.2'
export const UPLINK_IP = '203.0.113.1'

export function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

export function links(ns: string): string[] {
  const parsed = JSON.parse(ip(ns, '-json', 'link', 'show')) as Array<{ ifname: string }>
  return parsed.map((l) => l.ifname).sort()
}

export function nftTables(ns: string): string[] {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'tables'], { encoding: 'utf8' })
  const doc = JSON.parse(out) as { nftables: Array<{ table?: { family: string; name: string } }> }
  return doc.nftables.flatMap((x) => (x.table ? [`${x.table.family} ${x.table.name}`] : [])).sort()
}

/** Every chain of the namespace's ruleset as `family table chain`, sorted (hostnet's are `inet hostnet <kind>_<bridge>`). */
export function nftChains(ns: string): string[] {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'chains'], { encoding: 'utf8' })
  const doc = JSON.parse(out) as { nftables: Array<{ chain?: { family: string; table: string; name: string } }> }
  return doc.nftables.flatMap((x) => (x.chain ? [`${x.chain.family} ${x.chain.table} ${x.chain.name}`] : [])).sort()
}

/** Commands (comm) of the processes running in a namespace. */
export function processesIn(ns: string): string[] {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p))
  return pids.map((p) => spawnSync('cat', [`/proc/${p}/comm`], { encoding: 'utf8' }).stdout.trim()).filter((c) => c !== '')
}

export function sysctlIn(ns: string, key: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-n', key], { encoding: 'utf8' }).trim()
}

export interface Lease {
  ip: string
  router?: string
  dns?: string
  netmask?: string
}

export class NetworkLab {
  readonly namespaces: string[] = []
  host = ''
  outside = ''
  target!: Target
  dir = ''
  store!: Store
  driver!: NetworkDriver
  private guestCount = 0

  static async open(opts: { outside?: boolean } = {}): Promise<NetworkLab> {
    const lab = new NetworkLab()
    lab.dir = mkdtempSync(join(tmpdir(), 'hostnet-netlab-'))
    lab.host = await lab.ns('h')
    lab.target = { kind: 'netns', name: lab.host }
    ip(lab.host, 'link', 'set', 'lo', 'up')
    if (opts.outside !== false) {
      lab.outside = await lab.ns('o')
      ip(lab.host, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'out0', 'netns', lab.outside)
      ip(lab.host, 'addr', 'add', `${UPLINK_IP}/24`, 'dev', 'up0')
      ip(lab.host, 'link', 'set', 'up0', 'up')
      ip(lab.outside, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'out0')
      ip(lab.outside, 'link', 'set', 'out0', 'up')
      ip(lab.outside, 'link', 'set', 'lo', 'up')
    }
    try {
      lab.store = openStore(lab.dir)
    } catch (e) {
      for (const ns of lab.namespaces) await removeNetns(ns)
      rmSync(lab.dir, { recursive: true, force: true })
      throw e
    }
    lab.driver = lab.makeDriver()
    return lab
  }

  makeDriver(owner?: ProcessOwner): NetworkDriver {
    return createNetworkDriver({
      backend: new Iproute2Backend(),
      store: this.store,
      stateDir: this.dir,
      dnsmasqLogToFile: true,
      ...(owner === undefined ? {} : { owner }),
    })
  }

  async ns(tag: string): Promise<string> {
    const n = await makeNetns(tag)
    this.namespaces.push(n)
    return n
  }

  /** A guest namespace with eth0 (MAC `mac`) plugged into `bridge` of the host namespace. */
  async guest(bridge: string, mac: string): Promise<string> {
    const g = await this.ns('g')
    const port = `vg${this.guestCount++}`
    ip(this.host, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', g)
    ip(this.host, 'link', 'set', port, 'master', bridge, 'up')
    ip(g, 'link', 'set', 'eth0', 'address', mac, 'up')
    ip(g, 'link', 'set', 'lo', 'up')
    ip(g, 'route', 'add', '255.255.255.255', 'dev', 'eth0')
    return g
  }

  /** Run the DHCP client in the guest; null when no lease came. */
  dhcp(guest: string, mac: string, timeoutMs = 10_000): Lease | null {
    const r = spawnSync('ip', ['netns', 'exec', guest, ...dhcpClientArgv({ mac, hostname: 'guest', timeoutMs })], {
      encoding: 'utf8',
      timeout: timeoutMs + 5000,
    })
    return r.status === 0 ? (JSON.parse(r.stdout) as Lease) : null
  }

  /** Give the guest its lease: the address on eth0 and the default route via the router. */
  configure(guest: string, lease: Lease, prefix = 24): void {
    ip(guest, 'addr', 'add', `${lease.ip}/${prefix}`, 'dev', 'eth0')
    if (lease.router !== undefined) ip(guest, 'route', 'add', 'default', 'via', lease.router)
  }

  /** One DNS query from the guest (A records): the addresses answered. */
  resolve(guest: string, server: string, name: string): string[] {
    const r = spawnSync('ip', ['netns', 'exec', guest, ...dnsClientArgv({ server, name, type: 'A', timeoutMs: 3000 })], {
      encoding: 'utf8',
      timeout: 10_000,
    })
    if (r.status !== 0) return []
    const out = JSON.parse(r.stdout) as { answers?: unknown[] }
    return (out.answers ?? []).map(String)
  }

  async close(): Promise<void> {
    try {
      for (const rec of this.driver.list(undefined)) {
        await this.driver.destroy({ kind: 'netns', name: rec.target.slice('netns:'.length) }, rec.name).catch(() => undefined)
      }
    } finally {
      this.store.close()
      for (const ns of this.namespaces) {
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p))
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
        await removeNetns(ns)
      }
      if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true })
    }
  }
}
