/**
 * Policy routing rules on the real kernel: nmstate's `route-rules` applied through the engine (`ip rule` lines in
 * the backend's batch), read back by the query (`ip rule list` shows them), re-applied to no change, removed by an
 * absent selector, and restored by a rollback.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { ApplyError, type HostBackend } from '../../src/backend/backend.js'
import { openStore } from '../../src/store/index.js'
import { applyState } from '../../src/txn/index.js'
import { formatState, parseDesiredState } from '../../src/codec/yaml/state.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { tempDir } from '../engine/cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

/** `ip rule list` of a namespace, priorities and selectors as ip prints them. */
function ipRules(ns: string): string[] {
  return execFileSync('ip', ['-n', ns, 'rule', 'list'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.replace(/\s+/g, ' ').trim())
}

const DOC = `
route-rules:
  config:
    - {ip-from: 198.51.100.0/24, ip-to: 192.0.2.0/24, priority: 100, route-table: 254, fwmark: 0x30, fwmask: 0x30}
    - {ip-from: 203.0.113.7, priority: 110, route-table: 120, iif: lo}
    - {ip-to: 203.0.113.0/24, priority: 120, action: prohibit}
`

test('route rules: applied with ip rule, shown, re-applied to no change, removed by selector, rolled back', { skip }, async () => {
  const dir = tempDir('hostnet-rules-')
  const store = openStore(dir.path)
  const backend = new Iproute2Backend()
  try {
    await withNetns(async (ns, target) => {
      const deps = { backend, store, log: () => {}, target }
      const before = ipRules(ns)
      const first = await applyState({ ...deps, desired: parseDesiredState(DOC) })
      assert.equal(first.status, 'committed')
      const listed = ipRules(ns)
      assert.ok(listed.includes('100: from 198.51.100.0/24 to 192.0.2.0/24 fwmark 0x30/0x30 lookup main proto static'), listed.join('\n'))
      assert.ok(listed.includes('110: from 203.0.113.7 iif lo lookup 120 proto static'), listed.join('\n'))
      assert.ok(listed.includes('120: from all to 203.0.113.0/24 prohibit proto static'), listed.join('\n'))

      // show has them in the document's shape, and that document re-applies to no change
      const shown = await backend.query(target)
      assert.deepEqual(shown.routeRules, parseDesiredState(DOC).routeRules?.config)
      const again = parseDesiredState(formatState(shown))
      assert.equal((await applyState({ ...deps, desired: again })).status, 'unchanged')
      assert.equal((await applyState({ ...deps, desired: parseDesiredState(DOC) })).status, 'unchanged')

      // a transaction that fails after its rule changes were made puts the rules of the snapshot back
      const failing: HostBackend = {
        query: (t, o) => backend.query(t, o),
        apply: async (t, ops) => {
          await backend.apply(t, ops)
          if (ops.some((op) => op.kind === 'rule.add')) throw new ApplyError('injected failure after the rule change', { appliedCount: ops.length })
        },
      }
      const change = parseDesiredState('route-rules: {config: [{route-table: 120, state: absent}, {ip-from: 192.0.2.0/24, priority: 130, route-table: 130}]}')
      await assert.rejects(applyState({ ...deps, backend: failing, desired: change }), /injected/)
      assert.deepEqual(ipRules(ns), listed)

      // every rule removed by the wildcard selector; the kernel's own rules stay
      const cleared = await applyState({ ...deps, desired: parseDesiredState('route-rules: {config: [{state: absent}]}') })
      assert.equal(cleared.status, 'committed')
      assert.equal(cleared.ops.length, 3)
      assert.deepEqual(ipRules(ns), before)
    })
  } finally {
    store.close()
    dir.remove()
  }
  assert.deepEqual(leakedNetns(), [])
})
