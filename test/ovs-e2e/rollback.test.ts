/**
 * Failures in the middle of an apply that changes the kernel and OVS together leave both as they were:
 * - a kernel op after the OVS transaction fails: the engine rolls the committed OVS transaction back with the
 *   inverse one (from the journaled snapshot) and undoes the kernel ops;
 * - OVSDB refuses the transaction (another writer created the same bridge name meanwhile: a constraint
 *   violation): the error is typed and carries OVSDB's error and details, nothing of the transaction happened,
 *   and the kernel ops before it are undone.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { ApplyError } from '../../src/backend/backend.js'
import { OvsApplyError } from '../../src/backend/ovs-host/index.js'
import { leakedNetns } from '../helpers/netns.js'
import { SKIP_OVS_E2E, ovsConfig, withLab, type OvsLab } from './lab.js'
import { projectState } from './project.js'

after(() => assert.deepEqual(leakedNetns(), []))

const BASE = `interfaces:
  - name: br0
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port:
        - {name: mgmt, vlan: {mode: access, tag: 5}}
        - {name: v1, vlan: {mode: trunk, trunk-tags: [{id: 5}, {id: 7}]}}
  - {name: mgmt, type: ovs-interface, ipv4: {address: [{ip: 10.1.0.1, prefix-length: 24}]}}
  - {name: v1, type: veth, state: up, veth: {peer: v1p}}
`

const CHANGE = `interfaces:
  - name: br0
    type: ovs-bridge
    bridge:
      options: {stp: true, fail-mode: secure}
      port:
        - {name: mgmt, vlan: {mode: access, tag: 6}}
        - {name: p2, vlan: {mode: access, tag: 6}}
        - {name: v2}
    ovs-db: {external_ids: {changed: "yes"}}
  - {name: p2, type: ovs-interface, ipv4: {address: [{ip: 10.2.0.1, prefix-length: 24}]}}
  - {name: v2, type: veth, state: up, veth: {peer: v2p}}
  - {name: mgmt, type: ovs-interface, ipv4: {address: [{ip: 10.1.0.2, prefix-length: 24}]}}
`

async function snapshot(lab: OvsLab): Promise<{ state: string; db: string }> {
  return { state: projectState(await lab.query()), db: await ovsConfig(lab) }
}

test('a kernel failure after the OVS transaction rolls back OVS and the kernel together', { skip: SKIP_OVS_E2E }, async () => {
  let armed = false
  await withLab(
    async (lab) => {
      assert.equal((await lab.apply(BASE)).status, 'committed')
      const before = await snapshot(lab)
      armed = true
      await assert.rejects(lab.apply(CHANGE), (e: unknown) => {
        assert.ok(e instanceof ApplyError, String(e))
        assert.match(e.message, /injected kernel failure/)
        return true
      })
      assert.equal(armed, false, 'the injected failure happened')
      const afterState = await snapshot(lab)
      assert.equal(afterState.state, before.state)
      assert.equal(afterState.db, before.db)
      const j = lab.store.journal.list()[0]
      assert.equal(j?.status, 'rolled-back')
    },
    {
      // after the OVS transaction: apply the first kernel op of the batch, then fail
      kernel: (k) => ({
        query: (t, o) => k.query(t, o),
        caps: (t) => k.caps(t),
        apply: async (t, ops) => {
          if (!armed || !ops.some((o) => o.kind === 'addr.add' && o.name === 'p2')) return k.apply(t, ops)
          armed = false
          await k.apply(t, ops.slice(0, 1))
          throw new ApplyError('injected kernel failure', { appliedCount: 1, failedIndex: 1 })
        },
      }),
    },
  )
})

const NEW_BRIDGE = `interfaces:
  - name: br-new
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port: [{name: v3}, {name: inner}]
  - {name: v3, type: veth, state: up, veth: {peer: v3p}}
  - {name: inner, type: ovs-interface, ipv4: {address: [{ip: 10.3.0.1, prefix-length: 24}]}}
`

test('an OVSDB error inside the transaction is typed, and the kernel ops before it are undone', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(async (lab) => {
    assert.equal((await lab.apply(BASE)).status, 'committed')
    const before = await snapshot(lab)
    lab.hooks.beforeOvsTransact = async () => {
      // another writer creates a bridge of the same name between our read and our transaction
      lab.hooks.beforeOvsTransact = undefined
      lab.vsctl('--no-wait', 'add-br', 'br-new', '--', 'set', 'Bridge', 'br-new', 'datapath_type=netdev')
    }
    const err = await lab.apply(NEW_BRIDGE).then(
      () => assert.fail('the apply should fail'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof OvsApplyError, String(err))
    assert.equal(err.ovsdbError, 'constraint violation')
    assert.match(err.ovsdbDetails ?? '', /br-new/)
    assert.equal(err.details?.['ovsdbError'], 'constraint violation')
    assert.equal(err.appliedCount, 1, 'the veth was created before the OVS transaction')
    // the rollback restores every name the plan touched, the racing writer's bridge of that name included
    const afterState = await snapshot(lab)
    assert.equal(afterState.state, before.state)
    assert.equal(afterState.db, before.db)
  })
})
