/**
 * Head-end replication on the real kernel: a VXLAN's `remotes` become all-zero-MAC FDB entries through the engine
 * (one `bridge -batch` after the `ip -batch`), are read back by the query, changed in place (only the difference
 * is applied), restored by a rollback, and a VXLAN's own `remote` is not mistaken for one of them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { ApplyError, type HostBackend } from '../../src/backend/backend.js'
import type { DesiredState } from '../../src/model/host/state.js'
import { openStore } from '../../src/store/index.js'
import { applyState } from '../../src/txn/index.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { tempDir } from '../engine/cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

/** The all-zero FDB destinations of a device, as the kernel lists them. */
function fdbRemotes(ns: string, dev: string): string[] {
  const list = JSON.parse(execFileSync('bridge', ['-n', ns, '-json', 'fdb', 'show', 'dev', dev], { encoding: 'utf8' }) || '[]') as Array<Record<string, unknown>>
  return list.filter((e) => e['mac'] === '00:00:00:00:00:00' && typeof e['dst'] === 'string').map((e) => String(e['dst'])).sort()
}

const doc = (remotes: string[]): DesiredState => ({
  interfaces: [
    { name: 'ul0', type: 'veth', state: 'up', veth: { peer: 'ul0p' }, ipv4: { enabled: true, addresses: [{ ip: '10.77.0.1', prefixLength: 24 }] } },
    { name: 'br7', type: 'linux-bridge', state: 'up', mtu: 1450 },
    { name: 'vxl7', type: 'vxlan', state: 'up', mtu: 1450, controller: 'br7', vxlan: { id: 7, local: '10.77.0.1', destinationPort: 4789, baseIface: 'ul0', remotes } },
  ],
})

test('VXLAN remotes: created, read back, changed by difference, rolled back with the transaction', { skip }, async () => {
  const dir = tempDir('hostnet-vxlan-')
  const store = openStore(dir.path)
  const backend = new Iproute2Backend()
  try {
    await withNetns(async (ns, target) => {
      const deps = { backend, store, log: () => {}, target }
      const first = await applyState({ ...deps, desired: doc(['10.77.0.3', '10.77.0.2']) })
      assert.equal(first.status, 'committed')
      assert.deepEqual(fdbRemotes(ns, 'vxl7'), ['10.77.0.2', '10.77.0.3'])
      const last = first.ops.at(-1)!
      assert.deepEqual(last, { kind: 'vxlan.set-remotes', name: 'vxl7', add: ['10.77.0.2', '10.77.0.3'], del: [] })
      const read = (await backend.query(target)).interfaces.find((i) => i.name === 'vxl7')!
      assert.deepEqual(read.vxlan?.remotes, ['10.77.0.2', '10.77.0.3'])

      // the same document again: nothing to do
      assert.equal((await applyState({ ...deps, desired: doc(['10.77.0.2', '10.77.0.3']) })).status, 'unchanged')

      // a host leaves, another joins: only the difference is applied
      const change = await applyState({ ...deps, desired: doc(['10.77.0.3', '10.77.0.4']) })
      assert.deepEqual(change.ops, [{ kind: 'vxlan.set-remotes', name: 'vxl7', add: ['10.77.0.4'], del: ['10.77.0.2'] }])
      assert.deepEqual(fdbRemotes(ns, 'vxl7'), ['10.77.0.3', '10.77.0.4'])

      // a transaction that fails after its FDB change was made restores the entries of the snapshot
      const failing: HostBackend = {
        query: (t, o) => backend.query(t, o),
        apply: async (t, ops) => {
          await backend.apply(t, ops)
          if (ops.some((op) => op.kind === 'vxlan.set-remotes')) throw new ApplyError('injected failure after the FDB change', { appliedCount: ops.length })
        },
      }
      await assert.rejects(applyState({ ...deps, backend: failing, desired: doc(['10.77.0.9']) }), /injected/)
      assert.deepEqual(fdbRemotes(ns, 'vxl7'), ['10.77.0.3', '10.77.0.4'])

      // removing the VXLAN removes its entries with it
      assert.equal((await applyState({ ...deps, desired: { interfaces: [{ name: 'vxl7', type: 'vxlan', state: 'absent' }] } })).status, 'committed')
      assert.equal((await backend.query(target)).interfaces.some((i) => i.name === 'vxl7'), false)
    })
  } finally {
    store.close()
    dir.remove()
  }
  assert.deepEqual(leakedNetns(), [])
})

test("a VXLAN's own remote is its default FDB entry, not a head-end replication remote", { skip }, async () => {
  const backend = new Iproute2Backend()
  await withNetns(async (ns, target) => {
    await backend.apply(target, [{ kind: 'link.create', iface: { name: 'vx9', type: 'vxlan', vxlan: { id: 9, local: '192.0.2.1', remote: '192.0.2.2', destinationPort: 4789 } } }])
    assert.deepEqual(fdbRemotes(ns, 'vx9'), ['192.0.2.2'])
    const read = (await backend.query(target)).interfaces.find((i) => i.name === 'vx9')!
    assert.deepEqual(read.vxlan?.remotes, [])
  })
})

test('YAML: remotes are read sorted and unique, written back, and refused beside remote or group', () => {
  const yaml = 'interfaces:\n- name: vx1\n  type: vxlan\n  vxlan:\n    id: 5\n    remotes: [10.0.0.3, 10.0.0.2, 10.0.0.3]\n'
  assert.deepEqual(parseDesiredState(yaml, { format: 'yaml' }).interfaces[0]!.vxlan, { id: 5, remotes: ['10.0.0.2', '10.0.0.3'] })
  assert.throws(() => parseDesiredState('interfaces:\n- name: vx1\n  type: vxlan\n  vxlan: {id: 5, remote: 10.0.0.9, remotes: [10.0.0.2]}\n', { format: 'yaml' }), /mutually exclusive/)
  assert.throws(() => parseDesiredState('interfaces:\n- name: vx1\n  type: vxlan\n  vxlan: {id: 5, remotes: [224.0.0.5]}\n', { format: 'yaml' }), /vxlan/)
  assert.throws(() => parseDesiredState('interfaces:\n- name: vx1\n  type: vxlan\n  vxlan: {id: 5, local: 10.0.0.1, remotes: ["fd00::2"]}\n', { format: 'yaml' }), /different address families/)
})
