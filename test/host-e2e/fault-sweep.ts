/**
 * The fault sweep: apply a document through the engine with the kernel batch failing at line j, for several j;
 * each time the engine must report the original failure (an ApplyError blaming the op of line j, not a rollback
 * error) and the kernel must be back to the state before, compared in full (every interface and route of the
 * namespace, projected). Finally the document applies cleanly.
 * @module
 */
import assert from 'node:assert/strict'
import { ApplyError } from '../../src/backend/backend.js'
import type { RenderedBatch } from '../../src/backend/iproute2/index.js'
import type { HostState } from '../../src/model/host/state.js'
import { projectState } from '../helpers/host-state.js'
import type { E2eEnv } from './env.js'
import { failingBackend } from './fault-runner.js'

export interface FailPoint {
  label: string
  lineOf: (b: RenderedBatch) => number
}

/** Lines at fractions of the batch (0 = before the first line, 1 = before the last). */
export function spreadPoints(fractions: readonly number[]): FailPoint[] {
  return fractions.map((f) => ({
    label: `line at ${Math.round(f * 100)}%`,
    lineOf: (b) => Math.min(b.lines.length - 1, Math.floor(f * (b.lines.length - 1))),
  }))
}

/** Inside a bulk delete: after `moved` of its links were moved into the delete group. */
export function insideBulkDelete(moved: number): FailPoint {
  return {
    label: `bulk delete after ${moved} group moves`,
    lineOf: (b) => {
      const first = b.lines.findIndex((l) => /^link set dev \S+ group \d+$/.test(l))
      assert.ok(first >= 0, 'the plan has a bulk delete')
      return first + moved
    },
  }
}

function allNames(...states: HostState[]): string[] {
  return [...new Set(states.flatMap((s) => s.interfaces.map((i) => i.name)))]
}

const ZERO_MAC = '00:00:00:00:00:00'

/**
 * projectState of `names`, in full except for one thing no rollback can restore: a bridge whose ports all left
 * reports the MAC 00:00:00:00:00:00, which the kernel refuses to assign; recreated, it gets a random one.
 */
function comparable(s: HostState, names: readonly string[], zeroMacBridges: ReadonlySet<string>): unknown {
  const p = projectState(s, names) as { ifaces: Record<string, unknown>; routes: unknown }
  for (const n of zeroMacBridges) {
    const i = p.ifaces[n]
    if (typeof i === 'object' && i !== null) delete (i as Record<string, unknown>)['mac']
  }
  return p
}

export interface SweepReport {
  lines: number
  /** Per point: the line the failure was injected before and the op blamed. */
  points: Array<{ label: string; line: number; failedIndex: number | undefined }>
}

export async function faultSweep(env: E2eEnv, doc: string, points: readonly FailPoint[]): Promise<SweepReport> {
  const before = await env.query()
  const zeroMac = new Set(before.interfaces.filter((i) => i.type === 'linux-bridge' && i.mac === ZERO_MAC).map((i) => i.name))
  const report: SweepReport = { lines: 0, points: [] }
  for (const p of points) {
    const fb = failingBackend((b) => p.lineOf(b))
    let failure: unknown
    await assert.rejects(env.apply(doc, { backend: fb }), (e: unknown) => {
      failure = e
      return true
    })
    const batch = fb.batch
    assert.ok(batch !== undefined, `${p.label}: the engine applied something`)
    const line = p.lineOf(batch)
    report.lines = batch.lines.length
    assert.equal(fb.runner.injected.length, 1, `${p.label}: one batch was rewritten`)
    assert.ok(failure instanceof ApplyError, `${p.label}: the original ApplyError is reported, got ${String(failure)}`)
    assert.match(failure.message, /File exists/, p.label)
    assert.equal(failure.failedIndex, batch.opOfLine[line], `${p.label}: blamed on the op of line ${line}`)
    assert.equal(failure.appliedCount, batch.opOfLine[line])
    const after = await env.query()
    const names = allNames(before, after)
    assert.deepEqual(
      comparable(after, names, zeroMac),
      comparable(before, names, zeroMac),
      `${p.label} (line ${line}: ${batch.lines[line]}): state restored`,
    )
    const txn = env.lastTxn()
    assert.equal(txn?.status, 'rolled-back', p.label)
    assert.equal(txn?.progress, failure.appliedCount, `${p.label}: journaled progress`)
    report.points.push({ label: p.label, line, failedIndex: failure.failedIndex })
  }
  const ok = await env.apply(doc)
  assert.equal(ok.status, 'committed', 'without a failure the document applies')
  return report
}
