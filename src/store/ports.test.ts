import { test } from 'node:test'
import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from './open.js'
import { migrate, MIGRATIONS, schemaVersion } from './migrations.js'
import { NetworkStore } from './networks.js'
import { PortStore, type PortInsert } from './ports.js'

function withPorts(fn: (p: PortStore, db: Database.Database) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-portstore-'))
  const store = openStore(dir, { nowMs: () => 1000 })
  try {
    fn(new PortStore(store.db, store.nowMs), store.db)
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const me = { pid: 42, startTicks: '7' }
const other = { pid: 43, startTicks: '7' }

function row(uuid: string, extra: Partial<PortInsert> = {}): PortInsert {
  return { target: 'netns:a', network: 'n', uuid, status: 'allocated', def: { port: { uuid } }, ...extra }
}

test('ports: usage (connections, per device, floor sum, class ids) follows inserts and deletes', () => {
  withPorts((p) => {
    p.insert(row('u1', { device: 'eth0' }))
    p.insert(row('u2', { device: 'eth0' }))
    p.insert(row('u3', { device: 'eth1', floor: 100, classId: 3 }))
    p.insert(row('u4', { floor: 50, classId: 4 }))
    p.insert(row('u5', { network: 'other', device: 'eth0' }))
    assert.deepEqual(p.usage('netns:a', 'n', { classIds: true }), { connections: 4, devices: { eth0: 2, eth1: 1 }, floorSum: 150, classIds: [3, 4] })
    assert.equal(p.delete('netns:a', 'u1'), true)
    assert.equal(p.delete('netns:a', 'u1'), false)
    assert.deepEqual(p.usage('netns:a', 'n'), { connections: 3, devices: { eth0: 1, eth1: 1 }, floorSum: 150, classIds: [] })
    assert.equal(p.count('netns:a', 'n'), 3)
    assert.equal(p.count('netns:a', 'other'), 1)
    assert.equal(p.count('netns:a', 'nothing'), 0)
    assert.deepEqual(p.listByNetwork('netns:a', 'n').map((r) => r.uuid), ['u2', 'u3', 'u4'])
    assert.deepEqual(p.listByNetwork('netns:a', 'other').map((r) => r.uuid), ['u5'])
  })
})

test('ports: an exclusive device and a class id are unique per network; the uuid per target', () => {
  withPorts((p) => {
    p.insert(row('u1', { device: 'eth0', exclusive: true, classId: 3 }))
    assert.throws(() => p.insert(row('u2', { device: 'eth0', exclusive: true })), /UNIQUE/)
    assert.throws(() => p.insert(row('u3', { classId: 3 })), /UNIQUE/)
    assert.throws(() => p.insert(row('u1')), /UNIQUE|PRIMARY/)
    p.insert(row('u1', { target: 'netns:b', device: 'eth0', exclusive: true, classId: 3 }))
    assert.equal(p.listAll().length, 2)
  })
})

test('ports: transition is compare-and-set on status and owner, alone or inside a batch transaction', () => {
  withPorts((p, db) => {
    p.insert(row('u1', { status: 'plugging', owner: me, plug: { device: { ifname: 'x' } } }))
    p.insert(row('u2', { status: 'plugging', owner: me }))
    assert.equal(p.transition('netns:a', 'u1', { from: ['plugged'], to: 'unplugging' }), false)
    assert.equal(p.transition('netns:a', 'u1', { from: ['plugging'], to: 'plugged', expectOwner: other }), false)
    assert.equal(p.transition('netns:a', 'nope', { from: ['plugging'], to: 'plugged' }), false)
    assert.equal(p.transition('netns:a', 'u1', { from: [], to: 'plugged' }), false)
    assert.deepEqual([p.has('netns:a', 'u1'), p.has('netns:a', 'nope'), p.has('netns:b', 'u1')], [true, false, false])
    assert.equal(p.transition('netns:a', 'u1', { from: ['plugging'], to: 'plugged', expectOwner: me, owner: null }), true)
    const r1 = p.get('netns:a', 'u1')!
    assert.deepEqual([r1.status, r1.owner, r1.plug], ['plugged', undefined, { device: { ifname: 'x' } }])
    // an owner that was cleared does not match any expected owner
    assert.equal(p.transition('netns:a', 'u1', { from: ['plugged'], to: 'unplugging', expectOwner: me }), false)
    // several column sets, each with its own statement
    assert.equal(p.transition('netns:a', 'u1', { from: ['plugged'], to: 'unplugging', owner: other, plug: { floor: { bridge: 'b', classId: 3 } } }), true)
    assert.deepEqual(p.get('netns:a', 'u1')?.plug, { floor: { bridge: 'b', classId: 3 } })
    assert.equal(p.transition('netns:a', 'u1', { from: ['unplugging'], to: 'unplugging', plug: null }), true)
    assert.deepEqual([p.get('netns:a', 'u1')?.plug, p.get('netns:a', 'u1')?.owner], [undefined, other])
    // inside a caller's transaction: the changes are part of it (a rollback takes them back)
    assert.throws(() =>
      p.atomically(() => {
        assert.equal(db.inTransaction, true)
        assert.equal(p.transition('netns:a', 'u2', { from: ['plugging'], to: 'plugged', expectOwner: me, owner: null }), true)
        assert.equal(p.get('netns:a', 'u2')?.status, 'plugged')
        throw new Error('abort')
      }),
    /abort/)
    assert.equal(p.get('netns:a', 'u2')?.status, 'plugging')
    assert.deepEqual(p.get('netns:a', 'u2')?.owner, me)
  })
})

test('ports: atomically is one IMMEDIATE transaction; nested calls are savepoints; a throw leaves nothing', () => {
  withPorts((p, db) => {
    assert.throws(() =>
      p.atomically(() => {
        p.insert(row('u1'))
        p.insert(row('u2'))
        throw new Error('no')
      }),
    /no/)
    assert.equal(p.count('netns:a', 'n'), 0)
    const n = p.atomically(() => {
      p.insert(row('u1'))
      assert.throws(() => p.atomically(() => {
        p.insert(row('u2'))
        throw new Error('inner')
      }), /inner/)
      return p.count('netns:a', 'n')
    })
    assert.equal(n, 1)
    assert.deepEqual(p.listByNetwork('netns:a', 'n').map((r) => r.uuid), ['u1'])
    assert.equal(db.inTransaction, false)
    // another connection is locked out while the IMMEDIATE transaction runs (a second process would wait)
    const second = new Database(db.name, { timeout: 0 })
    try {
      p.atomically(() => {
        assert.throws(() => second.prepare('BEGIN IMMEDIATE').run(), /locked|busy/i)
      })
    } finally {
      second.close()
    }
  })
})

test('ports: migrations 4-6 keep every row; the table has no rowid; the counts match; only the unique indexes stay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-portmig-'))
  const db = new Database(join(dir, 'm.db'))
  try {
    migrate(db, MIGRATIONS.filter((m) => m.version <= 3))
    assert.equal(schemaVersion(db), 3)
    const p3 = new PortStore(db, () => 5)
    p3.insert(row('u1', { device: 'eth0', exclusive: true, classId: 3, floor: 10, owner: me, status: 'plugging', plug: { device: { ifname: 'd' } } }))
    p3.insert(row('u2', { network: 'm' }))
    const before = p3.listAll()
    assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 4)), 4)
    const p4 = new PortStore(db, () => 5)
    assert.deepEqual(p4.listAll(), before)
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'network_ports' AND sql IS NOT NULL").all() as Array<{ name: string }>).map((r) => r.name).sort()
    assert.deepEqual(indexes, ['ports_by_network', 'ports_class_id', 'ports_exclusive_device'])
    assert.throws(() => db.prepare('SELECT rowid FROM network_ports').all(), /rowid/)
    assert.throws(() => p4.insert(row('u3', { device: 'eth0', exclusive: true })), /UNIQUE/)
    assert.throws(() => p4.insert(row('u4', { status: 'bogus' as 'allocated' })), /CHECK/)
    // migration 5 counts the rows that are there; migration 6 drops the per-network index
    assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 6)), 6)
    const after = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'network_ports' AND sql IS NOT NULL").all() as Array<{ name: string }>).map((r) => r.name).sort()
    assert.deepEqual(after, ['ports_class_id', 'ports_exclusive_device'])
    assert.equal(p4.count('netns:a', 'n'), 1)
    assert.deepEqual(p4.listByNetwork('netns:a', 'm').map((r) => r.uuid), ['u2'])
    assert.deepEqual(p4.usage('netns:a', 'n', { classIds: true }), { connections: 1, devices: { eth0: 1 }, floorSum: 10, classIds: [3] })
    assert.deepEqual(p4.usage('netns:a', 'm'), { connections: 1, devices: {}, floorSum: 0, classIds: [] })
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

/** The usage as a GROUP BY over the rows says it is. */
function usageFromRows(db: Database.Database, target: string, network: string): { connections: number; devices: Record<string, number>; floorSum: number } {
  const rows = db.prepare('SELECT device, COUNT(*) AS n, SUM(floor) AS f FROM network_ports WHERE target = ? AND network = ? GROUP BY device').all(target, network) as Array<{ device: string | null; n: number; f: number }>
  const out = { connections: 0, devices: {} as Record<string, number>, floorSum: 0 }
  for (const r of rows) {
    out.connections += r.n
    out.floorSum += r.f
    if (r.device !== null) out.devices[r.device] = r.n
  }
  return out
}

test('ports: the counts kept by triggers equal the rows after random inserts, deletes, moves and rolled-back batches', () => {
  withPorts((p, db) => {
    let seed = 7
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const live = new Set<string>()
    const nets = ['n', 'm']
    for (let i = 0; i < 600; i++) {
      const op = rnd(10)
      const uuid = `u${rnd(80)}`
      if (op < 5 && !live.has(uuid)) {
        const device = rnd(3) === 0 ? undefined : `eth${rnd(4)}`
        p.insert(row(uuid, { network: nets[rnd(2)]!, device, floor: rnd(4) * 10 }))
        live.add(uuid)
      } else if (op < 8 && live.has(uuid)) {
        assert.equal(p.delete('netns:a', uuid), true)
        live.delete(uuid)
      } else if (op === 8 && live.has(uuid)) {
        db.prepare('UPDATE network_ports SET device = ?, floor = ?, network = ? WHERE target = ? AND uuid = ?').run(rnd(2) === 0 ? null : `eth${rnd(4)}`, rnd(4), nets[rnd(2)], 'netns:a', uuid)
      } else {
        assert.throws(() =>
          p.atomically(() => {
            p.insert(row(`tmp${i}`, { device: 'eth0', floor: 5 }))
            if (live.has(uuid)) p.delete('netns:a', uuid)
            throw new Error('rolled back')
          }),
        /rolled back/)
      }
      if (i % 50 === 0 || i === 599) {
        for (const n of nets) {
          const { classIds: _ignored, ...kept } = p.usage('netns:a', n)
          assert.deepEqual(kept, usageFromRows(db, 'netns:a', n), `after step ${i}, network ${n}`)
        }
      }
    }
    assert.equal(p.count('netns:a', 'n') + p.count('netns:a', 'm'), live.size)
  })
})

test('networks: cached statements see every change; atomically rolls back on a throw', () => {
  withPorts((_p, db) => {
    const n = new NetworkStore(db, () => 1)
    n.insert({ target: 'host', name: 'x', uuid: 'u', configXml: '<a/>', status: 'inactive' })
    assert.equal(n.get('host', 'x')?.configXml, '<a/>')
    n.setConfig('host', 'x', '<b/>')
    assert.equal(n.get('host', 'x')?.configXml, '<b/>')
    assert.throws(() =>
      n.atomically(() => {
        n.setConfig('host', 'x', '<c/>')
        throw new Error('undo')
      }),
    /undo/)
    assert.equal(n.get('host', 'x')?.configXml, '<b/>')
    assert.equal(n.delete('host', 'x'), true)
    assert.equal(n.get('host', 'x'), undefined)
  })
})
