import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { JsonStreamSplitter } from './json-splitter.js'
import { OvsdbProtocolError } from './errors.js'

test('splitter: many values in one chunk, with whitespace between', () => {
  const s = new JsonStreamSplitter()
  const out = s.push('{"id":1,"result":[]} \n{"id":2,"result":{"a":[1,2]}}[3]\r\n\t{"x":{}}')
  assert.deepEqual(out.map((t) => JSON.parse(t)), [{ id: 1, result: [] }, { id: 2, result: { a: [1, 2] } }, [3], { x: {} }])
  assert.equal(s.hasPartial, false)
})

test('splitter: a value split over many chunks, byte by byte', () => {
  const text = '{"method":"update","params":["m1",{"Bridge":{"u":{"new":{"name":"br0"}}}}],"id":null}'
  const s = new JsonStreamSplitter()
  const out: string[] = []
  for (const ch of text) out.push(...s.push(ch))
  assert.deepEqual(out, [text])
})

test('splitter: braces, brackets, quotes and escapes inside strings do not count', () => {
  const v = { a: 'x}y{z]', b: '\\"}', c: '[{"', d: 'back\\slash\\', e: 'quote " brace }' }
  const text = JSON.stringify(v)
  const s = new JsonStreamSplitter()
  const mid = Math.floor(text.length / 2)
  const out = [...s.push(text.slice(0, mid)), ...s.push(text.slice(mid) + JSON.stringify([v]))]
  assert.deepEqual(out.map((t) => JSON.parse(t)), [v, [v]])
})

test('splitter: an escaped backslash before a closing quote ends the string', () => {
  const s = new JsonStreamSplitter()
  assert.deepEqual(s.push('{"a":"\\\\"}{"b":1}'), ['{"a":"\\\\"}', '{"b":1}'])
})

test('splitter: a multi-byte UTF-8 character split across chunks is decoded whole', () => {
  const text = JSON.stringify({ name: 'brück-€-😀' })
  const bytes = Buffer.from(text, 'utf8')
  const s = new JsonStreamSplitter()
  const out: string[] = []
  for (let i = 0; i < bytes.length; i++) out.push(...s.push(bytes.subarray(i, i + 1)))
  assert.deepEqual(out.map((t) => JSON.parse(t)), [{ name: 'brück-€-😀' }])
})

test('splitter: garbage between messages is a protocol error', () => {
  const s = new JsonStreamSplitter()
  assert.throws(() => s.push('{"a":1} 42'), OvsdbProtocolError)
})

test('splitter: a value over the size limit is a protocol error', () => {
  const s = new JsonStreamSplitter({ maxValueBytes: 10 })
  s.push('{"a":"')
  assert.throws(() => s.push('0123456789'), /longer than 10 bytes/)
})

test('splitter: the caller may reuse its chunk buffer after push', () => {
  const s = new JsonStreamSplitter()
  const buf = Buffer.from('{"a":"xy')
  s.push(buf)
  buf.fill(0x20)
  assert.deepEqual(s.push('z"}'), ['{"a":"xyz"}'])
})

test('splitter (property): any chunking of concatenated values yields the values', () => {
  const jsonValue = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()))
  fc.assert(
    fc.property(fc.array(jsonValue, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (values, cuts) => {
      const bytes = Buffer.from(values.map((v) => JSON.stringify(v)).join(' '), 'utf8')
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const s = new JsonStreamSplitter()
      const out: string[] = []
      let prev = 0
      for (const p of [...points, bytes.length]) {
        out.push(...s.push(bytes.subarray(prev, p)))
        prev = p
      }
      assert.deepEqual(out.map((t) => JSON.parse(t)), values.map((v) => JSON.parse(JSON.stringify(v))))
    }),
    { numRuns: 300 },
  )
})

test('splitter: 20 MB of messages is split in linear time', () => {
  const msg = JSON.stringify({ method: 'update', params: ['m', { Port: { u: { new: { name: 'p'.repeat(100), tag: 5 } } } }], id: null })
  const big = Buffer.from(msg.repeat(100_000), 'utf8')
  const s = new JsonStreamSplitter()
  const t0 = process.cpuUsage() // CPU time: the machine's load must not fail a linearity check
  let n = 0
  for (let i = 0; i < big.length; i += 65536) n += s.push(big.subarray(i, i + 65536)).length
  const d = process.cpuUsage(t0)
  const ms = (d.user + d.system) / 1000
  assert.equal(n, 100_000)
  assert.ok(ms < 2000, `took ${ms} ms`)
})
