import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { buildProgram } from '../../src/cli/main.js'
import { resolveTarget } from '../../src/cli/common.js'
import { parseHairpinList } from '../../src/cli/sandbox.js'
import { runCli, tempDir } from './cli-helpers.js'

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  const out: string[][] = []
  for (const c of cmd.commands) {
    const path = [...prefix, c.name()]
    out.push(path)
    out.push(...commandPaths(c, path))
  }
  return out
}

test('--help works on every command (exit 0, usage printed)', async () => {
  const paths = commandPaths(buildProgram())
  const names = paths.map((p) => p.join(' '))
  for (const required of ['show', 'apply', 'diff', 'commit', 'rollback', 'iface-list', 'iface-dumpxml', 'iface-define', 'iface-start', 'iface-destroy', 'iface-undefine', 'sandbox create', 'sandbox destroy', 'sandbox status', 'serve', 'demo']) {
    assert.ok(names.includes(required), `missing command ${required}`)
  }
  const results = await Promise.all([[], ...paths].map((p) => runCli([...p, '--help'])))
  results.forEach((r, i) => {
    const p = [[], ...paths][i]!
    assert.equal(r.code, 0, `${p.join(' ')} --help: ${r.stderr}`)
    assert.match(r.stdout, new RegExp(`Usage: hostnet ${p.join(' ')}`.trim()), p.join(' '))
  })
})

test('target commands require --netns or --host (exit 2), never default to the host', async () => {
  const dir = tempDir('hostnet-cli-')
  try {
    const env = { HOSTNET_STATE_DIR: dir.path }
    for (const args of [['show'], ['commit'], ['rollback'], ['iface-list'], ['apply', 'x.yaml'], ['diff', 'x.yaml']]) {
      const r = await runCli(args, env)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /no target: give --netns NAME/)
    }
    const both = await runCli(['show', '--netns', 'a', '--host'], env)
    assert.equal(both.code, 2)
    assert.match(both.stderr, /either --netns NAME or --host/)
    const unknownOpt = await runCli(['show', '--bogus'], env)
    assert.equal(unknownOpt.code, 2)
  } finally {
    dir.remove()
  }
})

test('bad input exits 2 with an error naming the interface and the field (text and --json)', async () => {
  const dir = tempDir('hostnet-cli-')
  try {
    const env = { HOSTNET_STATE_DIR: dir.path }
    const file = join(dir.path, 'bad.yaml')
    writeFileSync(file, 'interfaces:\n  - name: eth0.5000\n    type: vlan\n    vlan: {base-iface: eth0, id: 5000}\n')
    const r = await runCli(['apply', file, '--netns', 'hostnet-no-such-ns'], env)
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /eth0\.5000/)
    assert.match(r.stderr, /id/)
    const j = await runCli(['diff', file, '--netns', 'hostnet-no-such-ns', '--json'], env)
    assert.equal(j.code, 2)
    const parsed = JSON.parse(j.stdout) as { error: { kind: string; message: string; details: { path: string } } }
    assert.equal(parsed.error.kind, 'invalid-argument')
    assert.match(parsed.error.details.path, /interfaces\/0\/vlan\/id/)
    const missing = await runCli(['apply', join(dir.path, 'nope.yaml'), '--netns', 'x'], env)
    assert.equal(missing.code, 3)
    const good = join(dir.path, 'good.yaml')
    writeFileSync(good, 'interfaces: []\n')
    const badConfirm = await runCli(['apply', good, '--netns', 'x', '--confirm-within', 'soon'], env)
    assert.equal(badConfirm.code, 2)
    assert.match(badConfirm.stderr, /invalid --confirm-within 'soon'/)
  } finally {
    dir.remove()
  }
})

test('resolveTarget and --hairpin parsing', () => {
  assert.deepEqual(resolveTarget({ netns: 'blue' }), { kind: 'netns', name: 'blue' })
  assert.deepEqual(resolveTarget({ host: true }), { kind: 'host' })
  assert.throws(() => resolveTarget({}), /no target/)
  assert.throws(() => resolveTarget({ netns: '../etc' }), /invalid network namespace name '..\/etc'/)
  assert.deepEqual(parseHairpinList('on,off,1,0'), [true, false, true, false])
  assert.throws(() => parseHairpinList('on,maybe'), /invalid --hairpin value 'maybe' for port eth1/)
})

test('every op kind has a readable line and a +/-/~ mark', async () => {
  const { describeOps } = await import('../../src/plan/describe.js')
  const text = describeOps([
    { kind: 'link.create', iface: { name: 'v10', type: 'vlan', vlan: { baseIface: 'eth0', id: 10 }, mtu: 1400 } },
    { kind: 'link.delete', names: ['a', 'b'] },
    { kind: 'link.set-state', name: 'eth0', state: 'up' },
    { kind: 'link.set-mtu', name: 'eth0', mtu: 9000 },
    { kind: 'link.set-mac', name: 'eth0', mac: '02:00:00:00:00:01' },
    { kind: 'link.set-controller', name: 'eth0', controller: 'br0' },
    { kind: 'link.set-controller', name: 'eth1', controller: null },
    { kind: 'bridge.set-options', name: 'br0', options: { stp: true, forwardDelaySec: 4 } },
    { kind: 'bridge-port.set-options', name: 'eth0', options: { hairpin: true } },
    { kind: 'bond.set-options', name: 'bond0', options: { miimon: 100 } },
    { kind: 'addr.add', name: 'br0', address: { ip: '192.0.2.1', prefixLength: 24 } },
    { kind: 'addr.del', name: 'br0', address: { ip: '2001:db8::1', prefixLength: 64 } },
    { kind: 'route.add', route: { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.254', nextHopInterface: 'br0', metric: 100 } },
    { kind: 'route.del', route: { destination: '203.0.113.0/24', nextHopInterface: 'br0', tableId: 10 } },
  ])
  assert.equal(
    text,
    [
      "  + create vlan 'v10' (id 10, on 'eth0', mtu 1400)",
      "  - delete 'a', 'b'",
      "  ~ set 'eth0' up",
      "  ~ set mtu of 'eth0' to 9000",
      "  ~ set mac of 'eth0' to 02:00:00:00:00:01",
      "  ~ attach 'eth0' to 'br0'",
      "  ~ detach 'eth1' from its controller",
      "  ~ set bridge options of 'br0': stp=true forwardDelaySec=4",
      "  ~ set bridge port options of 'eth0': hairpin=true",
      "  ~ set bond options of 'bond0': miimon=100",
      "  + add address 192.0.2.1/24 to 'br0'",
      "  - remove address 2001:db8::1/64 from 'br0'",
      '  + add route 0.0.0.0/0 via 192.0.2.254 dev br0 metric 100',
      '  - remove route 203.0.113.0/24 dev br0 table 10',
      '',
    ].join('\n'),
  )
})
