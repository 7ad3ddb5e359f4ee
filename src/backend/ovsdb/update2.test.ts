import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyMapDiff, applySetDiff, update2ToUpdates } from './update2.js'
import { parseSchema } from './schema.js'
import { OvsdbProtocolError } from './errors.js'

const U = '00000000-0000-4000-8000-000000000001'
const V = '00000000-0000-4000-8000-000000000002'

const schema = parseSchema({
  name: 'T',
  version: '1',
  tables: {
    Port: {
      columns: {
        name: { type: 'string' },
        tag: { type: { key: 'integer', min: 0, max: 1 } },
        trunks: { type: { key: 'integer', min: 0, max: 'unlimited' } },
        interfaces: { type: { key: { type: 'uuid' }, min: 1, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
  },
})

test('update2: set diffs are symmetric differences (bare atoms included)', () => {
  assert.deepEqual(applySetDiff(['set', [1, 2, 3]], ['set', [2, 4]]), ['set', [1, 3, 4]])
  assert.deepEqual(applySetDiff(10, ['set', [10, 42]]), ['set', [42]])
  assert.deepEqual(applySetDiff(['uuid', U], ['uuid', V]), ['set', [['uuid', U], ['uuid', V]]])
})

test('update2: map diffs add, remove (same value) and replace (other value)', () => {
  const old = ['map', [['a', '1'], ['b', '2'], ['c', '3']]] as const
  assert.deepEqual(applyMapDiff(old, ['map', [['a', '1'], ['b', '9'], ['d', '4']]]), ['map', [['b', '9'], ['c', '3'], ['d', '4']]])
})

test('update2: initial/insert/modify/delete become cache updates with full rows', () => {
  const old = { name: 'p', tag: 10, trunks: ['set', [1, 2]], interfaces: ['uuid', U], external_ids: ['map', [['k', 'v']]] } as const
  const rows: Record<string, typeof old> = { [U]: old }
  const out = update2ToUpdates(
    schema,
    {
      Port: {
        [U]: { modify: { tag: ['set', [10, 11]], trunks: 2, external_ids: ['map', [['k', 'v'], ['n', 'x']]] } },
        [V]: { insert: { name: 'q' } },
        ['00000000-0000-4000-8000-000000000003']: { delete: null },
      },
    },
    (_t, u) => rows[u],
  )
  assert.deepEqual(out['Port']?.[U], { old, new: { ...old, tag: ['set', [11]], trunks: ['set', [1]], external_ids: ['map', [['n', 'x']]] } })
  assert.deepEqual(out['Port']?.[V], { new: { name: 'q' } })
  assert.deepEqual(out['Port']?.['00000000-0000-4000-8000-000000000003'], { old: {} })
  assert.throws(() => update2ToUpdates(schema, { Port: { [V]: { modify: { tag: 1 } } } }, () => undefined), OvsdbProtocolError)
  assert.throws(() => update2ToUpdates(schema, { Port: { [U]: { modify: { nope: 1 } } } }, (_t, u) => rows[u]), /unknown column/)
})
