import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ValidationError } from '../../errors.js'
import {
  MAX_RECORD_BYTES,
  checkHostDocument,
  checkHostRecord,
  checkHostStatus,
  checkLogicalNetwork,
  labelsMatch,
  parseLabel,
  readRecord,
} from './records.js'

function refused(fn: () => unknown, path: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ValidationError, String(e))
    assert.equal(e.path, path)
    assert.match(e.message, message)
    return true
  })
}

test('host record: address canonical, labels and physical networks checked, unknown fields refused', () => {
  const h = checkHostRecord({ id: 'h1', address: '10.0.0.1', labels: { rack: 'a' }, physical: { phys0: 'eth1' }, underlayMtu: 9000 })
  assert.deepEqual(h, { id: 'h1', address: '10.0.0.1', labels: { rack: 'a' }, physical: { phys0: 'eth1' }, underlayMtu: 9000 })
  assert.deepEqual(checkHostRecord({ id: 'h2', address: '2001:DB8::0001' }).address, '2001:db8::1')
  refused(() => checkHostRecord({ id: 'h1', address: '10.0.0.300' }), '/address', /address of host 'h1'/)
  refused(() => checkHostRecord({ id: '-h', address: '10.0.0.1' }), '/id', /host id/)
  refused(() => checkHostRecord({ id: 'h1', address: '10.0.0.1', labels: { rack: 'a b' } }), '/labels/rack', /value of 'rack'/)
  refused(() => checkHostRecord({ id: 'h1', address: '10.0.0.1', colour: 'red' }), '/colour', /unknown field 'colour'/)
  refused(() => checkHostRecord({ id: 'h1', address: '10.0.0.1', physical: { p: 'hnp0' } }), '/physical/p', /interface of physical network 'p'/)
  refused(() => checkHostRecord({ id: 'h1', address: '10.0.0.1', underlayMtu: 100 }), '/underlayMtu', /1280\.\.65535/)
})

test('logical network: VXLAN and VLAN segments, VNI and VLAN id ranges, bridge name rule', () => {
  const n = checkLogicalNetwork({ name: 'blue', segment: { kind: 'vxlan', vni: 10001 }, bridge: 'vbr10001' })
  assert.deepEqual(n, { name: 'blue', segment: { kind: 'vxlan', vni: 10001 }, bridge: 'vbr10001', hosts: {} })
  const v = checkLogicalNetwork({ name: 'red', segment: { kind: 'vlan', physical: 'phys0', vlanId: 42 }, bridge: 'br42', hosts: { rack: 'a' }, mtu: 1400 })
  assert.deepEqual(v.segment, { kind: 'vlan', physical: 'phys0', vlanId: 42 })
  assert.equal(v.mtu, 1400)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'vxlan', vni: 0 }, bridge: 'x' }), '/segment/vni', /VNI of logical network 'b'/)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'vxlan', vni: 2 ** 24 }, bridge: 'x' }), '/segment/vni', /1\.\.16777215/)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'vlan', physical: 'p', vlanId: 4095 }, bridge: 'x' }), '/segment/vlanId', /VLAN id/)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'gre' }, bridge: 'x' }), '/segment/kind', /'vxlan' or 'vlan'/)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'vxlan', vni: 5 }, bridge: 'hngc1' }), '/bridge', /bridge of logical network 'b'/)
  refused(() => checkLogicalNetwork({ name: 'b', segment: { kind: 'vxlan', vni: 5 }, bridge: 'averyveryverylongname' }), '/bridge', /15 bytes/)
  assert.equal(checkLogicalNetwork({ name: 'u', uuid: 'C0FFEE00-0000-4000-8000-000000000001', segment: { kind: 'vxlan', vni: 5 }, bridge: 'x' }).uuid, 'c0ffee00-0000-4000-8000-000000000001')
  refused(() => checkLogicalNetwork({ name: 'u', uuid: 'nope', segment: { kind: 'vxlan', vni: 5 }, bridge: 'x' }), '/uuid', /UUID of logical network 'u'/)
  refused(() => checkLogicalNetwork({ name: 'a/b', segment: { kind: 'vxlan', vni: 5 }, bridge: 'x' }), '/name', /logical network name/)
})

test('host document: exactly one of host and labels; format yaml or json', () => {
  assert.deepEqual(checkHostDocument({ name: 'd', labels: { rack: 'a' }, format: 'yaml', text: 'interfaces: []\n' }).labels, { rack: 'a' })
  assert.equal(checkHostDocument({ name: 'd', host: 'h3', format: 'json', text: '{}' }).host, 'h3')
  refused(() => checkHostDocument({ name: 'd', format: 'yaml', text: '' }), '/host', /exactly one of host and labels/)
  refused(() => checkHostDocument({ name: 'd', host: 'h', labels: {}, format: 'yaml', text: '' }), '/host', /exactly one/)
  refused(() => checkHostDocument({ name: 'd', host: 'h', format: 'xml', text: '' }), '/format', /'yaml' or 'json'/)
})

test('labels: KEY=VALUE parsing and matching (every selector label must be present and equal)', () => {
  assert.deepEqual(parseLabel('rack=a'), ['rack', 'a'])
  assert.deepEqual(parseLabel('empty='), ['empty', ''])
  refused(() => parseLabel('rack'), '/labels', /not KEY=VALUE/)
  assert.equal(labelsMatch({}, { rack: 'a' }), true)
  assert.equal(labelsMatch({ rack: 'a' }, { rack: 'a', row: '1' }), true)
  assert.equal(labelsMatch({ rack: 'a' }, { rack: 'b' }), false)
  assert.equal(labelsMatch({ rack: 'a' }, {}), false)
})

test('stored records: bounded, JSON, checked; a status report reads leniently but keeps its host', () => {
  refused(() => readRecord('x'.repeat(MAX_RECORD_BYTES + 1), checkHostRecord, 'host'), '', /at most/)
  refused(() => readRecord('{', checkHostRecord, 'host'), '', /not JSON/)
  const s = readRecord(JSON.stringify({ hostId: 'h1', revision: 7, state: 'converged', failures: [{ object: 'network n', message: 'm', path: '/mtu' }], networks: ['n'] }), checkHostStatus, 'status')
  assert.deepEqual([s.hostId, s.revision, s.state, s.failures, s.networks, s.documents], ['h1', 7, 'converged', [{ object: 'network n', message: 'm', path: '/mtu' }], ['n'], []])
  assert.equal(checkHostStatus({ hostId: 'h1', state: 'weird' }).state, 'failed')
})
