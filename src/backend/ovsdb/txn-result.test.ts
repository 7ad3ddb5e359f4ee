import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkTxnResult } from './txn-result.js'
import { OvsdbProtocolError, OvsdbTxnError } from './errors.js'
import { Op, eq } from './ops.js'

const ops = [Op.insert('Interface', { name: 'a' }, 'i'), Op.insert('Port', { name: 'a', interfaces: ['named-uuid', 'i'] }, 'p'), Op.comment('x')]
const U1 = '11111111-2222-4333-8444-555555555555'
const U2 = '66666666-7777-4888-8999-aaaaaaaaaaaa'

test('txn result: success returns one result per op', () => {
  const r = checkTxnResult('Open_vSwitch', ops, [{ uuid: ['uuid', U1] }, { uuid: ['uuid', U2] }, {}])
  assert.equal(r.length, 3)
  assert.deepEqual(r[1]?.uuid, ['uuid', U2])
})

test('txn result: an op error names the op index and carries error and details', () => {
  assert.throws(
    () => checkTxnResult('Open_vSwitch', [Op.update('Port', [eq('name', 'a')], { vlan_mode: 'bogus' })], [{ error: 'constraint violation', details: 'bogus is not one of the allowed values' }]),
    (e: unknown) => e instanceof OvsdbTxnError && e.opIndex === 0 && e.phase === 'operation' && e.kind === 'backend-failure' && e.ovsdbDetails === 'bogus is not one of the allowed values',
  )
})

test('txn result: a commit error after the last op blames the insert whose row it names', () => {
  const result = [{ uuid: ['uuid', U1] }, { uuid: ['uuid', U2] }, {}, { error: 'referential integrity violation', details: `Table Port column interfaces row ${U2} references nonexistent row` }]
  assert.throws(
    () => checkTxnResult('Open_vSwitch', ops, result),
    (e: unknown) => e instanceof OvsdbTxnError && e.phase === 'commit' && e.opIndex === 1 && /at commit \(row of operation 1 \(insert on 'Port'\)\)/.test(e.message),
  )
})

test('txn result: a duplicate index value is a conflict', () => {
  const details = `Transaction causes multiple rows in "Bridge" table to have identical values (br0) for index on column "name".  First row, with UUID ${U2}, existed in the database before this transaction.  Second row, with UUID ${U1}, was inserted by this transaction.`
  assert.throws(
    () => checkTxnResult('Open_vSwitch', ops, [{ uuid: ['uuid', U1] }, { uuid: ['uuid', '0'] }, {}, { error: 'constraint violation', details }]),
    (e: unknown) => e instanceof OvsdbTxnError && e.kind === 'conflict' && e.opIndex === 0,
  )
})

test('txn result: wait time-outs are timeouts, timeout-0 preconditions are conflicts', () => {
  const timed = { error: 'timed out', details: 'x' }
  const w = (timeoutMs: number) => Op.wait('Bridge', [], { columns: [], until: '==', rows: [], timeoutMs })
  assert.throws(() => checkTxnResult('db', [w(100)], [timed]), (e: unknown) => e instanceof OvsdbTxnError && e.kind === 'timeout')
  assert.throws(() => checkTxnResult('db', [w(0)], [timed]), (e: unknown) => e instanceof OvsdbTxnError && e.kind === 'conflict')
})

test('txn result: a short result without error and a non-array are protocol errors', () => {
  assert.throws(() => checkTxnResult('db', ops, [{}, {}]), OvsdbProtocolError)
  assert.throws(() => checkTxnResult('db', ops, { oops: 1 }), OvsdbProtocolError)
})
