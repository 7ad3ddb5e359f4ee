/**
 * A lab for real-kernel port tests: a "host" namespace (the networks' target) holding pool interfaces eth0..ethN
 * (veth ends) whose peers sw0..swN sit in a "switch" namespace on a Linux bridge `br0` (the uplink switch; its
 * port's hairpin flag decides whether VEPA guests on one uplink reach each other), guest namespaces for the devices
 * the port driver plugs, and a real NetworkDriver over a temp store (NetworkLab). `close` removes all of it, even
 * after a failure. Reachability is a UDP echo (this machine has no ping), retried a few times under load.
 * @module
 */
import type { Target } from '../../src/model/target.js'
import type { PortDriver } from '../../src/driver/port/index.js'
import { udpReaches } from '../helpers/netns.js'
import { ip, links, NetworkLab } from '../network/lab.js'

export { ip, links }

export class PortLab {
  switchNs = ''
  private constructor(readonly lab: NetworkLab) {}

  static async open(opts: { poolSize?: number } = {}): Promise<PortLab> {
    const lab = await NetworkLab.open({ outside: false })
    const p = new PortLab(lab)
    try {
      p.switchNs = await lab.ns('sw')
      ip(p.switchNs, 'link', 'add', 'br0', 'type', 'bridge')
      ip(p.switchNs, 'link', 'set', 'br0', 'up')
      for (let i = 0; i < (opts.poolSize ?? 4); i++) {
        ip(lab.host, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `sw${i}`, 'netns', p.switchNs)
        ip(p.switchNs, 'link', 'set', `sw${i}`, 'master', 'br0', 'up')
        ip(lab.host, 'link', 'set', `eth${i}`, 'up')
      }
    } catch (e) {
      await lab.close()
      throw e
    }
    return p
  }

  get host(): string {
    return this.lab.host
  }
  get target(): Target {
    return this.lab.target
  }
  get dir(): string {
    return this.lab.dir
  }
  get ports(): PortDriver {
    return this.lab.driver.ports
  }

  /** Define and start a network in the host namespace. */
  async network(xml: string): Promise<void> {
    const def = await this.lab.driver.define(this.target, xml)
    await this.lab.driver.start(this.target, def.name)
  }

  /** A new, empty guest namespace (with lo up). */
  async guestNs(): Promise<string> {
    const g = await this.lab.ns('g')
    ip(g, 'link', 'set', 'lo', 'up')
    return g
  }

  /** Give a guest's device an address (IPv4 /24). */
  address(guest: string, dev: string, addr: string): void {
    ip(guest, 'addr', 'add', `${addr}/24`, 'dev', dev)
  }

  hairpin(switchPort: string, on: boolean): void {
    ip(this.switchNs, 'link', 'set', 'dev', switchPort, 'type', 'bridge_slave', 'hairpin', on ? 'on' : 'off')
  }

  close(): Promise<void> {
    return this.lab.close()
  }
}

/** Whether `from` reaches `toIp` in `to` (UDP echo), with a few attempts when `expect` is true (load). */
export async function reaches(from: string, to: string, toIp: string, expect: boolean): Promise<boolean> {
  const attempts = expect ? 4 : 1
  for (let i = 0; i < attempts; i++) {
    if (await udpReaches(from, to, toIp, expect ? 1500 : 2000)) return true
  }
  return false
}

/** `ip -json link show` of a namespace: name → { master, kind, mac, linkNetns }. */
export function linkDetails(ns: string): Map<string, { mac?: string; master?: string; kind?: string; mode?: string; link?: string }> {
  const parsed = JSON.parse(ip(ns, '-d', '-json', 'link', 'show')) as Array<{
    ifname: string
    address?: string
    master?: string
    link?: string
    linkinfo?: { info_kind?: string; info_data?: { mode?: string } }
  }>
  const out = new Map<string, { mac?: string; master?: string; kind?: string; mode?: string; link?: string }>()
  for (const l of parsed) {
    const d: { mac?: string; master?: string; kind?: string; mode?: string; link?: string } = {}
    if (l.address !== undefined) d.mac = l.address
    if (l.master !== undefined) d.master = l.master
    if (l.link !== undefined) d.link = l.link
    if (l.linkinfo?.info_kind !== undefined) d.kind = l.linkinfo.info_kind
    if (l.linkinfo?.info_data?.mode !== undefined) d.mode = l.linkinfo.info_data.mode
    out.set(l.ifname, d)
  }
  return out
}

/** A `<networkport>` request (no plug) for a new port. */
export function portXml(o: { uuid: string; mac: string; owner?: string; group?: string; extra?: string }): string {
  return `<networkport>
  <uuid>${o.uuid}</uuid>
  <owner>
    <name>${o.owner ?? 'guest'}</name>
    <uuid>${o.uuid.replace(/^.{8}/, 'aaaaaaaa')}</uuid>
  </owner>${o.group === undefined ? '' : `\n  <group>${o.group}</group>`}
  <mac address='${o.mac}'/>${o.extra ?? ''}
</networkport>
`
}

/** A direct-mode network over pool interfaces. */
export function directXml(name: string, mode: string, devs: readonly string[], extra = ''): string {
  return `<network><name>${name}</name><forward mode='${mode}'>${devs.map((d) => `<interface dev='${d}'/>`).join('')}</forward>${extra}</network>`
}
