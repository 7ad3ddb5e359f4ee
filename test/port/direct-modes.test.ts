/**
 * The port driver's direct forward modes on the real kernel (acceptance, issue 6 A, points 1-3): guests are the
 * macvtap devices the driver plugs, moved into guest namespaces; the pool interfaces are veths to an uplink switch
 * (a Linux bridge in another namespace).
 *
 * - vepa: two guests on one uplink reach each other only when the switch port has hairpin on; private: never;
 *   bridge mode (forward mode='bridge' without a bridge name): always;
 * - passthrough with a one-device pool: the second port fails (typed, names port and network), nothing changes,
 *   the first guest still works;
 * - ten ports on a four-device vepa pool spread 3/3/2/2 (live XML connections and each port's plug); deleting
 *   ports frees the counts.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { PortError } from '../../src/model/port/index.js'
import { parsePortInput } from '../../src/driver/port/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { directXml, ip, linkDetails, links, PortLab, portXml, reaches } from './port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

async function withLab(fn: (lab: PortLab) => Promise<void>, poolSize = 4): Promise<void> {
  const lab = await PortLab.open({ poolSize })
  try {
    await fn(lab)
  } finally {
    await lab.close()
  }
}

const uuid = (n: number): string => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`
const mac = (n: number): string => `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`

/** Create port n on `net` and move its device into a new guest namespace as eth0 with 10.77.0.n/24. */
async function guest(lab: PortLab, net: string, n: number): Promise<{ ns: string; ip: string; uuid: string }> {
  const ns = await lab.guestNs()
  const info = await lab.ports.create(lab.target, net, { port: parsePortInput(portXml({ uuid: uuid(n), mac: mac(n) })), guest: { netns: ns, name: 'eth0' } })
  assert.equal(info.status, 'plugged')
  assert.deepEqual(info.guest, { netns: ns, name: 'eth0' })
  const dev = linkDetails(ns).get('eth0')
  assert.equal(dev?.kind, 'macvtap', `the guest's eth0 is the plugged macvtap: ${JSON.stringify(dev)}`)
  assert.equal(dev?.mac, mac(n))
  lab.address(ns, 'eth0', `10.77.0.${n}`)
  return { ns, ip: `10.77.0.${n}`, uuid: uuid(n) }
}

test('vepa: guests on one uplink reach each other only through a hairpin switch port', { skip }, () =>
  withLab(async (lab) => {
    await lab.network(directXml('vepa1', 'vepa', ['eth0']))
    const a = await guest(lab, 'vepa1', 1)
    const b = await guest(lab, 'vepa1', 2)
    assert.equal(linkDetails(a.ns).get('eth0')?.mode, 'vepa')
    lab.hairpin('sw0', false)
    assert.equal(await reaches(a.ns, b.ns, b.ip, false), false, 'VEPA without hairpin: the switch does not send frames back')
    lab.hairpin('sw0', true)
    assert.equal(await reaches(a.ns, b.ns, b.ip, true), true, 'VEPA with hairpin on: the switch reflects frames')
    assert.equal(await reaches(b.ns, a.ns, a.ip, true), true)
    lab.hairpin('sw0', false)
    assert.equal(await reaches(a.ns, b.ns, b.ip, false), false, 'hairpin off again')
    await lab.ports.delete(lab.target, 'vepa1', a.uuid)
    assert.equal(linkDetails(a.ns).has('eth0'), false, "deleting the port removes the guest's device")
  }),
)

test('private: guests never reach each other, hairpin or not', { skip }, () =>
  withLab(async (lab) => {
    await lab.network(directXml('priv1', 'private', ['eth0']))
    const a = await guest(lab, 'priv1', 1)
    const b = await guest(lab, 'priv1', 2)
    assert.equal(linkDetails(a.ns).get('eth0')?.mode, 'private')
    lab.hairpin('sw0', false)
    assert.equal(await reaches(a.ns, b.ns, b.ip, false), false)
    lab.hairpin('sw0', true)
    assert.equal(await reaches(a.ns, b.ns, b.ip, false), false, 'private drops reflected frames too')
  }),
)

test("bridge mode (no bridge name, macvtap mode bridge): guests always reach each other", { skip }, () =>
  withLab(async (lab) => {
    await lab.network(directXml('mvbr1', 'bridge', ['eth0']))
    const a = await guest(lab, 'mvbr1', 1)
    const b = await guest(lab, 'mvbr1', 2)
    assert.equal(linkDetails(a.ns).get('eth0')?.mode, 'bridge')
    lab.hairpin('sw0', false)
    assert.equal(await reaches(a.ns, b.ns, b.ip, true), true, 'macvtap bridge mode switches between its guests locally')
    lab.hairpin('sw0', true)
    assert.equal(await reaches(b.ns, a.ns, a.ip, true), true)
  }),
)

test('passthrough with a one-device pool: the second port fails and changes nothing; the first keeps working', { skip }, () =>
  withLab(async (lab) => {
    await lab.network(directXml('pt1', 'passthrough', ['eth0']))
    const a = await guest(lab, 'pt1', 1)
    assert.equal(linkDetails(a.ns).get('eth0')?.mode, 'passthru')
    // a peer on the switch to talk to
    const peer = await lab.guestNs()
    ip(lab.switchNs, 'link', 'add', 'swp', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer)
    ip(lab.switchNs, 'link', 'set', 'swp', 'master', 'br0', 'up')
    ip(peer, 'link', 'set', 'eth0', 'up')
    lab.address(peer, 'eth0', '10.77.0.200')
    assert.equal(await reaches(a.ns, peer, '10.77.0.200', true), true)

    const hostBefore = links(lab.host)
    const xmlBefore = lab.lab.driver.dumpXml(lab.target, 'pt1')
    assert.match(xmlBefore, /<forward dev='eth0' mode='passthrough'>\s*<interface dev='eth0' connections='1'\/>/)
    const b = await lab.guestNs()
    const err = await lab.ports
      .create(lab.target, 'pt1', { port: parsePortInput(portXml({ uuid: uuid(2), mac: mac(2) })), guest: { netns: b, name: 'eth0' } })
      .then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof PortError, `a typed port error: ${String(err)}`)
    assert.equal(err.port, uuid(2))
    assert.equal(err.network, 'pt1')
    assert.match(err.message, new RegExp(uuid(2)))
    assert.match(err.message, /exclusive|in use|no.*free|available/i)
    assert.equal(lab.lab.driver.dumpXml(lab.target, 'pt1'), xmlBefore, 'no count changed')
    assert.deepEqual(links(lab.host), hostBefore, 'nothing plugged in the host')
    assert.deepEqual([...linkDetails(b).keys()], ['lo'], 'nothing in the would-be guest')
    assert.deepEqual(lab.ports.list(lab.target, 'pt1').map((p) => p.uuid), [a.uuid])
    assert.equal(await reaches(a.ns, peer, '10.77.0.200', true), true, 'the first guest still works')
  }, 1),
)

test('ten ports on a four-device vepa pool spread 3/3/2/2; deleting ports frees the counts', { skip }, () =>
  withLab(async (lab) => {
    await lab.network(directXml('spread', 'vepa', ['eth0', 'eth1', 'eth2', 'eth3']))
    const created = []
    for (let n = 1; n <= 10; n++) {
      created.push(await lab.ports.create(lab.target, 'spread', { port: parsePortInput(portXml({ uuid: uuid(n), mac: mac(n) })) }))
    }
    // least used, earliest on ties: eth0 eth1 eth2 eth3 eth0 eth1 eth2 eth3 eth0 eth1
    const expected = ['eth0', 'eth1', 'eth2', 'eth3', 'eth0', 'eth1', 'eth2', 'eth3', 'eth0', 'eth1']
    assert.deepEqual(created.map((p) => (p.port.plug?.type === 'direct' ? p.port.plug.dev : '?')), expected)
    const live = lab.lab.driver.dumpXml(lab.target, 'spread')
    assert.match(live, /<network connections='10'>/)
    for (const [dev, n] of [['eth0', 3], ['eth1', 3], ['eth2', 2], ['eth3', 2]] as const) {
      assert.match(live, new RegExp(`<interface dev='${dev}' connections='${n}'/>`), live)
    }
    // each port's plug: the dumpxml and the macvtap device on its pool interface
    const host = linkDetails(lab.host)
    for (const [i, p] of created.entries()) {
      const xml = lab.ports.dumpXml(lab.target, 'spread', p.uuid)
      assert.match(xml, new RegExp(`<plug type='direct' dev='${expected[i]!}' mode='vepa'/>`))
      const d = host.get(p.device ?? '')
      assert.equal(d?.kind, 'macvtap', `port ${p.uuid} has its macvtap ${p.device ?? '(none)'}`)
      assert.equal(d?.link, expected[i])
      assert.equal(d?.mode, 'vepa')
      assert.equal(d?.mac, mac(i + 1))
    }
    // delete the three ports on eth0 and one on eth1: 0/2/2/2, the next port goes to eth0
    await lab.ports.deleteMany(lab.target, 'spread', [created[0]!.uuid, created[4]!.uuid, created[8]!.uuid])
    await lab.ports.delete(lab.target, 'spread', created[1]!.uuid)
    const after = lab.lab.driver.dumpXml(lab.target, 'spread')
    assert.match(after, /<network connections='6'>/)
    assert.match(after, /<interface dev='eth0'\/>/)
    assert.match(after, /<interface dev='eth1' connections='2'\/>/)
    for (const i of [0, 4, 8, 1]) assert.equal(linkDetails(lab.host).has(created[i]!.device!), false)
    const next = await lab.ports.create(lab.target, 'spread', { port: parsePortInput(portXml({ uuid: uuid(11), mac: mac(11) })) })
    assert.equal(next.port.plug?.type === 'direct' ? next.port.plug.dev : '?', 'eth0')
    await lab.ports.deleteMany(lab.target, 'spread', lab.ports.list(lab.target, 'spread').map((p) => p.uuid))
    const empty = lab.lab.driver.dumpXml(lab.target, 'spread')
    assert.doesNotMatch(empty, /connections=/)
    assert.deepEqual(links(lab.host).filter((l) => l.startsWith('hnp')), [])
  }),
)
