/**
 * The engine against the real kernel, in sandbox namespaces: kill -9 mid-apply, the confirm timer after the CLI
 * exited, commit, rollback, conflicts, failures injected at op k, bad input. Runs `bin/hostnet` as a child process.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ApplyError, type HostBackend } from '../../src/backend/backend.js'
import type { Target } from '../../src/model/target.js'
import { HostnetError } from '../../src/errors.js'
import type { HostOp } from '../../src/plan/ops.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import type { DesiredState } from '../../src/model/host/state.js'
import { openStore, type Store } from '../../src/store/index.js'
import { applyState, decodeHostTxn, resolveEngine, restoreSnapshot } from '../../src/txn/index.js'
import { runCli, spawnCli } from './cli-helpers.js'
import { BRIDGE_DOC, project, sleep, waitFor, withKernelEnv, type KernelEnv } from './kernel-helpers.js'

test('kill -9 during an apply, then any hostnet command: the state is the state before', async () => {
  await withKernelEnv(async (env) => {
    const before = project(await env.backend.query(env.target))
    const child = spawnCli(['apply', env.file('doc.yaml', BRIDGE_DOC), '--netns', env.ns, '--state-dir', env.stateDir], {
      HOSTNET_TEST_PAUSE_AFTER_APPLY_MS: '60000',
    })
    let stderr = ''
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    assert.ok(await waitFor(() => /test hook: transaction \d+ applied/.test(stderr), 15_000), `no pause marker: ${stderr}`)
    const mid = await env.backend.query(env.target)
    assert.ok(mid.interfaces.some((i) => i.name === 'br0'), 'the kernel was changed before the kill')
    assert.equal(env.journal()[0]?.status, 'applying')
    const second = await runCli(['apply', env.file('mtu.yaml', 'interfaces: [{name: eth3, type: veth, mtu: 1300}]\n'), '--netns', env.ns, '--state-dir', env.stateDir])
    assert.equal(second.code, 4, second.stderr)
    assert.match(second.stderr, new RegExp(`\\(applying by process ${child.pid}\\)`))
    child.kill('SIGKILL')
    await exited
    const r = await runCli(['show', '--netns', env.ns, '--state-dir', env.stateDir, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /interrupted/)
    // show --json prints a document in nmstate's shape (what apply reads): read it back as one
    const shown = parseDesiredState(r.stdout, { format: 'json' })
    assert.deepEqual(project({ interfaces: shown.interfaces, routes: shown.routes?.config ?? [] }), before)
    assert.deepEqual(project(await env.backend.query(env.target)), before)
    assert.equal(env.journal()[0]?.status, 'rolled-back')
  })
})

test('apply --confirm-within 2 without a commit: the timer restores the state after the CLI exited', async () => {
  await withKernelEnv(async (env) => {
    const before = project(await env.backend.query(env.target))
    const started = Date.now()
    const r = await runCli(['apply', env.file('doc.yaml', BRIDGE_DOC), '--netns', env.ns, '--state-dir', env.stateDir, '--confirm-within', '2'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /waiting for confirmation: run 'hostnet commit --netns/)
    assert.notDeepEqual(project(await env.backend.query(env.target)), before)
    // no hostnet command runs from here on: only the daemon can restore the state
    assert.ok(await waitFor(async () => !(await env.backend.query(env.target)).interfaces.some((i) => i.name === 'br0'), 10_000))
    assert.ok(Date.now() - started >= 1_900, 'not restored before the deadline')
    // br0 goes first; the ports are restored after it: wait for the daemon to finish the whole rollback
    assert.ok(await waitFor(() => env.journal()[0]?.status === 'rolled-back', 10_000), 'the rollback completes')
    assert.deepEqual(project(await env.backend.query(env.target)), before)
    const [e] = env.journal()
    assert.equal(e?.status, 'rolled-back')
    assert.equal((e?.error as { kind: string }).kind, 'timeout')
    const store = openStore(env.stateDir)
    try {
      assert.ok(await waitFor(() => store.daemons.holder('confirm-timer') === undefined, 3_000), 'the daemon exits when idle')
    } finally {
      store.close()
    }
  })
})

test('commit before the deadline keeps the change', async () => {
  await withKernelEnv(async (env) => {
    const args = ['--netns', env.ns, '--state-dir', env.stateDir]
    // generous window: the machine may be loaded (each CLI run starts a node process; at load 40 apply and
    // commit took 12 s); then the test waits until the deadline has passed
    const r = await runCli(['apply', env.file('doc.yaml', BRIDGE_DOC), ...args, '--confirm-within', '15'])
    const deadlineMs = Date.now() + 15_000 // the real deadline is no later than this
    assert.equal(r.code, 0, r.stderr)
    const applied = project(await env.backend.query(env.target))
    const c = await runCli(['commit', ...args, '--json'])
    assert.equal(c.code, 0, c.stderr)
    assert.equal((JSON.parse(c.stdout) as { status: string }).status, 'committed')
    await sleep(Math.max(0, deadlineMs - Date.now()) + 1_000)
    assert.deepEqual(project(await env.backend.query(env.target)), applied)
    assert.equal(env.journal()[0]?.status, 'committed')
    const again = await runCli(['commit', ...args])
    assert.equal(again.code, 3, 'nothing left to commit')
  })
})

test('rollback restores; a second apply meanwhile is a conflict (exit 4) naming the transaction', async () => {
  await withKernelEnv(async (env) => {
    const args = ['--netns', env.ns, '--state-dir', env.stateDir]
    const before = project(await env.backend.query(env.target))
    const r = await runCli(['apply', env.file('doc.yaml', BRIDGE_DOC), ...args, '--confirm-within', '60', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const id = (JSON.parse(r.stdout) as { transactionId: number }).transactionId
    const second = await runCli(['apply', env.file('mtu.yaml', 'interfaces: [{name: eth3, type: veth, mtu: 1300}]\n'), ...args])
    assert.equal(second.code, 4, second.stderr)
    assert.match(second.stderr, new RegExp(`open transaction ${id} \\(pending-confirm`))
    const rb = await runCli(['rollback', ...args])
    assert.equal(rb.code, 0, rb.stderr)
    assert.match(rb.stdout, new RegExp(`rolled back transaction ${id}`))
    assert.deepEqual(project(await env.backend.query(env.target)), before)
  })
})

/** The real backend, but the apply stops after op k (the first k ops really reach the kernel). */
function failingAt(real: HostBackend, k: number): HostBackend {
  let calls = 0
  return {
    query: (t: Target) => real.query(t),
    apply: async (t: Target, ops: readonly HostOp[]) => {
      if (++calls > 1 || k >= ops.length) return real.apply(t, ops)
      await real.apply(t, ops.slice(0, k))
      throw new ApplyError(`injected failure at op ${k}`, { appliedCount: k, failedIndex: k, cause: new HostnetError('backend-failure', 'injected') })
    },
  }
}

const TEARDOWN_DOC = `interfaces:
  - {name: br0, type: linux-bridge, state: absent}
  - {name: eth2, type: veth, mtu: 1500, ipv4: {enabled: true, address: []}}
  - {name: eth3, type: veth, state: down}
`

/** Apply `doc` with a failure injected at op k for several k: each time the kernel state must be as before. */
async function faultSweep(env: KernelEnv, store: Store, doc: DesiredState): Promise<void> {
  const before = project(await env.backend.query(env.target))
  // a probe run to learn the number of ops, undone through the engine's own restore
  const probe = await applyState({ backend: env.backend, store, target: env.target, desired: doc, noVerify: true })
  const txn = decodeHostTxn(store.journal.require(probe.transactionId))
  await restoreSnapshot(resolveEngine({ backend: env.backend, store }), env.target, txn.snapshot!, txn.touched)
  assert.deepEqual(project(await env.backend.query(env.target)), before, 'probe undone')
  const n = probe.ops.length
  assert.ok(n > 2)
  for (const k of [1, Math.floor(n / 2), n - 1]) {
    await assert.rejects(
      applyState({ backend: failingAt(env.backend, k), store, target: env.target, desired: doc }),
      (e: unknown) => e instanceof ApplyError && e.message === `injected failure at op ${k}`,
    )
    assert.deepEqual(project(await env.backend.query(env.target)), before, `k=${k}`)
    assert.equal(store.journal.list()[0]?.status, 'rolled-back', `k=${k}`)
  }
}

test('a failure injected at op k (several k) while building a bridge leaves the kernel state as before', async () => {
  await withKernelEnv(async (env) => {
    const store = openStore(env.stateDir)
    try {
      await faultSweep(env, store, parseDesiredState(BRIDGE_DOC))
    } finally {
      store.close()
    }
  })
})

test('a failure injected at op k (several k) while tearing down: removed links are recreated with addresses and ports', async () => {
  await withKernelEnv(async (env) => {
    const store = openStore(env.stateDir)
    try {
      await applyState({ backend: env.backend, store, target: env.target, desired: parseDesiredState(BRIDGE_DOC) })
      await faultSweep(env, store, parseDesiredState(TEARDOWN_DOC))
    } finally {
      store.close()
    }
  })
})

test('bad input against a real namespace: exit 2 naming interface and field, nothing touched', async () => {
  await withKernelEnv(async (env) => {
    const before = project(await env.backend.query(env.target))
    const doc = 'interfaces:\n  - name: br0\n    type: linux-bridge\n    bridge: {port: [{name: eth0}, {name: nosuch9}]}\n'
    const r = await runCli(['apply', env.file('bad.yaml', doc), '--netns', env.ns, '--state-dir', env.stateDir])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /nosuch9/)
    assert.match(r.stderr, /br0|port/)
    assert.deepEqual(project(await env.backend.query(env.target)), before)
    const d = await runCli(['diff', env.file('good.yaml', BRIDGE_DOC), '--netns', env.ns, '--state-dir', env.stateDir])
    assert.equal(d.code, 0, d.stderr)
    assert.match(d.stdout, /\+ create linux-bridge 'br0'/)
    assert.deepEqual(project(await env.backend.query(env.target)), before, 'diff touches nothing')
  })
})
