/**
 * OVS end-to-end lab: a "host" namespace with a private Open vSwitch (ovsdb-server in a temp run dir,
 * ovs-vswitchd inside the namespace, userspace datapath), a store in a temp state dir, and the composite backend
 * (iproute2 + OVSDB) driven through applyState. Guests are further namespaces joined to the host by veth pairs
 * (`<guest-side eth0>` ↔ `<host-side NAME>`). Everything is removed by close(), even after failures; the system's
 * OVS is never used (the resolver only ever returns the private instance's socket).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { OvsHostBackend, readOvsDb, type KernelBackend } from '../../src/backend/ovs-host/index.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import type { HostState } from '../../src/model/host/state.js'
import { OvsPrivate } from '../../src/lab/ovs-private.js'
import { openStore, type Store } from '../../src/store/index.js'
import { applyState, type ApplyResult } from '../../src/txn/index.js'
import { canUseNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { droppingProxy, type DroppingProxy } from '../ovsdb/helpers.js'

function installed(bin: string): boolean {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false // not installed
  }
}

export const SKIP_OVS_E2E: string | false = !installed('ovs-vswitchd') ? 'Open vSwitch is not installed' : canUseNetns() ? false : 'needs root for network namespaces'

export interface LabOptions {
  /** Wrap the kernel backend (fault injection). */
  kernel?: (k: Iproute2Backend) => KernelBackend
  /** Reach OVSDB through a proxy that can drop a transaction's answer (test/ovsdb/helpers.ts). */
  viaProxy?: boolean
  settleTimeoutMs?: number
}

export interface LabHooks {
  /** Runs after the OVS read and before the OVS transaction is sent. */
  beforeOvsTransact?: (() => Promise<void>) | undefined
}

export interface OvsLab {
  ns: string
  target: Target
  ovs: OvsPrivate
  stateDir: string
  store: Store
  backend: OvsHostBackend
  proxy: DroppingProxy | undefined
  /** Test hooks the backend calls (set them any time). */
  hooks: LabHooks
  apply(doc: string): Promise<ApplyResult>
  query(): Promise<HostState>
  /**
   * A guest namespace whose NIC is the lab's OVS internal port `port`, moved there (keeping its name) with
   * address `cidr`, up. Guests are internal ports (tap devices) rather than veths: packets a veth sends carry
   * partial checksums that the userspace datapath's packet sockets pass on unfinished (unless its offload is
   * turned off with ethtool, as the port driver does), while a tap has no checksum offload.
   */
  guest(port: string, cidr: string): Promise<string>
  /** ovs-vsctl against the private database (never the system's). */
  vsctl(...args: string[]): string
  ip(ns: string, ...args: string[]): string
  close(): Promise<void>
}

export function ipIn(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

/**
 * With the userspace datapath, OVS reads system ports through packet sockets: the namespace's own IP stack still
 * sees their frames and would answer ARP for the internal ports' addresses with the NIC's MAC (arp_ignore 0),
 * bypassing OVS. arp_ignore 1 (answer only for addresses of the receiving interface) keeps traffic on OVS.
 */
export function quietKernel(ns: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_ignore=1'])
}

export async function openLab(opts: LabOptions = {}): Promise<OvsLab> {
  const ns = await makeNetns('ovs')
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-ovs-e2e-'))
  const guests: string[] = []
  let ovs: OvsPrivate | undefined
  let store: Store | undefined
  let backend: OvsHostBackend | undefined
  let proxy: DroppingProxy | undefined
  const close = async (): Promise<void> => {
    await backend?.close()
    await proxy?.close()
    store?.close()
    await ovs?.stop()
    for (const g of guests) await removeNetns(g)
    await removeNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    ipIn(ns, 'link', 'set', 'lo', 'up')
    quietKernel(ns)
    ovs = await OvsPrivate.start({ runDir: join(dir, 'ovs'), vswitchdNetns: ns })
    proxy = opts.viaProxy === true ? await droppingProxy(dir, ovs.socketPath) : undefined
    const address = proxy?.address ?? ovs.address
    const hooks: LabHooks = {}
    store = openStore(join(dir, 'state'))
    const k = new Iproute2Backend()
    backend = new OvsHostBackend({
      kernel: opts.kernel === undefined ? k : opts.kernel(k),
      resolve: (t) => (t.kind === 'netns' && t.name === ns ? address : undefined),
      applyTimeoutMs: 30_000,
      ...(opts.settleTimeoutMs === undefined ? {} : { settleTimeoutMs: opts.settleTimeoutMs }),
      hooks: { beforeOvsTransact: async () => hooks.beforeOvsTransact?.() },
    })
    const target: Target = { kind: 'netns', name: ns }
    const o = ovs
    const s = store
    const b = backend
    return {
      ns,
      target,
      ovs: o,
      stateDir: join(dir, 'state'),
      store: s,
      backend: b,
      proxy,
      hooks,
      apply: async (doc) => applyState({ backend: b, store: s, target, desired: parseDesiredState(doc), caps: await b.caps(target), verifyTimeoutMs: 5000 }),
      query: () => b.query(target),
      guest: async (port, cidr) => {
        const g = await makeNetns('g')
        guests.push(g)
        ipIn(ns, 'link', 'set', port, 'netns', g)
        ipIn(g, 'link', 'set', 'lo', 'up')
        ipIn(g, 'addr', 'add', cidr, 'dev', port)
        ipIn(g, 'link', 'set', port, 'up')
        return g
      },
      vsctl: (...args) => execFileSync('ovs-vsctl', [`--db=${o.address}`, '--timeout=20', ...args], { encoding: 'utf8', env: { ...process.env, ...o.env } }),
      ip: ipIn,
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}

/** A veth pair between two namespaces: `a` in `nsA`, `b` in `nsB` (both down). */
export function wire(nsA: string, a: string, nsB: string, b: string): void {
  ipIn(nsA, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', nsB)
}

/** Run `fn` with a lab, closing it afterwards. */
export async function withLab<T>(fn: (lab: OvsLab) => Promise<T>, opts: LabOptions = {}): Promise<T> {
  const lab = await openLab(opts)
  try {
    return await fn(lab)
  } finally {
    await lab.close()
  }
}

/** Whether a private run dir of this lab is gone (for leak checks). */
export function runDirGone(lab: OvsLab): boolean {
  return !existsSync(lab.ovs.runDir)
}

/**
 * The configuration rows of Bridge, Port and Interface (what hostnet writes; no status, no UUIDs: references
 * are shown by name), to prove that a failed apply left the database as it was.
 */
export async function ovsConfig(lab: OvsLab): Promise<string> {
  const snap = await readOvsDb(await lab.backend.client(lab.target))
  const ifaceName = (u: string): string => snap.ifaces.get(u)?.name ?? u
  const portName = (u: string): string => snap.ports.get(u)?.name ?? u
  const bridges = snap.bridges.map((b) => ({ ...b, uuid: undefined, status: undefined, datapathId: undefined, ports: b.ports.map(portName).sort() }))
  const ports = [...snap.ports.values()].map((p) => ({ ...p, uuid: undefined, bondActiveSlave: undefined, interfaces: p.interfaces.map(ifaceName).sort() }))
  const ifaces = [...snap.ifaces.values()].map((i) => ({ name: i.name, type: i.type, options: i.options, mtuRequest: i.mtuRequest, mac: i.mac, externalIds: i.externalIds, otherConfig: i.otherConfig }))
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name)
  return JSON.stringify({ bridges: bridges.sort(byName), ports: ports.sort(byName), ifaces: ifaces.sort(byName) }, null, 1)
}
