/**
 * Issue 16, the fault-injection suite: for every southbound step of net-start and of a port plug (every command
 * hostnet runs: nft, ip batches, sysctl, dnsmasq, tc), and for every line of their `ip -batch`es, a failure injected
 * there leaves the target exactly as before: a full snapshot of the namespace (links, addresses, routes of every
 * table, nft ruleset, tc of every link, processes), of the state directory's files and of the store's rows, taken
 * before and after, are equal. A step whose failure hostnet tolerates (deleting a qdisc that is not there) lets the
 * operation succeed; undoing it then leaves the target as before too. The steps are found by running the operation
 * once and recording its commands, so a new step is swept without changing this test. Real kernel (a lab
 * namespace with an uplink, another network already running). `apply`'s kernel batch has its own sweep on the
 * real kernel (test/host-e2e/fault.test.ts, and the stacked types in the UML lane).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver, type NetworkDriver } from '../../src/driver/network/index.js'
import { parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { canUseNetns } from '../helpers/netns.js'
import { NetworkLab } from '../network/lab.js'
import { portXml } from '../port/port-lab.js'
import { FaultingRunner, program, type Fault, type RecordedCommand } from './fault-runner.js'
import { snapshot, type Snapshot } from './namespace-snapshot.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const OTHER = `<network><name>other</name><forward mode='nat'/><bridge name='otbr0'/><ip address='10.49.0.1' prefix='24'/></network>`

const NET = `<network><name>fi</name><forward mode='nat'/><bridge name='fibr0'/>
  <bandwidth><inbound average='1000' peak='2000'/></bandwidth>
  <ip address='10.48.0.1' prefix='24'><dhcp><range start='10.48.0.10' end='10.48.0.20'/><host mac='52:54:00:00:48:99' ip='10.48.0.99'/></dhcp></ip>
  <ip family='ipv6' address='fd48::1' prefix='64'/>
  <dns><host ip='10.48.0.5'><hostname>five</hostname></host></dns></network>`

const PORT_UUID = '48484848-1111-4111-8111-111111111111'
const port = (): { port: ReturnType<typeof parseNetworkPortXml> } => ({
  port: parseNetworkPortXml(portXml({ uuid: PORT_UUID, mac: '52:54:00:00:48:01', extra: `<bandwidth><inbound average='100' floor='50'/></bandwidth>` })),
})

/** A command's identity across runs: its argv (the namespace and state directory are the same in every run). */
const keyOf = (c: { argv: readonly string[] }): string => c.argv.join(' ')

/** Every command of a recorded run as a fault (the n-th command with that argv), and every line of each ip batch. */
function faultsOf(calls: readonly RecordedCommand[]): Array<{ label: string; fault: Fault }> {
  const seen = new Map<string, number>()
  return calls.flatMap((c) => {
    const key = keyOf(c)
    const nth = (seen.get(key) ?? 0) + 1
    seen.set(key, nth)
    const match = (argv: readonly string[]): boolean => argv.join(' ') === key
    const whole = { label: `${key} (#${nth})`, fault: { match, nth, stderr: 'Error: injected failure.\n' } }
    const lines = program(c.argv) === 'ip' && c.argv.includes('-batch') && c.input !== undefined ? c.input.split('\n').filter((l) => l !== '') : []
    const inside = lines.slice(1).map((line, i) => ({ label: `${key} (#${nth}) stopping before line ${i + 2}: ${line}`, fault: { match, nth, batchLine: i + 1 } }))
    return [whole, ...inside]
  })
}

interface Outcome {
  failed: number
  tolerated: string[]
  notReached: string[]
  differ: Array<{ step: string; before: Snapshot; after: Snapshot }>
}

/**
 * A snapshot once the kernel's own asynchronous work is done (a local route appears when its device gets its
 * carrier): taken until two in a row agree, or until it equals `expected`; at most a few seconds.
 */
async function settled(take: () => Snapshot, expected?: Snapshot): Promise<Snapshot> {
  let last = take()
  for (let i = 0; i < 10; i++) {
    if (expected !== undefined && isDeepStrictEqual(last, expected)) return last
    await new Promise((r) => setTimeout(r, 250))
    const next = take()
    if (expected === undefined && isDeepStrictEqual(next, last)) return next
    last = next
  }
  return last
}

/** Run `op` once per fault; after each, the target must equal `before` (after `undo` when the op succeeded). */
async function sweep(
  runner: FaultingRunner,
  faults: ReadonlyArray<{ label: string; fault: Fault }>,
  take: () => Snapshot,
  op: () => Promise<unknown>,
  undo: () => Promise<unknown>,
): Promise<Outcome> {
  const before = await settled(take)
  const out: Outcome = { failed: 0, tolerated: [], notReached: [], differ: [] }
  for (const { label, fault } of faults) {
    runner.arm(fault)
    let ok = true
    try {
      await op()
    } catch {
      ok = false
    }
    const fired = runner.fired
    runner.arm(undefined)
    if (!fired) out.notReached.push(label)
    if (ok) {
      if (fired) out.tolerated.push(label)
      await undo()
    } else out.failed++
    const after = await settled(take, before)
    if (!isDeepStrictEqual(after, before)) out.differ.push({ step: label, before, after })
  }
  return out
}

/** What differs between two values: added and removed lines of arrays, differing keys of objects. */
function difference(a: unknown, b: unknown): string {
  if (Array.isArray(a) && Array.isArray(b)) {
    const as = a.map((x) => JSON.stringify(x))
    const bs = b.map((x) => JSON.stringify(x))
    return `removed ${JSON.stringify(as.filter((x) => !bs.includes(x)))}, added ${JSON.stringify(bs.filter((x) => !as.includes(x)))}`
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    const ra = a as Record<string, unknown>
    const rb = b as Record<string, unknown>
    return keys
      .filter((k) => JSON.stringify(ra[k]) !== JSON.stringify(rb[k]))
      .map((k) => `${k}: ${difference(ra[k], rb[k])}`)
      .join('; ')
  }
  return `${JSON.stringify(a)} -> ${JSON.stringify(b)}`
}

function report(what: string, o: Outcome): void {
  const lines = o.differ.map((d) => `${d.step}: ${difference(d.before, d.after)}`)
  assert.deepEqual(lines, [], `${what}: the target changed after an injected failure`)
}

/** The qdisc and classifier kinds this VM's kernel lacks (sfq, fw) answer as if present. */
const pretendTc = (argv: readonly string[]): boolean => program(argv) === 'tc' && (argv.includes('sfq') || argv.includes('fw'))

async function labWith(runner: FaultingRunner): Promise<{ lab: NetworkLab; driver: NetworkDriver; take: () => Snapshot }> {
  const lab = await NetworkLab.open({ outside: true })
  runner.pretend = pretendTc
  const driver = createNetworkDriver({ backend: new Iproute2Backend({ runner }), store: lab.store, stateDir: lab.dir, runner })
  return { lab, driver, take: () => snapshot(lab.host, lab.dir, lab.store.db) }
}

test('net-start: a failure at any step or batch line leaves the target exactly as before', { skip, timeout: 300_000 }, async () => {
  const runner = new FaultingRunner()
  const { lab, driver, take } = await labWith(runner)
  try {
    await driver.define(lab.target, OTHER)
    await driver.start(lab.target, 'other')
    await driver.define(lab.target, NET)
    // one clean run: its commands are the steps to fail
    runner.calls.length = 0
    await driver.start(lab.target, 'fi')
    const faults = faultsOf(runner.calls)
    await driver.destroy(lab.target, 'fi')
    assert.ok(faults.length >= 10, `net-start runs its steps: ${faults.map((f) => f.label).join('\n')}`)
    const o = await sweep(runner, faults, take, () => driver.start(lab.target, 'fi'), () => driver.destroy(lab.target, 'fi'))
    report('net-start', o)
    assert.ok(o.failed >= faults.length / 2, `most injected failures fail the start (${o.failed} of ${faults.length}; tolerated: ${o.tolerated.join(', ')})`)
    // and with every failure gone, it starts
    await driver.start(lab.target, 'fi')
    assert.equal(driver.info(lab.target, 'fi').state, 'active')
  } finally {
    await lab.close()
  }
})

test('port plug: a failure at any step or batch line leaves the target exactly as before', { skip, timeout: 300_000 }, async () => {
  const runner = new FaultingRunner()
  const { lab, driver, take } = await labWith(runner)
  try {
    await driver.define(lab.target, NET)
    await driver.start(lab.target, 'fi')
    // a port already there: the new one shares the bridge's htb tree with it
    await driver.ports.create(lab.target, 'fi', {
      port: parseNetworkPortXml(portXml({ uuid: '48484848-0000-4111-8111-111111111111', mac: '52:54:00:00:48:00', extra: `<bandwidth><inbound average='100' floor='20'/></bandwidth>` })),
    })
    runner.calls.length = 0
    await driver.ports.create(lab.target, 'fi', port())
    const faults = faultsOf(runner.calls)
    await driver.ports.delete(lab.target, 'fi', PORT_UUID)
    assert.ok(faults.length >= 8, `a plug runs its steps: ${faults.map((f) => f.label).join('\n')}`)
    const o = await sweep(runner, faults, take, () => driver.ports.create(lab.target, 'fi', port()), () => driver.ports.delete(lab.target, 'fi', PORT_UUID))
    report('port plug', o)
    assert.ok(o.failed >= faults.length / 2, `most injected failures fail the plug (${o.failed} of ${faults.length}; tolerated: ${o.tolerated.join(', ')})`)
  } finally {
    await lab.close()
  }
})
