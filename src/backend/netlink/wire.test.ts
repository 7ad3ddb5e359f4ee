import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cstring, decodeMessage, encodeMessage, fromHex, ifinfomsg, linkMessageAttrs, NL_MSG_MAX, parseAttrs, toHex, u16, u8 } from './wire.js'

test('attributes are padded to 4 bytes, nested lengths cover their children, types keep their numbers', () => {
  const b = encodeMessage({ type: 19, flags: 1, seq: 7, fixed: ifinfomsg(3), attrs: [{ type: 3, data: cstring('ab') }, { type: 24, nested: [{ type: 1, nested: [{ type: 6, data: u8(2) }] }] }] })
  assert.equal(b.length, 16 + 16 + 8 + 4 + 4 + 8)
  const { ifindex, attrs } = linkMessageAttrs(decodeMessage(b))
  assert.equal(ifindex, 3)
  assert.deepEqual(attrs.map((a) => [a.type, a.data.length]), [[3, 3], [24, 12]])
  const inner = parseAttrs(parseAttrs(attrs[1]!.data)[0]!.data)
  assert.deepEqual(inner.map((a) => [a.type, [...a.data]]), [[6, [2]]])
  assert.equal(toHex(fromHex(toHex(b))), toHex(b))
})

test('decoding refuses overruns, short headers, non-hex and oversize input', () => {
  assert.throws(() => decodeMessage(new Uint8Array(8)), /shorter than its header/)
  const bad = encodeMessage({ type: 16, flags: 0, seq: 0, fixed: new Uint8Array(0), attrs: [{ type: 1, data: u16(1) }] })
  new DataView(bad.buffer).setUint16(16, 40, true) // the attribute claims more than there is
  assert.throws(() => parseAttrs(decodeMessage(bad).payload), /overruns its parent/)
  assert.throws(() => fromHex('zz'), /not hex/)
  assert.throws(() => fromHex('00'.repeat(NL_MSG_MAX + 1)), /at most/)
})
