/**
 * The event hub over a real store and fake responses: live fan-out with filters, catch-up after Last-Event-ID
 * in pages with nothing missed or doubled while changes keep coming, the gap event after pruning, and a slow
 * subscriber dropped instead of buffered.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerResponse } from 'node:http'
import { openStore, type Store } from '../../store/index.js'
import { EventHub, MAX_BUFFERED_BYTES, PAGE } from './hub.js'

class FakeRes extends EventEmitter {
  text = ''
  /** Bytes "not yet sent": a stalled client keeps them all. */
  writableLength = 0
  destroyed = false
  ended = false
  constructor(readonly stalled = false) {
    super()
  }
  writeHead(): this {
    return this
  }
  write(s: string | Buffer): boolean {
    this.text += s.toString()
    if (this.stalled) this.writableLength += Buffer.byteLength(s)
    return true
  }
  end(): void {
    this.ended = true
  }
  destroy(): void {
    this.destroyed = true
    this.emit('close')
  }
  ids(): number[] {
    return [...this.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))
  }
}

function withStore(fn: (s: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-hub-'))
  const s = openStore(dir, { actor: 'cli:tester' })
  return fn(s).finally(() => {
    s.close()
    rmSync(dir, { recursive: true, force: true })
  })
}

function change(s: Store, kind: 'network.defined' | 'port.created', target = 'netns:a', object = 'n'): number {
  return s.changes.append({ target, kind, object, actor: 'cli:tester' })
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20))

test('hub: live subscribers get the changes their filters match, in order', async () => {
  await withStore(async (s) => {
    const hub = new EventHub(s)
    try {
      const all = new FakeRes()
      const ports = new FakeRes()
      const other = new FakeRes()
      await hub.subscribe(all as unknown as ServerResponse, {}, undefined)
      await hub.subscribe(ports as unknown as ServerResponse, { kinds: ['port.created'] }, undefined)
      await hub.subscribe(other as unknown as ServerResponse, { target: 'netns:b' }, undefined)
      const ids = [change(s, 'network.defined'), change(s, 'port.created'), change(s, 'port.created', 'netns:b')]
      hub.poke()
      await settle()
      assert.deepEqual(all.ids(), ids)
      assert.deepEqual(ports.ids(), [ids[1], ids[2]])
      assert.deepEqual(other.ids(), [ids[2]])
      assert.match(all.text, /^retry: \d+\n/)
      assert.match(all.text, /event: port\.created\ndata: \{"id":\d+,/)
    } finally {
      hub.close()
    }
  })
})

test('hub: without subscribers it reads nothing; one who comes later gets only what follows', async () => {
  await withStore(async (s) => {
    const hub = new EventHub(s)
    const list = s.changes.list.bind(s.changes)
    let reads = 0
    s.changes.list = (q) => {
      reads++
      return list(q)
    }
    try {
      for (let i = 0; i < 5; i++) change(s, 'port.created', 'netns:a', `before${i}`)
      hub.poke()
      await settle()
      assert.equal(reads, 0, 'no read of the record for nobody')
      const res = new FakeRes()
      await hub.subscribe(res as unknown as ServerResponse, {}, undefined)
      const after = [change(s, 'network.defined', 'netns:a', 'after')]
      hub.poke()
      await settle()
      assert.deepEqual(res.ids(), after)
    } finally {
      hub.close()
    }
  })
})

test('hub: a Last-Event-ID past the hub\'s position is not sent again what it has seen', async () => {
  await withStore(async (s) => {
    const hub = new EventHub(s)
    try {
      const a = new FakeRes()
      await hub.subscribe(a as unknown as ServerResponse, {}, undefined)
      // made before the hub reads them; b has seen them all already (it resumes from the last)
      const seen = [change(s, 'port.created'), change(s, 'port.created'), change(s, 'port.created')]
      const b = new FakeRes()
      await hub.subscribe(b as unknown as ServerResponse, {}, seen[2])
      hub.poke()
      await settle()
      assert.deepEqual(a.ids(), seen)
      assert.deepEqual(b.ids(), [])
      const next = change(s, 'network.defined')
      hub.poke()
      await settle()
      assert.deepEqual(b.ids(), [next])
    } finally {
      hub.close()
    }
  })
})

test('hub: Last-Event-ID catches up from the store in pages, then goes live, nothing missed or doubled', async () => {
  await withStore(async (s) => {
    const hub = new EventHub(s)
    try {
      const first = change(s, 'network.defined')
      const made = [first]
      for (let i = 0; i < PAGE * 2 + 7; i++) made.push(change(s, 'port.created', 'netns:a', `p${i}`))
      hub.poke()
      await settle()
      const res = new FakeRes()
      const catching = hub.subscribe(res as unknown as ServerResponse, {}, first)
      // changes keep coming while it catches up
      for (let i = 0; i < 5; i++) made.push(change(s, 'network.defined', 'netns:a', `late${i}`))
      hub.poke()
      await catching
      for (let i = 0; i < 3; i++) made.push(change(s, 'port.created', 'netns:a', `live${i}`))
      hub.poke()
      await settle()
      assert.deepEqual(res.ids(), made.slice(1))
    } finally {
      hub.close()
    }
  })
})

test('hub: a resume point older than the kept record gets a gap event first', async () => {
  await withStore(async (s) => {
    for (let i = 0; i < 10; i++) change(s, 'network.defined')
    s.db.prepare('DELETE FROM changes WHERE id <= 5').run()
    const hub = new EventHub(s)
    try {
      const res = new FakeRes()
      await hub.subscribe(res as unknown as ServerResponse, {}, 2)
      assert.match(res.text, /event: hostnet\.gap\ndata: \{"afterId":2,"oldestId":6\}/)
      assert.deepEqual(res.ids(), [6, 7, 8, 9, 10])
    } finally {
      hub.close()
    }
  })
})

test('hub: a subscriber that stops reading is dropped once MAX_BUFFERED_BYTES wait for it; the others go on', async () => {
  await withStore(async (s) => {
    const hub = new EventHub(s)
    try {
      const slow = new FakeRes(true)
      const fast = new FakeRes()
      await hub.subscribe(slow as unknown as ServerResponse, {}, undefined)
      await hub.subscribe(fast as unknown as ServerResponse, {}, undefined)
      let n = 0
      while (!slow.destroyed && n < 100_000) {
        for (let i = 0; i < 200; i++, n++) change(s, 'port.created', 'netns:a', `object-${'x'.repeat(100)}-${n}`)
        hub.poke()
        await settle()
      }
      assert.ok(slow.destroyed, 'the slow subscriber was dropped')
      assert.ok(slow.writableLength <= MAX_BUFFERED_BYTES + 200 * 600, `it held at most about the limit (${slow.writableLength})`)
      assert.equal(hub.size, 1)
      assert.equal(fast.ids().length, n, 'the fast one got everything')
    } finally {
      hub.close()
    }
  })
})
