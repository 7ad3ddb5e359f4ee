/**
 * gen-conf's output read back by the real parser of the format where Debian has one: ifupdown's `ifquery`
 * (unpacked by scripts/install.sh into native/build/ifupdown, never installed) reads the written interfaces
 * file and reports, per interface, the options it understood. NetworkManager's offline parser (`nmcli
 * --offline`) needs NetworkManager 1.44, Debian 12 has 1.42; systemd-networkd has no offline parser: those
 * formats are covered by the golden files (src/codec/native/testdata).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/paths.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const IFQUERY = join(repoRoot(), 'native/build/ifupdown/sbin/ifquery')
const skipIfquery = existsSync(IFQUERY) ? false : 'ifquery not unpacked (run scripts/install.sh)'
if (skipIfquery !== false && process.env['CI']) throw new Error(`gen-conf parsers required under CI: ${skipIfquery}`)

function ifquery(file: string, state: string, ...args: string[]): string {
  const r = spawnSync(IFQUERY, ['-i', file, '--state-dir', state, ...args], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

/** ifquery's `key: value` lines of one interface (all its stanzas). */
function options(file: string, state: string, name: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of ifquery(file, state, name).split('\n')) {
    const m = /^([^:]+): ?(.*)$/.exec(line)
    if (m) out.set(m[1] as string, [...(out.get(m[1] as string) ?? []), m[2] as string])
  }
  return out
}

for (const c of ['every-type', 'ifcfg']) {
  test(`ifupdown: ifquery reads gen-conf's interfaces file of ${c} as meant`, { skip: skipIfquery }, async () => {
    const dir = tempDir('hostnet-genconf-')
    try {
      const doc = join(repoRoot(), 'src/codec/native/testdata', c, 'desired.yaml')
      const w = await runCli(['gen-conf', '--format', 'ifupdown', doc, '--write', dir.path])
      assert.equal(w.code, 0, w.stderr)
      const file = join(dir.path, 'interfaces')
      const st = join(dir.path, 'state')
      const autos = ifquery(file, st, '--list').trim().split('\n')
      const br0 = options(file, st, 'br0')
      assert.deepEqual(br0.get('address'), ['192.0.2.1', '2001:db8::1'])
      assert.deepEqual(br0.get('bridge_ports'), ['bond0.10'])
      assert.deepEqual(br0.get('gateway'), ['192.0.2.254'])
      assert.ok((br0.get('up') ?? []).some((u) => u.startsWith('ip route add 198.18.0.0/15 via 192.0.2.253 dev br0 metric 10')), JSON.stringify([...br0]))
      const bond = options(file, st, 'bond0')
      assert.deepEqual(bond.get('bond-slaves'), ['eth1 eth2'])
      assert.deepEqual(bond.get('bond-mode'), [c === 'ifcfg' ? '802.3ad' : 'active-backup'])
      assert.deepEqual(bond.get('bond-miimon'), ['100'])
      assert.deepEqual(options(file, st, 'bond0.10').get('vlan-raw-device'), ['bond0'])
      if (c === 'every-type') {
        for (const n of ['eth1', 'eth2', 'bond0', 'bond0.10', 'br0', 'eth3', 'mv0', 'mt0', 'vx0', 'vrf0', 'd1', 'v0', 'tap0']) assert.ok(autos.includes(n), `auto ${n}`)
        assert.ok(!autos.includes('d0'), 'state: down is not auto')
        assert.deepEqual(options(file, st, 'mv0').get('pre-up'), ['ip link add link eth3 name mv0 type macvlan mode bridge'])
        assert.deepEqual(options(file, st, 'd0').get('address'), ['10.9.0.1'])
        assert.deepEqual(br0.get('bridge_pathcost'), ['bond0.10 10'])
      } else {
        assert.ok(!autos.includes('eth3'))
      }
      // --write leaves the files with the modes their tools expect; the printed form is the golden
      assert.equal(statSync(file).mode & 0o777, 0o644)
      const printed = await runCli(['gen-conf', '--format', 'ifupdown', doc])
      assert.equal(printed.stdout, readFileSync(join(repoRoot(), 'src/codec/native/testdata', c, 'ifupdown.txt'), 'utf8'))
    } finally {
      dir.remove()
    }
  })
}

test('gen-conf --format nm-keyfile --write: one 0600 keyfile per interface; bad format and ifcfg refusals exit 2 and 5', async () => {
  const dir = tempDir('hostnet-genconf-')
  try {
    const doc = join(repoRoot(), 'src/codec/native/testdata/every-type/desired.yaml')
    const w = await runCli(['gen-conf', '--format', 'nm-keyfile', doc, '--write', dir.path])
    assert.equal(w.code, 0, w.stderr)
    assert.equal(statSync(join(dir.path, 'br0.nmconnection')).mode & 0o777, 0o600)
    assert.equal((await runCli(['gen-conf', '--format', 'netplan', doc])).code, 2)
    const refused = await runCli(['gen-conf', '--format', 'ifcfg', doc])
    assert.equal(refused.code, 5)
    assert.match(refused.stderr, /interface 'mv0': ifcfg cannot express type 'mac-vlan'/)
    assert.equal((await runCli(['gen-conf', '--format', 'networkd'])).code, 2, 'no document and no --saved')
  } finally {
    dir.remove()
  }
})
