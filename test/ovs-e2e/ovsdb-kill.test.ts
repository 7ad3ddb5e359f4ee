/**
 * The OVSDB connection drops while an apply is in flight; the result is never ambiguous:
 * - ovsdb-server is killed just before the transaction is sent (and restarted): the transaction did not
 *   commit, the engine knows it (commit marker read after reconnecting) and rolls back the kernel ops before it;
 * - the answer to a committed transaction is lost: the marker shows the commit, the apply completes;
 * - ovsdb-server is killed at a random moment around the transaction: either the apply committed and the
 *   document holds, or it failed and kernel and OVS are exactly as before.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import { leakedNetns } from '../helpers/netns.js'
import { SKIP_OVS_E2E, ovsConfig, withLab, type OvsLab } from './lab.js'
import { projectState } from './project.js'

after(() => assert.deepEqual(leakedNetns(), []))

const BASE = `interfaces:
  - name: br0
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port: [{name: mgmt, vlan: {mode: access, tag: 5}}]
  - {name: mgmt, type: ovs-interface, ipv4: {address: [{ip: 10.1.0.1, prefix-length: 24}]}}
`

const CHANGE = `interfaces:
  - name: br0
    type: ovs-bridge
    bridge:
      port:
        - {name: mgmt, vlan: {mode: access, tag: 9}}
        - {name: v1, vlan: {mode: access, tag: 9}}
        - {name: p1, vlan: {mode: access, tag: 9}}
  - {name: v1, type: veth, state: up, veth: {peer: v1p}}
  - {name: p1, type: ovs-interface, ipv4: {address: [{ip: 10.9.0.1, prefix-length: 24}]}}
`

async function snapshot(lab: OvsLab): Promise<string> {
  return projectState(await lab.query()) + (await ovsConfig(lab))
}

/** SIGKILL ovsdb-server now and start it again on the same database after `downMs`. */
function crashServer(lab: OvsLab, downMs: number): Promise<void> {
  lab.ovs.signal('ovsdb-server', 'SIGKILL')
  return new Promise((resolve, reject) => setTimeout(() => lab.ovs.startOvsdbServer().then(() => resolve(), reject), downMs))
}

/** The apply's outcome: committed with the document holding, or failed with everything as before. */
async function assertUnambiguous(lab: OvsLab, before: string, outcome: { ok: true } | { ok: false; err: unknown }): Promise<'committed' | 'rolled-back'> {
  const last = lab.store.journal.list()[0]
  if (outcome.ok) {
    assert.equal(last?.status, 'committed')
    assert.equal((await lab.apply(CHANGE)).status, 'unchanged', 'the document holds')
    return 'committed'
  }
  assert.ok(outcome.err instanceof HostnetError, String(outcome.err))
  assert.equal(last?.status, 'rolled-back', `journal: ${JSON.stringify(last?.error)}`)
  assert.equal(await snapshot(lab), before, 'kernel and OVS as before')
  return 'rolled-back'
}

async function attempt(lab: OvsLab): Promise<{ ok: true } | { ok: false; err: unknown }> {
  return lab.apply(CHANGE).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  )
}

test('ovsdb-server killed before the transaction is sent: not committed, known, rolled back', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(async (lab) => {
    assert.equal((await lab.apply(BASE)).status, 'committed')
    const before = await snapshot(lab)
    let crash: Promise<void> | undefined
    lab.hooks.beforeOvsTransact = async () => {
      lab.hooks.beforeOvsTransact = undefined
      crash = crashServer(lab, 300)
    }
    const outcome = await attempt(lab)
    await crash
    assert.equal(outcome.ok, false)
    if (!outcome.ok) assert.match(String((outcome.err as Error).message), /not committed|not connected|connection lost/)
    assert.equal(await assertUnambiguous(lab, before, outcome), 'rolled-back')
  })
})

test('the answer to a committed transaction is lost: the marker shows the commit, the apply completes', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(
    async (lab) => {
      assert.equal((await lab.apply(BASE)).status, 'committed')
      const before = await snapshot(lab)
      lab.hooks.beforeOvsTransact = async () => {
        lab.hooks.beforeOvsTransact = undefined
        lab.proxy!.dropNextTransactAnswer()
      }
      const outcome = await attempt(lab)
      assert.deepEqual(outcome, { ok: true })
      assert.equal(await assertUnambiguous(lab, before, outcome), 'committed')
    },
    { viaProxy: true },
  )
})

test('ovsdb-server killed at a random moment around the transaction: committed or rolled back, never half', { skip: SKIP_OVS_E2E }, async () => {
  const seen: string[] = []
  for (const delayMs of [0, 1, 3, 8]) {
    await withLab(async (lab) => {
      assert.equal((await lab.apply(BASE)).status, 'committed')
      const before = await snapshot(lab)
      let crash: Promise<void> | undefined
      lab.hooks.beforeOvsTransact = async () => {
        lab.hooks.beforeOvsTransact = undefined
        setTimeout(() => (crash = crashServer(lab, 300)), delayMs)
      }
      const outcome = await attempt(lab)
      await crash
      seen.push(`${delayMs} ms: ${await assertUnambiguous(lab, before, outcome)}`)
    })
  }
  console.log(`# outcomes: ${seen.join(', ')}`)
})
