import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError, RollbackError } from '../../src/errors.js'
import { Reverter, withReverter } from '../../src/txn/reverter.js'

test('Reverter runs undos newest first and keeps going past failures', async () => {
  const r = new Reverter()
  const ran: string[] = []
  r.add('a', () => ran.push('a'))
  r.add('b', () => {
    ran.push('b')
    throw new HostnetError('backend-failure', 'b broke')
  })
  r.add('c', async () => {
    ran.push('c')
  })
  assert.equal(r.size, 3)
  const failures = await r.revert()
  assert.deepEqual(ran, ['c', 'b', 'a'])
  assert.equal(failures.length, 1)
  assert.equal(failures[0]?.label, 'b')
  assert.equal(r.size, 0)
  assert.deepEqual(await r.revert(), [])
})

test('withReverter: success drops the undos; failure reverts and rethrows the original error', async () => {
  const ran: string[] = ['start']
  assert.equal(
    await withReverter(async (r) => {
      r.add('x', () => ran.push('x'))
      return 42
    }),
    42,
  )
  assert.deepEqual(ran, ['start'])
  const original = new HostnetError('backend-failure', 'step 2 failed')
  await assert.rejects(
    withReverter(async (r) => {
      r.add('undo step 1', () => ran.push('undo 1'))
      throw original
    }),
    (e) => e === original,
  )
  assert.deepEqual(ran, ['start', 'undo 1'])
})

test('withReverter: a failing undo gives a RollbackError whose cause is the original', async () => {
  const original = new HostnetError('backend-failure', 'step 3 failed')
  await assert.rejects(
    withReverter(async (r) => {
      r.add('delete bridge', () => {
        throw new HostnetError('not-found', 'no such device')
      })
      throw original
    }),
    (e: unknown) => {
      assert.ok(e instanceof RollbackError)
      assert.equal(e.cause, original)
      assert.match(e.message, /step 3 failed.*delete bridge: no such device/)
      assert.equal((e.errors[0] as HostnetError).kind, 'not-found')
      return true
    },
  )
})
