/**
 * A case runner shared by the netns tests and the UML lane: runs a case in a fresh environment with an apply
 * that insists on success (status committed, ops planned, journal committed), then re-applies the case's last
 * document, which must change nothing.
 * @module
 */
import assert from 'node:assert/strict'
import { withE2e, type E2eEnv, type E2eOptions } from './env.js'

export type E2eCase = (env: E2eEnv) => Promise<void>

function committingEnv(env: E2eEnv, applied: string[]): E2eEnv {
  return {
    ...env,
    apply: async (yaml, opts) => {
      const r = await env.apply(yaml, opts)
      assert.equal(r.status, 'committed', `apply of:\n${yaml}`)
      assert.ok(r.ops.length > 0, 'a change was planned')
      assert.equal(env.lastTxn()?.status, 'committed')
      applied.push(yaml)
      return r
    },
  }
}

/** Run `fn` (create, change, remove: at least three applies) and check that the last document is now a no-op. */
export function runTypeCase(fn: E2eCase, opts: E2eOptions = {}): Promise<void> {
  return withE2e(async (env) => {
    const applied: string[] = []
    await fn(committingEnv(env, applied))
    assert.ok(applied.length >= 3, 'created, changed and removed')
    const again = await env.apply(applied[applied.length - 1]!)
    assert.equal(again.status, 'unchanged', 're-applying the last document changes nothing')
  }, opts)
}
