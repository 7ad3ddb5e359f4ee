import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { MacAddr } from '../../model/values/mac.js'
import { commandLine } from './command.js'
import type { ShapingCommand } from './command.js'
import { renderInterfaceBandwidth, renderNetworkBandwidth, optimalQuantum } from './render-interface.js'
import { renderFloorPlugAndRebalance, renderFloorUnplugAndRebalance, renderUpdateFloorFilter } from './render-floor.js'
import { renderOvsQos } from './render-ovs.js'
import { ovsQosOps } from './ovs-ops.js'

const lines = (cmds: readonly ShapingCommand[]): string[] => cmds.map((c) => `${c.ignoreFailure ? '-' : ''}${commandLine(c)}`)
const net = { inbound: { average: 1000, peak: 5000, burst: 1024 }, outbound: { average: 2000 } }

test('the network bridge tree: 1:1 at the network rate, default class 1:2, sfq, fw filter, ingress policer', () => {
  assert.deepEqual(lines(renderNetworkBandwidth('virbr1', net)), [
    '-tc qdisc del dev virbr1 root',
    '-tc qdisc del dev virbr1 ingress',
    'tc qdisc add dev virbr1 root handle 1: htb default 2',
    'tc class add dev virbr1 parent 1: classid 1:1 htb rate 1000kbps ceil 5000kbps quantum 85',
    'tc class add dev virbr1 parent 1:1 classid 1:2 htb rate 1000kbps ceil 5000kbps burst 1024kb quantum 85',
    'tc qdisc add dev virbr1 parent 1:2 handle 2: sfq perturb 10',
    'tc filter add dev virbr1 parent 1:0 protocol all prio 1 handle 1 fw flowid 1',
    'tc qdisc add dev virbr1 ingress',
    'tc filter add dev virbr1 parent ffff: protocol all u32 match u32 0 0 police rate 2000kbps burst 2000kb mtu 64kb drop flowid :1',
  ])
})

test('without swapping (macvtap) inbound is policed and outbound shaped', () => {
  const bw = { inbound: { average: 10 }, outbound: { average: 20, peak: 40 } }
  assert.deepEqual(lines(renderInterfaceBandwidth('macvtap0', bw, { swapped: false })).slice(2), [
    'tc qdisc add dev macvtap0 root handle 1: htb default 1',
    'tc class add dev macvtap0 parent 1: classid 1:1 htb rate 20kbps ceil 40kbps quantum 1',
    'tc qdisc add dev macvtap0 parent 1:1 handle 2: sfq perturb 10',
    'tc filter add dev macvtap0 parent 1:0 protocol all prio 1 handle 1 fw flowid 1',
    'tc qdisc add dev macvtap0 ingress',
    'tc filter add dev macvtap0 parent ffff: protocol all u32 match u32 0 0 police rate 10kbps burst 10kb mtu 64kb drop flowid :1',
  ])
  assert.deepEqual(renderInterfaceBandwidth('x', undefined, { swapped: true }), [])
  assert.equal(optimalQuantum({ average: 1 }), '1')
  assert.equal(optimalQuantum({ average: 2 ** 53 - 1 }), '768614336404564')
})

test('a floor port: class 1:<hex id>, sfq <hex>:, u32 filter on the destination MAC (handle 800::<decimal>)', () => {
  const mac = '52:54:00:ab:cd:ef' as MacAddr
  const cmds = renderFloorPlugAndRebalance({ bridge: 'virbr1', networkBandwidth: net, mac, portBandwidth: { inbound: { average: 3000, floor: 200 } }, classId: 10, defaultClassRate: 4800 })
  assert.deepEqual(lines(cmds), [
    'tc class add dev virbr1 parent 1:1 classid 1:a htb rate 200kbps ceil 5000kbps quantum 256',
    'tc qdisc add dev virbr1 parent 1:a handle a: sfq perturb 10',
    'tc filter add dev virbr1 protocol ip prio 2 handle 800::10 u32 match u16 0x0800 0xffff at -2 match u32 0x00abcdef 0xffffffff at -12 match u16 0x5254 0xffff at -14 flowid 1:a',
    '-tc class change dev virbr1 classid 1:2 htb rate 4800kbps ceil 5000kbps quantum 85',
  ])
  assert.deepEqual(lines(renderFloorUnplugAndRebalance('virbr1', net, 10, 5000)), [
    '-tc qdisc del dev virbr1 handle a:',
    '-tc filter del dev virbr1 prio 2 handle 800::10 u32',
    '-tc class del dev virbr1 classid 1:a',
    '-tc class change dev virbr1 classid 1:2 htb rate 5000kbps ceil 5000kbps quantum 85',
  ])
  assert.equal(lines(renderUpdateFloorFilter('virbr1', mac, 3))[0], '-tc filter del dev virbr1 prio 2 handle 800::3 u32')
  assert.throws(() => renderFloorUnplugAndRebalance('virbr1', net, 2, 0), /Invalid class ID 2/)
  assert.throws(
    () => renderFloorPlugAndRebalance({ bridge: 'b', networkBandwidth: undefined, mac, portBandwidth: { inbound: { floor: 1 } }, classId: 3, defaultClassRate: 0 }),
    /Bridge 'b' has no QoS set/,
  )
})

test('OVS: with rows found libvirt updates the queue and the QoS instead of creating them', () => {
  const bw = { inbound: { average: 1, peak: 2 }, outbound: { average: 3 } }
  const found = { queues: ['q-1'], qos: ['qos-1'] }
  assert.deepEqual(lines(renderOvsQos('vnet0', bw, 'vm', { swapped: true, found })).slice(2), [
    `ovs-vsctl --timeout=5 set queue q-1 other_config:min-rate=8000 other_config:max-rate=16000 'external-ids:vm-id="vm"' 'external-ids:ifname="vnet0"'`,
    `ovs-vsctl --timeout=5 set qos qos-1 other_config:min-rate=8000 other_config:max-rate=16000 'external-ids:vm-id="vm"' 'external-ids:ifname="vnet0"'`,
    'ovs-vsctl --timeout=5 set Interface vnet0 ingress_policing_rate=24',
  ])
  const clear = renderOvsQos('vnet0', { outbound: { average: 3 } }, 'vm', { swapped: true, found: { ...found, portHasQos: true } })
  assert.deepEqual(lines(clear).slice(2), [
    '-ovs-vsctl --timeout=5 --no-heading --columns=_uuid --if-exists list port vnet0 qos',
    '-ovs-vsctl --timeout=5 remove port vnet0 qos qos-1',
    '-ovs-vsctl --timeout=5 destroy qos qos-1',
    '-ovs-vsctl --timeout=5 destroy queue q-1',
    'ovs-vsctl --timeout=5 set Interface vnet0 ingress_policing_rate=24',
  ])
})

test('OVS as OVSDB operations: a queue, a QoS referencing it, the port and the interface', () => {
  const ops = ovsQosOps('vnet0', { inbound: { average: 1024 }, outbound: { average: 5, burst: 7 } }, 'vm', { swapped: true })
  assert.deepEqual(ops.map((o) => `${o.op} ${'table' in o ? o.table : ''}`), ['insert Queue', 'insert QoS', 'update Port', 'mutate Port', 'update Interface'])
  assert.deepEqual(ops[0], {
    op: 'insert', table: 'Queue', 'uuid-name': 'queue0',
    row: { other_config: ['map', [['min-rate', '8192000']]], external_ids: ['map', [['vm-id', 'vm'], ['ifname', 'vnet0']]] },
  })
  assert.deepEqual(ops[4], { op: 'update', table: 'Interface', where: [['name', '==', 'vnet0']], row: { ingress_policing_rate: 40, ingress_policing_burst: 56 } })
  const cleared = ovsQosOps('vnet0', {}, 'vm', { swapped: true, found: { queues: ['q'], qos: ['r'] } })
  assert.deepEqual(cleared.map((o) => o.op), ['mutate', 'delete', 'delete', 'update'])
})
