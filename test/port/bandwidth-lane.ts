/**
 * Kernel cases for port bandwidth driven through the real port driver, run where the kernel has what libvirt's
 * tc commands use (htb, sfq, ingress, u32, fw, police); this VM's kernel lacks sfq, fw and police, so
 * bandwidth.test.ts runs this file under the User-Mode Linux lane. Prints one JSON line `{ kernel, cases, leaked }`.
 *
 * - `rate`: a Linux bridge network (`<forward mode='bridge'/>` on br0, which has 10.77.0.1), two ports plugged
 *   by the driver with guest namespaces (veth: the host end plays the tap): one with an outbound average of
 *   1024 kB/s, one without bandwidth. A bulk TCP upload from each guest to the bridge's address is measured.
 * - `floor`: an open network with an inbound average of 1000 kB/s; floor ports 600 and 300 are plugged (their
 *   classes on the network bridge), a floor of 200 more is refused (tc state and store unchanged), a deleted
 *   port's class goes.
 * - `network`: an open network (the lane has no nftables) with formatnetwork.rst-style `<bandwidth>` (issue 14): the whole tree libvirt builds
 *   on the bridge at start (htb, classes 1:1 and 1:2, sfq 2:, the fw filter, ingress with its policer); and the
 *   same on an existing bridge (mode bridge), whose qdiscs are gone after destroy.
 *
 *   node dist/test/port/bandwidth-lane.js [rate] [floor] [network]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { readTcState, type TcState } from '../../src/backend/tc/index.js'
import { createNetworkDriver, type NetworkDriver } from '../../src/driver/network/index.js'
import { parsePortInput } from '../../src/driver/port/index.js'
import { HostnetError } from '../../src/errors.js'
import { openStore, type Store } from '../../src/store/index.js'
import { systemRunner } from '../../src/sys/exec.js'
import { leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { measureGoodput, type Goodput } from '../port-core/tcp-goodput.js'

export const PORT_RATE_KBPS = 1024

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`)
}

function portXml(name: string, mac: string, bandwidth: string): string {
  const uuid = randomUUID()
  return `<networkport><uuid>${uuid}</uuid><owner><name>${name}</name><uuid>${uuid}</uuid></owner><mac address='${mac}'/>${bandwidth}</networkport>`
}

interface Lab {
  host: string
  namespaces: string[]
  dir: string
  store: Store
  driver: NetworkDriver
}

async function withLab<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
  const namespaces: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-bwlane-'))
  let store: Store | undefined
  let driver: NetworkDriver | undefined
  try {
    const host = await makeNetns('bh')
    namespaces.push(host)
    ip('-n', host, 'link', 'set', 'lo', 'up')
    store = openStore(dir)
    driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir: dir, dnsmasqLogToFile: true })
    return await fn({ host, namespaces, dir, store, driver })
  } finally {
    if (driver !== undefined) {
      for (const rec of driver.list(undefined)) {
        if (rec.state !== 'inactive') await driver.destroy({ kind: 'netns', name: rec.target.slice('netns:'.length) }, rec.name).catch(() => undefined)
      }
      driver.close()
    }
    store?.close()
    for (const ns of namespaces.reverse()) await removeNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface PortRateResult {
  /** The accepted measurement (the last of `attempts`). */
  shaped: Goodput
  /** Every measurement: a starved machine (2 shared cores running UML) can fall short once; never above. */
  attempts: Goodput[]
  unshaped: Goodput
  /** tc on the shaped port's host device. */
  state: TcState
  device: string
  /** What the driver recorded for the port. */
  status: string
  /** tc on the unshaped port's host device after its deletion left the shaped one alone. */
  afterDelete: TcState
}

async function rateCase(): Promise<PortRateResult> {
  return withLab(async (lab) => {
    const target = { kind: 'netns' as const, name: lab.host }
    ip('-n', lab.host, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', lab.host, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0')
    ip('-n', lab.host, 'link', 'set', 'br0', 'up')
    await lab.driver.define(target, `<network><name>bw</name><forward mode='bridge'/><bridge name='br0'/></network>`)
    await lab.driver.start(target, 'bw')
    const guests: string[] = []
    for (const tag of ['gs', 'gu']) {
      const g = await makeNetns(tag)
      lab.namespaces.push(g)
      guests.push(g)
      ip('-n', g, 'link', 'set', 'lo', 'up')
    }
    const [gs, gu] = guests as [string, string]
    const shapedBw = `<bandwidth><outbound average='${PORT_RATE_KBPS}'/></bandwidth>`
    const shaped = await lab.driver.ports.create(target, 'bw', { port: parsePortInput(portXml('shaped', '52:54:00:77:00:02', shapedBw)), guest: { netns: gs, name: 'eth0' } })
    const plain = await lab.driver.ports.create(target, 'bw', { port: parsePortInput(portXml('plain', '52:54:00:77:00:03', '')), guest: { netns: gu, name: 'eth0' } })
    ip('-n', gs, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0')
    ip('-n', gu, 'addr', 'add', '10.77.0.3/24', 'dev', 'eth0')
    const device = shaped.device ?? ''
    const state = await readTcState(systemRunner, device, { netns: lab.host })
    const unshapedGoodput = await measureGoodput({ fromNs: gu, toNs: lab.host, toIp: '10.77.0.1', measureMs: 1000 })
    const attempts: Goodput[] = []
    for (let i = 0; i < 3; i++) {
      const g = await measureGoodput({ fromNs: gs, toNs: lab.host, toIp: '10.77.0.1', port: 7912 + i })
      attempts.push(g)
      // above the rate means the shaping failed: no second chance; below it may be a starved CPU
      if (g.bytesPerSec >= 0.8 * PORT_RATE_KBPS * 1000) break
    }
    const shapedGoodput = attempts[attempts.length - 1]!
    await lab.driver.ports.delete(target, 'bw', plain.uuid)
    const afterDelete = await readTcState(systemRunner, device, { netns: lab.host })
    await lab.driver.ports.delete(target, 'bw', shaped.uuid)
    return { shaped: shapedGoodput, attempts, unshaped: unshapedGoodput, state, device, status: shaped.status, afterDelete }
  })
}

export interface FloorLaneResult {
  bridge: string
  plugged: TcState
  refused: { kind: string; name: string; message: string } | undefined
  afterRefusal: TcState
  rowsBefore: number
  rowsAfter: number
  classIds: number[]
  afterDelete: TcState
  deletedClassId: number
}

async function floorCase(): Promise<FloorLaneResult> {
  return withLab(async (lab) => {
    const target = { kind: 'netns' as const, name: lab.host }
    const xml = `<network><name>qos</name><forward mode='open'/><bridge name='hnq0'/><ip address='10.98.0.1' prefix='24'/><bandwidth><inbound average='1000'/></bandwidth></network>`
    await lab.driver.define(target, xml)
    await lab.driver.start(target, 'qos')
    const floorPort = (name: string, mac: string, floor: number): ReturnType<typeof parsePortInput> =>
      parsePortInput(portXml(name, mac, `<bandwidth><inbound floor='${floor}'/></bandwidth>`))
    const a = await lab.driver.ports.create(target, 'qos', { port: floorPort('fa', '52:54:00:98:00:0a', 600) })
    const b = await lab.driver.ports.create(target, 'qos', { port: floorPort('fb', '52:54:00:98:00:0b', 300) })
    const plugged = await readTcState(systemRunner, 'hnq0', { netns: lab.host })
    const rowsBefore = lab.driver.ports.list(target, 'qos').length
    let refused: FloorLaneResult['refused']
    try {
      await lab.driver.ports.create(target, 'qos', { port: floorPort('fc', '52:54:00:98:00:0c', 200) })
    } catch (e) {
      refused = { kind: e instanceof HostnetError ? e.kind : 'untyped', name: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e) }
    }
    const afterRefusal = await readTcState(systemRunner, 'hnq0', { netns: lab.host })
    const rowsAfter = lab.driver.ports.list(target, 'qos').length
    const classIds = [a.port.classId ?? -1, b.port.classId ?? -1]
    await lab.driver.ports.delete(target, 'qos', a.uuid)
    const afterDelete = await readTcState(systemRunner, 'hnq0', { netns: lab.host })
    await lab.driver.ports.delete(target, 'qos', b.uuid)
    return { bridge: 'hnq0', plugged, refused, afterRefusal, rowsBefore, rowsAfter, classIds, afterDelete, deletedClassId: classIds[0]! }
  })
}

export interface NetworkLaneResult {
  /** tc on the open network's bridge right after start. */
  started: TcState
  /** tc on the borrowed bridge after start, and after destroy. */
  borrowed: TcState
  borrowedAfterDestroy: TcState
}

export const NETWORK_BANDWIDTH = "<bandwidth><inbound average='1000' peak='5000' burst='1024'/><outbound average='128' peak='256' burst='256'/></bandwidth>"

async function networkCase(): Promise<NetworkLaneResult> {
  return withLab(async (lab) => {
    const target = { kind: 'netns' as const, name: lab.host }
    await lab.driver.define(target, `<network><name>qn</name><forward mode='open'/><bridge name='hnqn0'/>${NETWORK_BANDWIDTH}<ip address='10.97.0.1' prefix='24'/></network>`)
    await lab.driver.start(target, 'qn')
    const started = await readTcState(systemRunner, 'hnqn0', { netns: lab.host })
    await lab.driver.destroy(target, 'qn')
    ip('-n', lab.host, 'link', 'add', 'br5', 'type', 'bridge')
    ip('-n', lab.host, 'link', 'set', 'br5', 'up')
    await lab.driver.define(target, `<network><name>hb</name><forward mode='bridge'/><bridge name='br5'/>${NETWORK_BANDWIDTH}</network>`)
    await lab.driver.start(target, 'hb')
    const borrowed = await readTcState(systemRunner, 'br5', { netns: lab.host })
    await lab.driver.destroy(target, 'hb')
    const borrowedAfterDestroy = await readTcState(systemRunner, 'br5', { netns: lab.host })
    return { started, borrowed, borrowedAfterDestroy }
  })
}

export interface BandwidthLaneReport {
  kernel: string
  cases: Record<string, { ok: boolean; error?: string; value?: unknown }>
  leaked: string[]
}

const CASES: Record<string, () => Promise<unknown>> = { rate: rateCase, floor: floorCase, network: networkCase }

export async function runBandwidthLane(names: readonly string[] = []): Promise<BandwidthLaneReport> {
  const kernel = process.env['UML_LANE'] === '1' ? 'uml' : 'host'
  const cases: BandwidthLaneReport['cases'] = {}
  for (const [name, fn] of Object.entries(CASES)) {
    if (names.length > 0 && !names.includes(name)) continue
    try {
      cases[name] = { ok: true, value: await fn() }
    } catch (e) {
      cases[name] = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }
    }
  }
  return { kernel, cases, leaked: leakedNetns() }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runBandwidthLane(process.argv.slice(2)).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
