/**
 * Without a reachable OVS, plain kernel use is unaffected: the query reports the kernel with
 * `ovs.available: false` (no connection is even attempted for a missing unix socket), a kernel-only document
 * applies, and a document that asks for OVS fails with a 'dependency' error before anything is changed.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { OvsHostBackend } from '../../src/backend/ovs-host/index.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { HostnetError } from '../../src/errors.js'
import { openStore } from '../../src/store/index.js'
import { applyState } from '../../src/txn/index.js'
import { leakedNetns, withNetns } from '../helpers/netns.js'
import { SKIP_OVS_E2E } from './lab.js'
import { projectState } from './project.js'

after(() => assert.deepEqual(leakedNetns(), []))

test('no OVS: kernel documents apply, OVS documents fail with a dependency error and change nothing', { skip: SKIP_OVS_E2E }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-noovs-'))
  const store = openStore(join(dir, 'state'))
  const missing = `unix:${join(dir, 'no-such', 'db.sock')}`
  const backend = new OvsHostBackend({ kernel: new Iproute2Backend(), resolve: () => missing })
  try {
    await withNetns(async (_ns, target) => {
      const s = await backend.query(target)
      assert.deepEqual(s.ovs?.available, false)
      assert.match(s.ovs?.reason ?? '', /no OVSDB socket/)
      const ok = await applyState({ backend, store, target, desired: parseDesiredState('interfaces: [{name: v0, type: veth, veth: {peer: v1}}]') })
      assert.equal(ok.status, 'committed')
      const before = projectState(await backend.query(target))
      const doc = parseDesiredState('interfaces: [{name: v2, type: veth, veth: {peer: v3}}, {name: br0, type: ovs-bridge, bridge: {port: [{name: v2}]}}]')
      await assert.rejects(applyState({ backend, store, target, desired: doc }), (e: unknown) => {
        assert.ok(e instanceof HostnetError)
        assert.equal(e.kind, 'dependency')
        assert.match(e.message, /interface 'br0' \(ovs-bridge\) needs Open vSwitch, which is not reachable/)
        return true
      })
      assert.equal(projectState(await backend.query(target)), before, 'nothing changed')
      assert.equal(store.journal.list()[0]?.status, 'failed')
    })
  } finally {
    await backend.close()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
