import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderCreate } from './render-create.js'
import { bondCreateOptions } from './bond-defaults.js'

test('a bond is created with only its non-default options and no runtime state', () => {
  // what a query reports for a balance-xor bond (abridged): defaults the kernel refuses in this mode, the active port
  const queried = {
    miimon: 100,
    updelay: 0,
    lacp_rate: 'slow',
    packets_per_slave: 1,
    tlb_dynamic_lb: 1,
    xmit_hash_policy: 'layer2+3',
    active_slave: 'eth2',
  }
  assert.deepEqual(bondCreateOptions(queried), { miimon: 100, xmit_hash_policy: 'layer2+3' })
  assert.deepEqual(renderCreate({ name: 'bond0', type: 'bond', bond: { mode: 'balance-xor', options: queried } }), [
    'link add name bond0 type bond mode balance-xor miimon 100 xmit_hash_policy layer2+3',
  ])
  assert.deepEqual(bondCreateOptions({ miimon: 0, updelay: '200', primary: '' }), { updelay: '200' })
})
