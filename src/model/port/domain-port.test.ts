import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import type { DomainInterfaceDef } from '../domain-interface.js'
import { interfaceWithActual, portFromActual, portRequestFromInterface } from './domain-port.js'
import { MAC, OWNER, PORT_UUID, uuidCounter } from './test-fixtures.js'
import type { NetworkPortDef } from '../networkport.js'

const iface: DomainInterfaceDef = {
  type: 'network',
  network: 'red',
  portGroup: 'web',
  mac: MAC,
  vlan: { tags: [5], trunk: false },
  trustGuestRxFilters: true,
}

test('portRequestFromInterface copies group, mac and the QoS settings (virDomainNetDefToNetworkPort)', () => {
  assert.deepEqual(portRequestFromInterface(OWNER, iface, PORT_UUID), {
    uuid: PORT_UUID,
    owner: OWNER,
    mac: MAC,
    group: 'web',
    vlan: { tags: [5], trunk: false },
    trustGuestRxFilters: true,
  })
  assert.throws(() => portRequestFromInterface(OWNER, { type: 'bridge', bridge: 'br0', mac: MAC }, PORT_UUID), /Expected an interface of type 'network' not 'bridge'/)
})

test('every plug maps to <actual> and back (reclaim uses the portid)', () => {
  const plugs: NetworkPortDef['plug'][] = [
    { type: 'network', bridge: 'virbr1', macTableManager: 'libvirt' },
    { type: 'bridge', bridge: 'ovsbr0' },
    { type: 'direct', dev: 'eth1', mode: 'passthrough' },
    { type: 'hostdev-pci', managed: true, driver: 'vfio', address: { domain: 0, bus: 4, slot: 16, function: 1 } },
  ]
  for (const plug of plugs) {
    const port: NetworkPortDef = { uuid: PORT_UUID, owner: OWNER, group: 'web', mac: MAC, vlan: { tags: [5], trunk: false }, plug: plug! }
    const withActual = interfaceWithActual(iface, port)
    assert.equal(withActual.type === 'network' && withActual.portId, PORT_UUID)
    assert.deepEqual(portFromActual(OWNER, withActual, uuidCounter()), port)
  }
})

test('the floor class id travels with bridge plugs only; an unplugged port has no <actual>', () => {
  const port: NetworkPortDef = { uuid: PORT_UUID, owner: OWNER, mac: MAC, bandwidth: { inbound: { floor: 10 } }, classId: 3, plug: { type: 'network', bridge: 'virbr1' } }
  const a = interfaceWithActual(iface, port)
  assert.equal(a.type === 'network' && a.actual?.type === 'network' && a.actual.classId, 3)
  assert.throws(() => interfaceWithActual(iface, { uuid: PORT_UUID, owner: OWNER, mac: MAC }), (e: unknown) => e instanceof HostnetError && /has no plug/.test(e.message))
  assert.throws(() => portFromActual(OWNER, iface, uuidCounter()), /Missing actual data/)
})
