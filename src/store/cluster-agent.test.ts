import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from './open.js'
import { ClusterAgentRecords } from './cluster-agent.js'

test('cluster agent record: absent at first, then the revision and what was applied, per host, across reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-agentrec-'))
  try {
    let store = openStore(dir)
    let r = new ClusterAgentRecords(store.db)
    assert.equal(r.get('h1'), undefined)
    const applied = { networks: { blue: { hash: 'abc', owned: ['vxl5', 'vbr5'], network: 'blue' } }, documents: { d: 'x' } }
    r.put('h1', 12, applied, 1000)
    r.put('h2', 3, { networks: {}, documents: {} }, 1001)
    r.put('h1', 15, applied, 2000)
    store.close()
    store = openStore(dir)
    r = new ClusterAgentRecords(store.db)
    assert.deepEqual(r.get('h1'), { hostId: 'h1', revision: 15, applied, updatedMs: 2000 })
    assert.equal(r.get('h2')?.revision, 3)
    store.db.prepare("UPDATE cluster_agent SET applied = '{' WHERE host_id = 'h2'").run()
    assert.throws(() => r.get('h2'), /cluster agent record of host 'h2' is not JSON/)
    store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the agent acts as agent:HOST in the change record', async () => {
  const { agentActor, checkActor } = await import('./change-kinds.js')
  assert.equal(checkActor(agentActor('h1')), 'agent:h1')
  assert.throws(() => checkActor('agent:'), /agent:HOST/)
})
