import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import { parseCidr, parseIpAddr } from '../../model/values/ip.js'
import { renderLinkOps, type LinkOp } from './link-ops.js'
import { bridgeBatch } from './net-bridge.js'

const lines = (ops: LinkOp[]): string[] => renderLinkOps(ops).lines

test('port devices render to the lines the port driver always ran', () => {
  assert.deepEqual(
    lines([
      { kind: 'tap.add', name: 'hnp1', vnetHdr: true },
      { kind: 'link.set', name: 'hnp1', mac: 'fe:54:00:00:00:01', mtu: 1400, controller: 'br0', state: 'up' },
      { kind: 'link.set', name: 'hnp1', bridgePort: { isolated: true } },
      { kind: 'link.add', name: 'vg-a', mac: 'fe:54:00:00:00:02', controller: 'br0', up: true, type: { kind: 'veth', peer: { name: 'eth0', netns: 'lab-g-a', mac: '52:54:00:00:00:02' } } },
      { kind: 'link.add', name: 'hnp2', lower: 'eth2', mac: '52:54:00:00:00:03', up: true, type: { kind: 'macvtap', mode: 'vepa' } },
      { kind: 'link.set', name: 'hnp2', netns: 'lab-g-b', rename: 'eth0' },
      { kind: 'links.delete', names: ['hnp1', 'hnp2'], group: 1234 },
      { kind: 'links.delete', names: ['hnp3'], group: 1234 },
    ]),
    [
      'tuntap add dev hnp1 mode tap vnet_hdr',
      'link set dev hnp1 address fe:54:00:00:00:01 mtu 1400 master br0 up',
      'link set dev hnp1 type bridge_slave isolated on',
      'link add name vg-a address fe:54:00:00:00:02 master br0 up type veth peer name eth0 netns lab-g-a address 52:54:00:00:00:02',
      'link add link eth2 name hnp2 address 52:54:00:00:00:03 up type macvtap mode vepa',
      'link set dev hnp2 netns lab-g-b name eth0',
      'link set dev hnp1 group 1234',
      'link set dev hnp2 group 1234',
      'link delete group 1234',
      'link delete dev hnp3',
    ],
  )
})

test('addresses and routes are typed values, rendered canonically', () => {
  assert.deepEqual(
    lines([
      { kind: 'addr.add', dev: 'up0', address: parseCidr('203.0.113.1/24') },
      { kind: 'addr.add', dev: 'br0', address: parseCidr('192.168.1.1/24'), broadcast: true },
      { kind: 'addr.add', dev: 'br0', address: parseCidr('2001:0db8::0001/64'), nodad: true },
      { kind: 'route.replace', destination: 'default', via: parseIpAddr('203.0.113.2') },
      { kind: 'route.add', destination: parseCidr('255.255.255.255/32'), dev: 'eth0' },
      { kind: 'addr.flush', dev: 'br0' },
    ]),
    [
      'address add 203.0.113.1/24 dev up0',
      'address add 192.168.1.1/24 broadcast + dev br0',
      'address add 2001:db8::1/64 dev br0 nodad',
      'route replace default via 203.0.113.2',
      'route add 255.255.255.255/32 dev eth0',
      'address flush dev br0',
    ],
  )
})

test('a network bridge: one batch with addrgenmode off without IPv6, nodad with it', () => {
  const spec = { name: 'virbr1', stp: true, delaySec: 0, addresses: [parseCidr('10.1.0.1/24')], routes: [{ destination: parseCidr('10.9.0.0/16'), gateway: parseIpAddr('10.1.0.9') }] }
  assert.deepEqual(bridgeBatch(spec), [
    'link add name virbr1 type bridge stp_state 1 forward_delay 0',
    'link set dev virbr1 addrgenmode none',
    'address add 10.1.0.1/24 broadcast + dev virbr1',
    'link set dev virbr1 up',
    'route add 10.9.0.0/16 via 10.1.0.9 dev virbr1 proto static',
  ])
  const v6 = bridgeBatch({ ...spec, addresses: [parseCidr('fd00::1/64')], routes: [] })
  assert.deepEqual(v6, ['link add name virbr1 type bridge stp_state 1 forward_delay 0', 'address add fd00::1/64 dev virbr1 nodad', 'link set dev virbr1 up'])
})

test('the token guard refuses values that would change the meaning of a line', () => {
  const refused = (op: LinkOp, re: RegExp): void => {
    assert.throws(() => renderLinkOps([op]), (e: unknown) => e instanceof HostnetError && re.test(e.message))
  }
  refused({ kind: 'link.set', name: 'eth0 up', state: 'down' }, /invalid interface name 'eth0 up'/)
  refused({ kind: 'link.set', name: 'x#y', state: 'up' }, /cannot be written to an ip batch: it contains '#'/)
  refused({ kind: 'link.set', name: 'eth0', netns: 'ns #1' }, /invalid network namespace name/)
  refused({ kind: 'link.set', name: 'eth0', mac: '52:54:00:00:00:01 up' }, /unable to parse MAC address/)
  refused({ kind: 'link.set', name: 'eth0' }, /nothing to set on link 'eth0'/)
  refused({ kind: 'link.add', name: 'm0', lower: 'eth0', type: { kind: 'macvtap', mode: 'vepa up' as 'vepa' } }, /invalid macvtap mode/)
  refused({ kind: 'addr.add', dev: 'eth0', address: { addr: parseIpAddr('10.0.0.1'), prefix: 33 } }, /invalid prefix 33/)
  refused({ kind: 'links.delete', names: ['a', 'b'], group: -1 }, /invalid delete group/)
})
