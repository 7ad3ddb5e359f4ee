import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderCreate } from './render-create.js'
import { nonDefaultBondOptions } from './bond-defaults.js'

test('a bond is created with only its non-default options (a queried option set is accepted in every mode)', () => {
  const queried = { miimon: 0, updelay: 0, lacp_rate: 'slow', packets_per_slave: 1, tlb_dynamic_lb: 1, xmit_hash_policy: 'layer2+3', primary: 'eth1' }
  assert.deepEqual(nonDefaultBondOptions(queried), { xmit_hash_policy: 'layer2+3', primary: 'eth1' })
  assert.deepEqual(renderCreate({ name: 'bond0', type: 'bond', bond: { mode: 'balance-xor', options: queried } }), [
    'link add name bond0 type bond mode balance-xor primary eth1 xmit_hash_policy layer2+3',
  ])
  assert.deepEqual(nonDefaultBondOptions({ miimon: 100, updelay: '200' }), { miimon: 100, updelay: '200' })
})
