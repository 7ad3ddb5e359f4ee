/**
 * Acceptance: "a port with an outbound average of 1 MB/s measures within 20% of it with a bulk TCP transfer".
 *
 * Two namespaces joined by a veth; the host-side end plays the guest's tap and gets libvirt's tc commands for a
 * tap (directions swapped). Guest outbound = an ingress policer on the tap (the guest sends); guest inbound = htb
 * on the tap's egress (the host sends). A bulk TCP transfer runs ~4 s; the goodput of the last 3 s (after a 1 s
 * warm-up that lets the policer's 1 MiB burst pass) must be within 20% of the rate.
 *
 * Units: libvirt's average is in kilobytes per second and so is tc's `kbps` — 1000 bytes, not 1024 (tc(8): "kbps
 * Kilobytes per second"; SI unless the ki- prefix is used). `average='1024'` is therefore 1 024 000 bytes/s; tc
 * reads it back as `8192Kbit`, asserted here too. Burst sizes are binary: `1024kb` = 1 MiB.
 */
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { runTcLane } from './lane-run.js'
import type { LaneOutcome } from './lane-run.js'
import type { RateCaseResult } from './tc-lane.js'
import { RATE_KBPS } from './tc-lane.js'

const RATE_BYTES_PER_SEC = RATE_KBPS * 1000

let outcome: LaneOutcome = { skip: 'not run' }
before(async () => {
  outcome = await runTcLane(['rate-unshaped', 'rate-outbound', 'rate-inbound'])
})

function rateCase(t: { skip: (m: string) => void }, name: string): RateCaseResult | undefined {
  if (outcome.skip !== undefined) {
    t.skip(outcome.skip)
    return undefined
  }
  const c = outcome.report.cases[name]
  assert.ok(c?.ok, c?.error ?? `case ${name} missing`)
  return c.value as RateCaseResult
}

function within20(r: RateCaseResult): void {
  const ratio = r.goodput.bytesPerSec / RATE_BYTES_PER_SEC
  console.log(`${r.direction}: ${Math.round(r.goodput.bytesPerSec)} bytes/s goodput for ${RATE_BYTES_PER_SEC} bytes/s (${(ratio * 100).toFixed(1)}%)`)
  assert.ok(ratio > 0.8 && ratio < 1.2, `goodput ${r.goodput.bytesPerSec} not within 20% of ${RATE_BYTES_PER_SEC}`)
}

test('without shaping the link carries far more than 1 MB/s (the limit below comes from tc)', (t) => {
  const r = rateCase(t, 'rate-unshaped')
  if (r === undefined) return
  assert.ok(r.goodput.bytesPerSec > 5 * RATE_BYTES_PER_SEC, `unshaped goodput ${r.goodput.bytesPerSec}`)
})

test('outbound average 1024 kB/s: the tap ingress policer holds a bulk TCP upload within 20%', (t) => {
  const r = rateCase(t, 'rate-outbound')
  if (r === undefined) return
  const police = r.state.ingressFilters.find((f) => f.police !== undefined)?.police
  assert.equal(police?.rateBytesPerSec, RATE_BYTES_PER_SEC, 'tc reads 1024kbps back as 1 024 000 bytes/s')
  assert.equal(police?.burstBytes, 1024 * 1024, 'burst 1024kb = 1 MiB')
  within20(r)
})

test('inbound average 1024 kB/s: htb on the tap egress holds a bulk TCP download within 20%', (t) => {
  const r = rateCase(t, 'rate-inbound')
  if (r === undefined) return
  assert.equal(r.state.classes.find((c) => c.classid === '1:1')?.rateBytesPerSec, RATE_BYTES_PER_SEC)
  within20(r)
})

test('the rate cases leave no namespace behind', (t) => {
  if (outcome.skip !== undefined) return t.skip(outcome.skip)
  assert.deepEqual(outcome.report.leaked, [])
})
