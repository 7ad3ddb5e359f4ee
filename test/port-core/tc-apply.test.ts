/**
 * libvirt's tc commands applied with the real `tc` in network namespaces, read back with `tc -j qdisc show`,
 * `tc -d class show` and `tc filter show`: the six derived virnetdevbandwidth inputs on a tap-like veth, and a
 * network bridge with QoS where two floor ports are plugged and one unplugged again. Runs under the UML lane
 * when this kernel lacks sfq, fw or police (see lane-run.ts).
 */
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import type { BandwidthRate } from '../../src/model/netdev/bandwidth.js'
import { optimalQuantum } from '../../src/backend/tc/index.js'
import type { TcFilter, TcState } from '../../src/backend/tc/index.js'
import { runTcLane } from './lane-run.js'
import type { LaneOutcome } from './lane-run.js'
import type { FloorCaseResult, InterfaceCaseResult } from './tc-lane.js'
import { FLOOR_PORTS } from './tc-lane.js'

let outcome: LaneOutcome = { skip: 'not run' }
before(async () => {
  outcome = await runTcLane(['interface', 'floor'])
})

function value<T>(name: string): T {
  assert.ok(outcome.skip === undefined)
  const c = outcome.report.cases[name]
  assert.ok(c?.ok, c?.error ?? `case ${name} missing`)
  return c.value as T
}

/** tc prints rates and sizes rounded: compare within 0.5%. */
function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= expected * 0.005, `${what}: ${actual} vs ${expected}`)
}

const skipUnless = (t: { skip: (m: string) => void }): boolean => {
  if (outcome.skip !== undefined) t.skip(outcome.skip)
  return outcome.skip !== undefined
}

function checkShaping(s: TcState, tx: BandwidthRate): void {
  const root = s.qdiscs.find((q) => q.root === true)
  assert.equal(root?.kind, 'htb')
  assert.equal(root?.handle, '1:')
  assert.equal(root?.options?.['default'], '0x1')
  const cls = s.classes.find((c) => c.classid === '1:1')
  assert.equal(cls?.parent, 'root')
  near(cls?.rateBytesPerSec, tx.average! * 1000, 'rate (kbps = 1000 bytes/s)')
  near(cls?.ceilBytesPerSec, (tx.peak ?? tx.average!) * 1000, 'ceil')
  if (tx.burst !== undefined) assert.equal(cls?.burstBytes, tx.burst * 1024, 'burst (kb = 1024 bytes)')
  assert.equal(cls?.quantum, Number(optimalQuantum(tx)))
  const sfq = s.qdiscs.find((q) => q.kind === 'sfq')
  assert.deepEqual([sfq?.handle, sfq?.parent, sfq?.options?.['perturb']], ['2:', '1:1', 10])
  assert.ok(s.filters.some((f) => f.kind === 'fw' && f.pref === 1 && f.handle === '0x1' && f.flowid === ':1'), 'fw filter')
}

function checkPolicing(s: TcState, rx: BandwidthRate): void {
  assert.ok(s.qdiscs.some((q) => q.kind === 'ingress' && q.handle === 'ffff:'))
  const f = s.ingressFilters.find((x) => x.police !== undefined)
  assert.equal(f?.protocol, 'all')
  assert.deepEqual(f?.matches, [{ value: '00000000', mask: '00000000', at: 0 }])
  assert.equal(f?.flowid, ':1')
  near(f?.police?.rateBytesPerSec, rx.average! * 1000, 'police rate')
  near(f?.police?.burstBytes, (rx.burst ?? Math.min(rx.average!, 4194303)) * 1024, 'police burst')
  assert.equal(f?.police?.mtuBytes, 65536)
  assert.equal(f?.police?.action, 'drop')
}

test('the six derived bandwidths, applied to a tap with the real tc, read back as libvirt meant them', (t) => {
  if (skipUnless(t)) return
  const cases = value<InterfaceCaseResult[]>('interface')
  assert.equal(cases.length, 6)
  for (const c of cases) {
    for (const a of c.applied.slice(2)) assert.equal(a.exitCode, 0, `${a.argv.join(' ')}: ${a.stderr}`)
    const tx = c.bandwidth?.inbound
    const rx = c.bandwidth?.outbound
    if (tx?.average) checkShaping(c.state, tx)
    else assert.ok(!c.state.qdiscs.some((q) => q.kind === 'htb') && c.state.classes.length === 0, 'no shaping')
    if (rx !== undefined) checkPolicing(c.state, rx)
    else assert.ok(!c.state.qdiscs.some((q) => q.kind === 'ingress'), 'no policing')
  }
  assert.deepEqual(cases.map((c) => c.applied.length), [0, 0, 6, 4, 8, 8])
})

function macFilter(s: TcState, classId: number): TcFilter | undefined {
  return s.filters.find((f) => f.kind === 'u32' && f.flowid === `1:${classId.toString(16)}`)
}

test('a network with QoS: 1:1 at the network rate, floor classes with sfq and MAC filters, 1:2 rebalanced', (t) => {
  if (skipUnless(t)) return
  const f = value<FloorCaseResult>('floor')
  assert.deepEqual(f.classIds, [3, 4])
  const s = f.plugged
  const cls = (id: string) => s.classes.find((c) => c.classid === id)
  near(cls('1:1')?.rateBytesPerSec, 1_000_000, '1:1 rate')
  near(cls('1:1')?.ceilBytesPerSec, 5_000_000, '1:1 ceil')
  assert.equal(cls('1:2')?.parent, '1:1')
  near(cls('1:2')?.rateBytesPerSec, 4_500_000, '1:2 = peak - floor sum')
  near(cls('1:3')?.rateBytesPerSec, 200_000, '1:3 = floor of port A')
  near(cls('1:4')?.rateBytesPerSec, 300_000, '1:4 = floor of port B')
  near(cls('1:4')?.ceilBytesPerSec, 5_000_000, 'floor ceil = network peak')
  assert.equal(s.qdiscs.find((q) => q.root === true)?.options?.['default'], '0x2')
  assert.deepEqual(s.qdiscs.filter((q) => q.kind === 'sfq').map((q) => `${q.handle}@${q.parent}`).sort(), ['2:@1:2', '3:@1:3', '4:@1:4'])
  for (const [i, id] of f.classIds.entries()) {
    const filter = macFilter(s, id)
    assert.equal(filter?.handle, `800::${id}`)
    assert.equal(filter?.protocol, 'ip')
    assert.equal(filter?.pref, 2)
    const mac = FLOOR_PORTS[i]!.mac.split(':').join('')
    assert.deepEqual(filter?.matches, [
      { value: '00000800', mask: '0000ffff', at: -4 },
      { value: mac.slice(4), mask: 'ffffffff', at: -12 },
      { value: `0000${mac.slice(0, 4)}`, mask: '0000ffff', at: -16 },
    ])
  }
})

test('unplugging a floor port removes its class, sfq and filter and gives 1:2 its rate back', (t) => {
  if (skipUnless(t)) return
  const f = value<FloorCaseResult>('floor')
  const s = f.unplugged
  assert.equal(s.classes.some((c) => c.classid === '1:3'), false)
  assert.equal(macFilter(s, 3), undefined)
  assert.equal(s.qdiscs.some((q) => q.handle === '3:'), false)
  assert.ok(macFilter(s, 4) !== undefined, 'the other port keeps its filter')
  near(s.classes.find((c) => c.classid === '1:2')?.rateBytesPerSec, 4_700_000, '1:2 after unplug')
  // libvirt's `tc qdisc del dev br handle 3:` is refused by the kernel (no parent) and ignored: the class goes with it
  assert.deepEqual(f.unplugApplied.map((a) => a.exitCode !== 0), [true, false, false, false])
  assert.deepEqual(f.states.at(-1), { floorSum: 300, classIds: [0, 1, 2, 4] })
})

test('the kernel cases leave no namespace behind', (t) => {
  if (skipUnless(t)) return
  assert.ok(outcome.skip === undefined)
  assert.deepEqual(outcome.report.leaked, [])
})
