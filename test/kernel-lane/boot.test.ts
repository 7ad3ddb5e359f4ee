/**
 * Boot persistence on a full kernel (issue 15): a bond, a VLAN and a bridge with an address and a route are
 * applied under one User-Mode Linux kernel; then fresh kernels ("reboots") with the same state directory run
 * `hostnet boot`: with every NIC the same state is back and verified (diff --saved finds nothing), with one NIC
 * missing everything that does not depend on it is back and the missing part is reported.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lastJsonLine, runUnderUml, umlSkip } from '../helpers/uml.js'

const skip = umlSkip() ?? false
const script = fileURLToPath(new URL('./boot-guest.js', import.meta.url))
let dir = ''

interface Link {
  kind: string | null
  master: string | null
  vlan: number | null
  up: boolean
  addrs: string[]
}
interface GuestOut {
  uml: boolean
  cli: { code: number; stdout: string; stderr: string }
  diff?: { code: number; stdout: string; stderr: string }
  state: { links: Record<string, Link>; routes: string[] }
}

async function guest(...args: string[]): Promise<GuestOut> {
  const r = await runUnderUml(script, { args: [...args.slice(0, 1), dir, ...args.slice(1)], timeoutMs: 180_000 })
  assert.equal(r.exitCode, 0, r.stderr + r.stdout.slice(-2000))
  const out = lastJsonLine(r.stdout) as GuestOut
  assert.equal(out.uml, true, 'ran under the UML kernel')
  return out
}

before(() => {
  if (skip === false) dir = mkdtempSync(join(tmpdir(), 'hostnet-boot-'))
})

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

function assertStack(s: GuestOut['state']): void {
  assert.equal(s.links['bond0']?.kind, 'bond')
  assert.deepEqual([s.links['e0']?.master, s.links['e1']?.master], ['bond0', 'bond0'])
  assert.deepEqual([s.links['bond0.10']?.kind, s.links['bond0.10']?.vlan, s.links['bond0.10']?.master], ['vlan', 10, 'br0'])
  assert.equal(s.links['br0']?.kind, 'bridge')
  assert.deepEqual(s.links['br0']?.addrs, ['192.0.2.1/24'])
  assert.ok(s.routes.some((r) => /^198\.51\.100\.0\/24 via 192\.0\.2\.254 dev br0/.test(r)), s.routes.join('\n'))
}

test('boot on a fresh kernel: the bond, VLANs and bridge with address and route are back and verified; with a NIC missing the rest is back and the missing part reported', { skip }, async () => {
  const applied = await guest('apply')
  assert.equal(applied.cli.code, 0, applied.cli.stderr)
  assertStack(applied.state)
  assert.deepEqual(applied.state.links['e2.20']?.addrs, ['203.0.113.1/24'])

  // reboot: a fresh kernel with the same NICs has none of it until boot runs
  const full = await guest('boot', 'e0,e1,e2')
  assert.equal(full.cli.code, 0, full.cli.stderr)
  const report = JSON.parse(full.cli.stdout) as { targets: Array<{ target: string; status: string; skipped: unknown[] }> }
  assert.deepEqual(report.targets.map((t) => [t.target, t.status, t.skipped.length]), [['host', 'committed', 0]])
  assertStack(full.state)
  assert.deepEqual(full.state.links['e2.20']?.addrs, ['203.0.113.1/24'])
  assert.equal(full.diff?.code, 0, full.diff?.stderr)
  assert.deepEqual(JSON.parse(full.diff?.stdout ?? '').ops, [], 'the saved state is what runs')

  // reboot without e2: everything but the VLAN on e2 is back; that one is reported, and still saved
  const partial = await guest('boot', 'e0,e1')
  assert.equal(partial.cli.code, 0, partial.cli.stderr)
  const t = (JSON.parse(partial.cli.stdout) as { targets: Array<{ status: string; skipped: Array<{ object: string; reason: string }> }> }).targets[0]
  assert.equal(t?.status, 'committed')
  assert.deepEqual(t?.skipped.map((s) => s.object), ['e2.20'])
  assert.match(t?.skipped[0]?.reason ?? '', /e2/)
  assertStack(partial.state)
  assert.equal(partial.state.links['e2.20'], undefined)
  const drift = JSON.parse(partial.diff?.stdout ?? '') as { ops: unknown[]; skipped: Array<{ object: string }> }
  assert.deepEqual([drift.ops, drift.skipped.map((s) => s.object)], [[], ['e2.20']])
})
