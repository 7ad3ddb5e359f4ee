import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import { HostnetError, ValidationError } from '../../errors.js'
import type { HostOp } from '../../plan/ops.js'
import { DEFAULT_DELETE_GROUP, renderBatch, renderOps } from './render.js'

const dir = join(repoRoot(), 'src/backend/iproute2/testdata')
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.ops.json'))
  .map((f) => f.slice(0, -'.ops.json'.length))
  .sort()

test('at least 15 golden render cases', () => {
  assert.ok(cases.length >= 15, `${cases.length} cases`)
})

for (const name of cases) {
  test(`render golden: ${name}`, () => {
    const ops = JSON.parse(readFileSync(join(dir, `${name}.ops.json`), 'utf8')) as HostOp[]
    const text = renderOps(ops).map((l) => `${l}\n`).join('')
    const golden = join(dir, `${name}.batch`)
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, text)
    assert.equal(text, readFileSync(golden, 'utf8'))
  })
}

test('line → op map covers every line and follows op order', () => {
  const ops: HostOp[] = [
    { kind: 'link.create', iface: { name: 't0', type: 'tap', mtu: 1400 } },
    { kind: 'link.delete', names: ['a', 'b', 'c'] },
    { kind: 'bridge.set-options', name: 'br0', options: {} },
    { kind: 'link.set-state', name: 'x', state: 'up' },
  ]
  const { lines, opOfLine } = renderBatch(ops)
  assert.deepEqual(opOfLine, [0, 0, 1, 1, 1, 1, 3])
  assert.equal(lines[5], `link delete group ${DEFAULT_DELETE_GROUP}`)
  assert.deepEqual(renderBatch([{ kind: 'link.delete', names: ['a', 'b'] }], { deleteGroup: 7 }).lines, [
    'link set dev a group 7',
    'link set dev b group 7',
    'link delete group 7',
  ])
})

test('bridge timers are written in centiseconds', () => {
  const [l] = renderOps([{ kind: 'bridge.set-options', name: 'br0', options: { forwardDelaySec: 15, helloTimeSec: 0.25 } }])
  assert.equal(l, 'link set dev br0 type bridge forward_delay 1500 hello_time 25')
})

test('refuses what it cannot render, naming the object and field', () => {
  const bad: Array<[HostOp, RegExp, string]> = [
    [{ kind: 'link.create', iface: { name: 'v1', type: 'vlan', vlan: { baseIface: 'eth0' } } }, /vlan 'v1'.*vlan id is required/, 'invalid-argument'],
    [{ kind: 'link.create', iface: { name: 'm1', type: 'mac-vlan' } }, /mac-vlan 'm1'.*base-iface is required/, 'invalid-argument'],
    [{ kind: 'link.create', iface: { name: 'e1', type: 'ethernet' } }, /interface 'e1' of type ethernet/, 'not-supported'],
    [{ kind: 'link.create', iface: { name: 'x1', type: 'vxlan', vxlan: { id: 1, remote: '192.0.2.1', group: '239.0.0.1' } } }, /both a remote and a group/, 'invalid-argument'],
    [{ kind: 'link.create', iface: { name: 'b1', type: 'bond', bond: { options: { 'miimon 1\nlink del': 1 } } } }, /unknown option [\s\S]* of bond 'b1'/, 'invalid-argument'],
    [{ kind: 'bond.set-options', name: 'b1', options: { primary: 'eth0 down' } }, /option 'primary' of bond 'b1'.*whitespace/, 'invalid-argument'],
    [{ kind: 'link.set-state', name: 'a#b', state: 'up' }, /'a#b' cannot be written to an ip batch/, 'not-supported'],
    [{ kind: 'link.set-state', name: '"q', state: 'up' }, /starts with a quote/, 'not-supported'],
    [{ kind: 'link.set-mtu', name: 'br0', mtu: -1 }, /mtu of 'br0'/, 'invalid-argument'],
    [{ kind: 'link.set-mac', name: 'br0', mac: 'zz' }, /MAC address of 'br0'/, 'invalid-argument'],
    [{ kind: 'addr.add', name: 'br0', address: { ip: '10.0.0.1', prefixLength: 33 } }, /invalid prefix '33'/, 'invalid-argument'],
    [{ kind: 'route.add', route: { destination: '*' } }, /wildcard/, 'bug'],
    [{ kind: 'bridge-port.set-options', name: 'p', options: { stpPriority: 64 } }, /STP priority of bridge port 'p'/, 'invalid-argument'],
    [{ kind: 'link.set-state', name: 'x'.repeat(16), state: 'up' }, /longer than 15 bytes/, 'invalid-argument'],
  ]
  for (const [op, re, kind] of bad) {
    assert.throws(
      () => renderOps([op]),
      (e: unknown) => e instanceof HostnetError && e.kind === kind && re.test(e.message),
      `${JSON.stringify(op)} should fail with ${kind} ${re}`,
    )
  }
  assert.ok(new ValidationError('x') instanceof HostnetError)
})

test('rendering is linear: 20,000 ops in well under a second', () => {
  const ops: HostOp[] = []
  for (let i = 0; i < 5000; i++) {
    ops.push({ kind: 'link.create', iface: { name: `v${i}`, type: 'veth', veth: { peer: `v${i}p` } } })
    ops.push({ kind: 'link.set-controller', name: `v${i}`, controller: `br${i % 100}` })
    ops.push({ kind: 'link.set-state', name: `v${i}`, state: 'up' })
    ops.push({ kind: 'addr.add', name: `v${i}p`, address: { ip: `10.${i >> 8}.${i & 255}.1`, prefixLength: 24 } })
  }
  // CPU time, not wall time: the machine's load must not fail a linearity check
  const t0 = process.cpuUsage()
  const { lines } = renderBatch(ops)
  const d = process.cpuUsage(t0)
  const ms = (d.user + d.system) / 1000
  assert.equal(lines.length, 20_000)
  assert.ok(ms < 1000, `${ms} ms of CPU`)
})
