/**
 * Plugging never touches a device it did not make (real kernel): a port whose device name is taken (a caller's
 * `ifname` naming an existing interface, two ports whose UUIDs share the 12 hex digits of the default name, a guest
 * namespace that already has the guest's device name, or no such namespace) is refused with a typed error naming the
 * port, the network and the device, before anything is created: the existing device stays, no row, no count.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import { parsePortInput } from '../../src/driver/port/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { directXml, ip, linkDetails, links, PortLab, portXml } from './port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

async function withLab(fn: (lab: PortLab) => Promise<void>): Promise<void> {
  const lab = await PortLab.open({ poolSize: 2 })
  try {
    await lab.network(directXml('vp', 'vepa', ['eth0', 'eth1']))
    ip(lab.host, 'link', 'add', 'br9', 'type', 'bridge')
    await lab.network(`<network><name>lan</name><forward mode='bridge'/><bridge name='br9'/></network>`)
    await fn(lab)
  } finally {
    await lab.close()
  }
}

const port = (uuid: string, mac: string) => parsePortInput(portXml({ uuid, mac }))

async function refused(lab: PortLab, net: string, p: Promise<unknown>, device: RegExp): Promise<HostnetError> {
  const err = await p.then(
    () => assert.fail('the port was created'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof HostnetError, String(err))
  assert.equal(err.kind, 'conflict', err.message)
  assert.match(err.message, /network port '[0-9a-f-]{36}'/)
  assert.match(err.message, device)
  assert.equal((err.details as { network?: string } | undefined)?.network, net)
  return err
}

test("an ifname naming an existing interface is refused and the interface stays", { skip }, () =>
  withLab(async (lab) => {
    const before = { links: links(lab.host), vp: lab.lab.driver.dumpXml(lab.target, 'vp') }
    const eth1 = linkDetails(lab.host).get('eth1')
    await refused(lab, 'vp', lab.ports.create(lab.target, 'vp', { port: port('e1000000-0000-4000-8000-000000000001', '52:54:00:00:04:01'), ifname: 'eth1' }), /'eth1'/)
    await refused(lab, 'lan', lab.ports.create(lab.target, 'lan', { port: port('e1000000-0000-4000-8000-000000000002', '52:54:00:00:04:02'), ifname: 'eth0' }), /'eth0'/)
    assert.deepEqual(links(lab.host), before.links)
    assert.deepEqual(linkDetails(lab.host).get('eth1'), eth1, 'eth1 untouched')
    assert.equal(lab.lab.driver.dumpXml(lab.target, 'vp'), before.vp, 'no count changed')
    assert.deepEqual(lab.ports.list(lab.target, 'vp'), [])
    assert.deepEqual(lab.ports.list(lab.target, 'lan'), [])
  }),
)

test('two ports whose UUIDs give the same device name: the second is refused, the first keeps its device', { skip }, () =>
  withLab(async (lab) => {
    const first = await lab.ports.create(lab.target, 'vp', { port: port('e2000000-0000-4000-8000-000000000001', '52:54:00:00:04:03') })
    assert.ok(first.device !== undefined && linkDetails(lab.host).has(first.device))
    // in one batch, and one at a time
    await refused(lab, 'vp', lab.ports.create(lab.target, 'vp', { port: port('e2000000-0000-4000-8000-000000000002', '52:54:00:00:04:04') }), new RegExp(first.device))
    await refused(
      lab,
      'lan',
      lab.ports.createMany(lab.target, 'lan', [
        { port: port('e3000000-0000-4000-8000-000000000001', '52:54:00:00:04:05') },
        { port: port('e3000000-0000-4000-8000-000000000002', '52:54:00:00:04:06') },
      ]),
      /hnpe30000000000/,
    )
    assert.equal(linkDetails(lab.host).get(first.device)?.kind, 'macvtap', "the first port's device is still there")
    assert.deepEqual(lab.ports.list(lab.target, 'vp').map((p) => p.uuid), [first.uuid])
    assert.deepEqual(lab.ports.list(lab.target, 'lan'), [])
    assert.deepEqual(links(lab.host).filter((l) => l.startsWith('hnp')), [first.device])
    assert.match(lab.lab.driver.dumpXml(lab.target, 'vp'), /<network connections='1'>/)
  }),
)

test("a guest namespace that already has the guest's device name, or does not exist, is refused", { skip }, () =>
  withLab(async (lab) => {
    const g = await lab.guestNs()
    ip(g, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other')
    const before = { host: links(lab.host), guest: linkDetails(g) }
    for (const net of ['vp', 'lan']) {
      await refused(lab, net, lab.ports.create(lab.target, net, { port: port('e4000000-0000-4000-8000-000000000001', '52:54:00:00:04:07'), guest: { netns: g, name: 'eth0' } }), /'eth0'/)
    }
    assert.deepEqual(links(lab.host), before.host, 'nothing left in the host')
    assert.deepEqual(linkDetails(g), before.guest, "the guest's own eth0 untouched")
    const missing = `${g}-nosuch`
    for (const net of ['vp', 'lan']) {
      const err = await lab.ports
        .create(lab.target, net, { port: port('e5000000-0000-4000-8000-000000000001', '52:54:00:00:04:08'), guest: { netns: missing, name: 'eth0' } })
        .then(() => assert.fail('created'), (e: unknown) => e)
      assert.ok(err instanceof HostnetError && err.kind === 'not-found', String(err))
      assert.match(err.message, new RegExp(`network port 'e5000000-0000-4000-8000-000000000001'.*namespace '${missing}'`))
    }
    assert.deepEqual(links(lab.host), before.host)
    assert.deepEqual(lab.ports.list(lab.target, 'vp'), [])
    assert.doesNotMatch(lab.lab.driver.dumpXml(lab.target, 'vp'), /connections=/)
  }),
)
