import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mapEntries, namedUuid, optionalNumber, ovsMap, ovsOptional, ovsSet, setElements, stringMap, uuidAtom, uuidOf, uuidSet } from './atoms.js'
import { formatOvsdbAddress, parseOvsdbAddress } from './address.js'
import { Op, byUuid, cond, eq, mutation } from './ops.js'
import { OvsdbProtocolError } from './errors.js'
import { ValidationError } from '../../errors.js'

const U1 = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'

test('atoms: builders produce the RFC 7047 wire forms', () => {
  assert.deepEqual(uuidAtom(U1), ['uuid', U1])
  assert.deepEqual(namedUuid('row1'), ['named-uuid', 'row1'])
  assert.deepEqual(ovsSet([1, 2]), ['set', [1, 2]])
  assert.deepEqual(ovsOptional(undefined), ['set', []])
  assert.equal(ovsOptional(7), 7)
  assert.deepEqual(ovsMap({ a: 'x', b: 'y' }), ['map', [['a', 'x'], ['b', 'y']]])
  assert.deepEqual(ovsMap(new Map([[1, 'one']])), ['map', [[1, 'one']]])
})

test('atoms: readers accept a bare atom as a one-element set', () => {
  assert.deepEqual(setElements(5), [5])
  assert.deepEqual(setElements(['set', [1, 2]]), [1, 2])
  assert.deepEqual(setElements(undefined), [])
  assert.deepEqual(uuidSet(['uuid', U1]), [U1])
  assert.deepEqual(uuidSet(['set', [['uuid', U1]]]), [U1])
  assert.equal(optionalNumber(['set', []]), undefined)
  assert.equal(optionalNumber(10), 10)
  assert.deepEqual(stringMap(['map', [['k', 'v']]]), { k: 'v' })
  assert.equal(uuidOf(['uuid', U1]), U1)
})

test('atoms: readers reject the wrong shape with a protocol error', () => {
  assert.throws(() => setElements(['map', []]), OvsdbProtocolError)
  assert.throws(() => mapEntries(['set', []]), OvsdbProtocolError)
  assert.throws(() => uuidOf('not-a-uuid'), OvsdbProtocolError)
  assert.throws(() => optionalNumber(['set', [1, 2]]), /at most one/)
})

test('ops: builders produce plain JSON operations', () => {
  assert.deepEqual(Op.insert('Port', { name: 'p' }, 'p1'), { op: 'insert', table: 'Port', row: { name: 'p' }, 'uuid-name': 'p1' })
  assert.deepEqual(Op.insert('Port', { name: 'p' }), { op: 'insert', table: 'Port', row: { name: 'p' } })
  assert.deepEqual(Op.select('Bridge', [eq('name', 'br0')], ['ports']), { op: 'select', table: 'Bridge', where: [['name', '==', 'br0']], columns: ['ports'] })
  assert.deepEqual(Op.mutate('Open_vSwitch', [], [mutation('next_cfg', '+=', 1)]), { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] })
  assert.deepEqual(Op.delete('Port', [byUuid(U1)]), { op: 'delete', table: 'Port', where: [['_uuid', '==', ['uuid', U1]]] })
  assert.deepEqual(Op.wait('Bridge', [cond('name', '!=', 'x')], { columns: ['name'], until: '==', rows: [], timeoutMs: 0 }), {
    op: 'wait', table: 'Bridge', where: [['name', '!=', 'x']], columns: ['name'], until: '==', rows: [], timeout: 0,
  })
  assert.deepEqual(Op.comment('c'), { op: 'comment', comment: 'c' })
  assert.deepEqual(Op.abort(), { op: 'abort' })
  assert.deepEqual(JSON.parse(JSON.stringify(Op.update('Port', [], { tag: 5 }))), { op: 'update', table: 'Port', where: [], row: { tag: 5 } })
})

test('address: unix and tcp forms round-trip; bad ones are validation errors', () => {
  for (const a of ['unix:/run/x/db.sock', 'tcp:127.0.0.1:6640', 'tcp:[::1]:6640', 'tcp:ovs.example:1']) {
    assert.equal(formatOvsdbAddress(parseOvsdbAddress(a)), a)
  }
  assert.deepEqual(parseOvsdbAddress('tcp:[::1]:6640'), { kind: 'tcp', host: '::1', port: 6640 })
  for (const bad of ['unix:', 'tcp:host', 'tcp:host:0', 'tcp:host:70000', 'ssl:1.2.3.4:6640', '/run/db.sock']) {
    assert.throws(() => parseOvsdbAddress(bad), ValidationError, bad)
  }
})
