import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bridgeFromRow, interfaceFromRow, openVSwitchFromRow, portFromRow } from './vswitch-rows.js'
import { addBridgeOps, addPortsOps, deletePortsOps } from './vswitch-ops.js'
import { OvsdbProtocolError } from './errors.js'
import { ValidationError } from '../../errors.js'

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

test('rows: Port with tag, trunks and enums converts to plain values', () => {
  const p = portFromRow(U(1), {
    name: 'vnet0', interfaces: ['uuid', U(2)], tag: 10, trunks: ['set', [20, 30]], vlan_mode: 'native-untagged',
    bond_mode: ['set', []], lacp: ['set', []], mac: ['set', []], other_config: ['map', []], external_ids: ['map', [['iface-id', 'x']]],
  })
  assert.deepEqual({ ...p }, {
    uuid: U(1), name: 'vnet0', interfaces: [U(2)], tag: 10, trunks: [20, 30], vlanMode: 'native-untagged', bondMode: undefined, lacp: undefined,
    bondUpdelayMs: 0, bondDowndelayMs: 0, mac: undefined, otherConfig: {}, externalIds: { 'iface-id': 'x' },
  })
  assert.throws(() => portFromRow(U(1), { name: 'x', vlan_mode: 'bogus' }), OvsdbProtocolError)
})

test('rows: Bridge, Interface and Open_vSwitch', () => {
  const b = bridgeFromRow(U(3), { name: 'br0', datapath_type: 'netdev', ports: ['set', [['uuid', U(1)], ['uuid', U(4)]]], fail_mode: 'secure', stp_enable: false })
  assert.deepEqual([b.name, b.datapathType, b.ports, b.failMode, b.stpEnable], ['br0', 'netdev', [U(1), U(4)], 'secure', false])
  const i = interfaceFromRow(U(2), { name: 'vnet0', type: 'internal', mac_in_use: 'AA:BB:CC:00:11:22', ofport: 3, link_state: 'up', error: ['set', []] })
  assert.deepEqual([i.macInUse, i.ofport, i.linkState, i.error, i.type], ['aa:bb:cc:00:11:22', 3, 'up', undefined, 'internal'])
  const o = openVSwitchFromRow(U(5), { bridges: ['uuid', U(3)], next_cfg: 4, cur_cfg: 3, ovs_version: '3.1.0', external_ids: ['map', []] })
  assert.deepEqual([o.bridges, o.nextCfg, o.curCfg, o.ovsVersion], [[U(3)], 4, 3, '3.1.0'])
  assert.throws(() => bridgeFromRow(U(3), {}), /Bridge.name/)
})

test('vswitch ops: add ports links rows by named uuid behind a bridge precondition', () => {
  const ops = addPortsOps('br0', [{ name: 'p1', type: 'internal', tag: 10 }, { name: 'p2', trunks: [1, 2] }])
  assert.equal(ops.length, 6)
  assert.equal(ops[0]?.op, 'wait')
  const ins = ops.filter((o) => o.op === 'insert')
  assert.equal(ins.length, 4)
  const last = ops[5]!
  assert.ok(last.op === 'mutate' && last.table === 'Bridge')
  const refs = (last.mutations[0]![2] as unknown as [string, Array<[string, string]>])[1].map((r) => r[1])
  const portNames = ins.filter((o) => o.table === 'Port').map((o) => (o as { 'uuid-name'?: string })['uuid-name'])
  assert.deepEqual(refs, portNames)
  assert.throws(() => addPortsOps('br0', [{ name: 'p', tag: 4096 }]), ValidationError)
  assert.throws(() => addPortsOps('br0', [{ name: '' }]), ValidationError)
})

test('vswitch ops: two builders in one transaction use distinct named uuids', () => {
  const names = [...addBridgeOps({ name: 'a' }), ...addBridgeOps({ name: 'b' })].flatMap((o) => (o.op === 'insert' ? [o['uuid-name']] : []))
  assert.equal(new Set(names).size, names.length)
  assert.deepEqual(deletePortsOps('br0', [U(1)])[0], { op: 'mutate', table: 'Bridge', where: [['name', '==', 'br0']], mutations: [['ports', 'delete', ['set', [['uuid', U(1)]]]]] })
})
