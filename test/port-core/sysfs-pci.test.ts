/**
 * sys/sysfs-pci.ts against a fake sysfs tree (no SR-IOV hardware here), and the VF pools it feeds into
 * allocatePort for hostdev and macvtap networks with a `<pf>`.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import {
  isVirtualFunction,
  parsePciAddressText,
  readNetdevPciAddress,
  readPciNetdevs,
  readPhysicalFunction,
  readVirtualFunctions,
} from '../../src/sys/sysfs-pci.js'
import { allocatePort } from '../../src/model/port/index.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { buildFakeSysfs } from './fake-sysfs.js'
import { DEFAULT_MAC, DEFAULT_OWNER, DEFAULT_PORT_UUID, uuidSequence } from './golden-run.js'

const fake = buildFakeSysfs(
  [
    {
      address: '0000:04:00.0',
      netdev: 'enp4s0f0',
      vfs: [
        { address: '0000:04:10.0', netdevs: ['enp4s0f0v0'] },
        { address: '0000:04:10.2' },
        { address: '0000:04:10.4', netdevs: ['enp4s0f0v2'] },
      ],
    },
    {
      address: '0000:05:00.0',
      netdev: { name: 'mlx0', physPortId: 'port-b' },
      vfs: [{ address: '0000:05:00.1', netdevs: [{ name: 'mlxvf-a', physPortId: 'port-a' }, { name: 'mlxvf-b', physPortId: 'port-b' }] }],
    },
  ],
  [{ address: '0000:00:03.0', netdev: 'eno1' }],
)
after(() => fake.cleanup())
const opts = { sysfsRoot: fake.root }
const a = (s: string) => parsePciAddressText(s)!

test('VFs of a PF in virtfn order, with their netdevs (unbound VFs have none)', () => {
  assert.deepEqual(readVirtualFunctions('enp4s0f0', opts), [
    { index: 0, address: a('0000:04:10.0'), netdev: 'enp4s0f0v0' },
    { index: 1, address: a('0000:04:10.2') },
    { index: 2, address: a('0000:04:10.4'), netdev: 'enp4s0f0v2' },
  ])
})

test('with a phys_port_id the VF netdev on the same port is chosen', () => {
  assert.deepEqual(readVirtualFunctions('mlx0', opts), [{ index: 0, address: a('0000:05:00.1'), netdev: 'mlxvf-b' }])
})

test('a device without VFs has an empty list; an unknown netdev is an error', () => {
  assert.deepEqual(readVirtualFunctions('eno1', opts), [])
  assert.throws(() => readVirtualFunctions('nope0', opts), (e: unknown) => e instanceof HostnetError && e.kind === 'not-found' && /Could not get Virtual functions on nope0/.test(e.message))
})

test('VF checks, the PF of a VF, netdevs and the PCI address of a netdev', () => {
  assert.equal(isVirtualFunction(a('0000:04:10.2'), opts), true)
  assert.equal(isVirtualFunction(a('0000:00:03.0'), opts), false)
  assert.deepEqual(readPhysicalFunction(a('0000:04:10.4'), opts), a('0000:04:00.0'))
  assert.equal(readPhysicalFunction(a('0000:04:00.0'), opts), undefined)
  assert.deepEqual(readPciNetdevs(a('0000:05:00.1'), opts), ['mlxvf-a', 'mlxvf-b'])
  assert.deepEqual(readNetdevPciAddress('enp4s0f0v2', opts), a('0000:04:10.4'))
  assert.equal(parsePciAddressText('04:10.0'), undefined)
})

test('a hostdev <pf> network allocates VF PCI addresses read from sysfs; a passthrough one VF netdevs', () => {
  const port = { uuid: DEFAULT_PORT_UUID, owner: DEFAULT_OWNER, mac: DEFAULT_MAC }
  const vfs = readVirtualFunctions('enp4s0f0', opts)
  const hostdev = parseNetworkXml(`<network><name>h</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid><forward mode='hostdev' managed='yes'><pf dev='enp4s0f0'/></forward></network>`)
  const h = allocatePort({ network: hostdev, active: true, port, uuidGen: uuidSequence(), vfs, connections: { '0000:04:10.0': 1 } })
  assert.deepEqual(h.port.plug, { type: 'hostdev-pci', address: a('0000:04:10.2'), managed: true })
  const pass = parseNetworkXml(`<network><name>p</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9c</uuid><forward mode='passthrough'><pf dev='enp4s0f0'/></forward></network>`)
  const p = allocatePort({ network: pass, active: true, port, uuidGen: uuidSequence(), vfs, connections: { enp4s0f0v0: 1 } })
  assert.deepEqual(p.port.plug, { type: 'direct', dev: 'enp4s0f0v2', mode: 'passthrough' })
  assert.deepEqual(p.pool.map((d) => (d.kind === 'netdev' ? d.dev : '')), ['enp4s0f0v0', 'enp4s0f0v2'])
})
