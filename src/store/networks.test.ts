import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from './open.js'
import { schemaVersion } from './migrations.js'
import { NetworkStore } from './networks.js'

function withNetworks(fn: (n: NetworkStore) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-netstore-'))
  const store = openStore(dir, { nowMs: () => 1000 })
  try {
    assert.ok(schemaVersion(store.db) >= 2)
    fn(new NetworkStore(store.db, store.nowMs))
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const me = { pid: 42, startTicks: '7' }

test('networks: insert, read back, list per target, unique name and UUID per target', () => {
  withNetworks((n) => {
    n.insert({ target: 'netns:a', name: 'x', uuid: 'u1', configXml: '<network/>', status: 'inactive' })
    n.insert({ target: 'netns:b', name: 'x', uuid: 'u1', configXml: '<network/>', status: 'inactive' })
    assert.throws(() => n.insert({ target: 'netns:a', name: 'x', uuid: 'u2', configXml: '<n/>', status: 'inactive' }), /UNIQUE/)
    assert.throws(() => n.insert({ target: 'netns:a', name: 'y', uuid: 'u1', configXml: '<n/>', status: 'inactive' }), /UNIQUE/)
    assert.throws(() => n.insert({ target: 'netns:a', name: 'z', uuid: 'u3', status: 'inactive' }), /CHECK/, 'a row needs a definition')
    assert.deepEqual(n.list('netns:a').map((r) => r.name), ['x'])
    assert.equal(n.list().length, 2)
    assert.equal(n.getByUuid('netns:b', 'u1')?.target, 'netns:b')
    const r = n.get('netns:a', 'x')!
    assert.deepEqual([r.status, r.autostart, r.configXml, r.liveXml, r.owner, r.createdMs], ['inactive', false, '<network/>', undefined, undefined, 1000])
  })
})

test('networks: status changes are compare-and-set, with owner, live XML, runtime and error', () => {
  withNetworks((n) => {
    n.insert({ target: 'host', name: 'x', uuid: 'u', configXml: '<c/>', status: 'inactive' })
    assert.equal(n.transition('host', 'x', { from: ['active'], to: 'stopping' }), false)
    assert.equal(n.transition('host', 'x', { from: ['inactive'], to: 'starting', owner: me, liveXml: '<l/>', runtime: { bridge: 'b' }, error: null }), true)
    assert.equal(n.transition('host', 'x', { from: ['starting'], to: 'active', expectOwner: { pid: 43, startTicks: '7' } }), false)
    assert.equal(n.transition('host', 'x', { from: ['starting'], to: 'active', expectOwner: me, owner: null }), true)
    const r = n.get('host', 'x')!
    assert.deepEqual([r.status, r.owner, r.liveXml, r.runtime], ['active', undefined, '<l/>', { bridge: 'b' }])
    n.setAutostart('host', 'x', true)
    n.setConfig('host', 'x', null)
    assert.equal(n.get('host', 'x')!.configXml, undefined)
    assert.equal(n.get('host', 'x')!.autostart, true)
    assert.throws(() => n.setRuntime('host', 'nope', {}), /no network with matching name 'nope'/)
    assert.equal(n.delete('host', 'x'), true)
    assert.equal(n.delete('host', 'x'), false)
  })
})
