/**
 * The network driver against in-memory services: define-time completion and checks, start/destroy semantics,
 * all-or-nothing starts (a fault at every step leaves nothing), overlap and route checks, crash recovery,
 * transient networks, autostart and dnsmasq supervision.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError, RollbackError } from '../../src/errors.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { parseCidr, parseIpAddr } from '../../src/model/values/ip.js'
import { DEAD_OWNER } from '../engine/helpers.js'
import { fixture, natXml, NS, type FaultPoint } from './fakes.js'

function rejects(fn: () => unknown, kind: string, re: RegExp): Promise<void> {
  return assert.rejects(async () => fn(), (e: unknown) => {
    assert.ok(e instanceof HostnetError, `not a HostnetError: ${String(e)}`)
    assert.equal(e.kind, kind, e.message)
    assert.match(e.message, re)
    return true
  })
}

test('define fills in bridge names (first free virbrN, skipping devices) and a 52:54:00 MAC, kept in the definition', async () => {
  const f = fixture()
  try {
    f.world.devices.add('virbr0')
    const a = await f.driver.define(NS, natXml('a', '10.1.1'))
    const b = await f.driver.define(NS, natXml('b', '10.1.2'))
    assert.equal(a.bridge?.name, 'virbr1')
    assert.equal(b.bridge?.name, 'virbr2')
    assert.match(a.mac ?? '', /^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/)
    const stored = parseNetworkXml(f.driver.dumpXml(NS, 'a', { inactive: true }))
    assert.equal(stored.bridge?.name, 'virbr1')
    assert.equal(stored.mac, a.mac)
    const t = await f.driver.define(NS, natXml('c', '10.1.3', "<bridge name='lab%d'/>"))
    assert.equal(t.bridge?.name, 'lab0')
    await rejects(() => f.driver.define(NS, natXml('d', '10.1.4', "<bridge name='virbr1'/>")), 'conflict', /bridge name 'virbr1' already in use/)
  } finally {
    f.close()
  }
})

test('bad definitions are typed errors naming the network and field; names are data', async () => {
  const f = fixture()
  try {
    await rejects(() => f.driver.define(NS, natXml('../x', '10.2.1')), 'invalid-argument', /name/)
    await rejects(() => f.driver.define(NS, natXml('a&#10;b', '10.2.1')), 'invalid-argument', /invalid network name 'a\\nb'/)
    const outside = natXml('r', '10.2.2').replace("start='10.2.2.10'", "start='10.9.9.10'")
    await rejects(() => f.driver.define(NS, outside), 'invalid-argument', /range/)
    const twoDhcp = `<network><name>m</name><forward mode='nat'/>
      <ip address='10.2.3.1' prefix='24'><dhcp><range start='10.2.3.2' end='10.2.3.9'/></dhcp></ip>
      <ip address='10.2.4.1' prefix='24'><dhcp><range start='10.2.4.2' end='10.2.4.9'/></dhcp></ip></network>`
    await rejects(() => f.driver.define(NS, twoDhcp), 'not-supported', /Multiple IPv4 dhcp sections found in network 'm'/)
    const bridged = `<network><name>b</name><forward mode='bridge'/><bridge name='br0'/><mac address='52:54:00:00:00:01'/></network>`
    await rejects(() => f.driver.define(NS, bridged), 'not-supported', /Unsupported <mac> element in network 'b'/)
    const quoted = await f.driver.define(NS, natXml(`q"'#x`, '10.2.5'))
    assert.equal(quoted.name, `q"'#x`)
    assert.equal(f.driver.list(NS, { all: true }).length, 1)
  } finally {
    f.close()
  }
})

test('a name or UUID clash with another network of the target is refused', async () => {
  const f = fixture()
  try {
    const a = await f.driver.define(NS, natXml('a', '10.3.1'))
    await rejects(() => f.driver.define(NS, natXml('a', '10.3.1')), 'conflict', /network 'a' already exists with uuid/)
    const sameUuid = natXml('z', '10.3.2').replace('<name>z</name>', `<name>z</name><uuid>${a.uuid}</uuid>`)
    await rejects(() => f.driver.define(NS, sameUuid), 'conflict', /network 'a' is already defined with uuid/)
    // redefining with the same UUID replaces the definition
    await f.driver.define(NS, natXml('a', '10.3.9').replace('<name>a</name>', `<name>a</name><uuid>${a.uuid}</uuid>`))
    assert.match(f.driver.dumpXml(NS, 'a'), /10\.3\.9\.1/)
  } finally {
    f.close()
  }
})

test('start makes bridge, firewall, dnsmasq and sysctls; destroy removes exactly them', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.4.1'))
    await f.driver.start(NS, 'a')
    assert.ok(f.world.devices.has('virbr0') && f.world.tables.has('virbr0') && f.world.daemons.has('a'))
    assert.equal(f.world.sysctls.get('net/ipv4/ip_forward'), '1')
    assert.equal(f.world.sysctls.get('net/ipv6/conf/virbr0/disable_ipv6'), '1')
    const info = f.driver.info(NS, 'a')
    assert.equal(info.state, 'active')
    assert.equal(info.nftObjects, 7)
    assert.deepEqual(f.driver.list(NS).map((n) => n.name), ['a'])
    await rejects(() => f.driver.start(NS, 'a'), 'conflict', /already active/)
    await f.driver.destroy(NS, 'a')
    assert.ok(f.world.clean(), JSON.stringify([...f.world.devices]))
    assert.equal(f.driver.info(NS, 'a').state, 'inactive')
    assert.deepEqual(f.driver.list(NS), [])
    await rejects(() => f.driver.destroy(NS, 'a'), 'conflict', /network 'a' is not active/)
    await rejects(() => f.driver.start(NS, 'nope'), 'not-found', /no network with matching name 'nope'/)
  } finally {
    f.close()
  }
})

for (const point of ['routes', 'createBridge', 'sysctl', 'firewall.apply', 'dhcp.start'] as FaultPoint[]) {
  test(`a start failing at ${point} leaves nothing behind and the network inactive`, async () => {
    const f = fixture()
    try {
      await f.driver.define(NS, natXml('a', '10.5.1'))
      f.world.failNext(point)
      await rejects(() => f.driver.start(NS, 'a'), 'backend-failure', /injected failure/)
      assert.ok(f.world.clean(), `left: ${[...f.world.devices].join(',')} tables=${f.world.tables.size} daemons=${f.world.daemons.size}`)
      const info = f.driver.info(NS, 'a')
      assert.equal(info.state, 'inactive')
      assert.match(JSON.stringify(info.lastError), /injected failure/)
      await f.driver.start(NS, 'a') // and it starts fine afterwards
      assert.equal(f.driver.info(NS, 'a').state, 'active')
    } finally {
      f.close()
    }
  })
}

test('a failed start whose undo fails too is cleaned up by a second teardown', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.5.2'))
    f.world.failNext('dhcp.start')
    f.world.failNext('retireBridge')
    await assert.rejects(f.driver.start(NS, 'a'), (e: unknown) => e instanceof RollbackError)
    assert.ok(f.world.clean())
    assert.equal(f.driver.info(NS, 'a').state, 'inactive')
  } finally {
    f.close()
  }
})

test('overlapping subnets cannot both be active; a bridge name held by a device is a conflict at start', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.6.1'))
    await f.driver.define(NS, natXml('b', '10.6.1').replace("prefix='24'", "prefix='16'").replace(/10\.6\.1\.(10|100)'/g, "10.6.200.$1'"))
    await f.driver.start(NS, 'a')
    const before = f.world.calls.length
    await rejects(() => f.driver.start(NS, 'b'), 'conflict', /subnet 10\.6\.0\.0\/16 of network 'b' overlaps subnet 10\.6\.1\.0\/24 of active network 'a'/)
    assert.equal(f.world.calls.length, before, 'nothing touched')
    assert.equal(f.driver.info(NS, 'b').state, 'inactive')
    await f.driver.destroy(NS, 'a')
    await f.driver.start(NS, 'b')
    await f.driver.define(NS, natXml('c', '10.16.3', "<bridge name='taken0'/>"))
    f.world.devices.add('taken0')
    await rejects(() => f.driver.start(NS, 'c'), 'conflict', /taken0/)
    assert.ok(f.world.devices.has('taken0'), 'the foreign device is left alone')
  } finally {
    f.close()
  }
})

test('a subnet that collides with a connected route of the target is refused before anything is touched', async () => {
  const f = fixture()
  try {
    f.world.routes.push({ destination: parseCidr('10.7.0.0/16'), dev: 'eth0' }, { destination: 'default', gateway: parseIpAddr('10.7.0.254'), dev: 'eth0' })
    await f.driver.define(NS, natXml('a', '10.7.5'))
    await rejects(() => f.driver.start(NS, 'a'), 'conflict', /Network is already in use by interface eth0/)
    assert.ok(f.world.clean())
    await f.driver.define(NS, natXml('b', '10.8.5'))
    await f.driver.start(NS, 'b') // the default route is no collision
  } finally {
    f.close()
  }
})

test('recovery tears down a network whose starting process died', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.9.1'))
    f.world.hang = 'dhcp.start'
    const crashed = f.other(DEAD_OWNER)
    void crashed.start(NS, 'a') // never finishes: its process "died" at dnsmasq
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(f.driver.info(NS, 'a').state, 'starting')
    assert.ok(f.world.devices.has('virbr0'))
    f.world.hang = undefined
    const report = await f.driver.recover()
    assert.deepEqual(report.recovered, ['netns:fake-ns/a'])
    assert.ok(f.world.clean())
    assert.equal(f.driver.info(NS, 'a').state, 'inactive')
    // a network started by a living process is not touched
    await f.driver.start(NS, 'a')
    assert.deepEqual((await f.driver.recover()).recovered, [])
  } finally {
    f.close()
  }
})

test('transient networks: create starts, destroy or a failed create removes; undefine of an active network makes it transient', async () => {
  const f = fixture()
  try {
    await f.driver.create(NS, natXml('t', '10.10.1'))
    assert.equal(f.driver.info(NS, 't').persistent, false)
    await rejects(() => f.driver.undefine(NS, 't'), 'conflict', /can't undefine transient network/)
    await rejects(() => f.driver.setAutostart(NS, 't', true), 'conflict', /transient/)
    await f.driver.destroy(NS, 't')
    await rejects(() => f.driver.info(NS, 't'), 'not-found', /'t'/)
    f.world.failNext('firewall.apply')
    await rejects(() => f.driver.create(NS, natXml('u', '10.10.2')), 'backend-failure', /injected/)
    assert.equal(f.driver.list(NS, { all: true }).length, 0)
    assert.ok(f.world.clean())
    await f.driver.define(NS, natXml('p', '10.10.3'))
    await f.driver.start(NS, 'p')
    f.driver.undefine(NS, 'p')
    assert.equal(f.driver.info(NS, 'p').persistent, false)
    await f.driver.destroy(NS, 'p')
    assert.equal(f.driver.list(NS, { all: true }).length, 0)
  } finally {
    f.close()
  }
})

test('autostart starts marked networks; supervision restarts a dead dnsmasq; a vanished target is marked inactive', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.11.1'))
    await f.driver.define(NS, natXml('b', '10.11.2'))
    f.driver.setAutostart(NS, 'a', true)
    const r = await f.driver.autostartAll()
    assert.deepEqual(r.started, ['netns:fake-ns/a'])
    assert.equal(f.driver.info(NS, 'b').state, 'inactive')
    const pid = f.driver.info(NS, 'a').dnsmasqPid
    f.world.daemons.delete('a') // dnsmasq died
    const s = await f.driver.superviseDnsmasq()
    assert.deepEqual(s.restarted, ['netns:fake-ns/a'])
    const info = f.driver.info(NS, 'a')
    assert.notEqual(info.dnsmasqPid, pid)
    assert.equal(info.dnsmasqRestarts, 1)
    assert.equal((await f.driver.superviseDnsmasq()).restarted.length, 0)
    f.world.targetPresent = false
    const rec = await f.driver.recover()
    assert.deepEqual(rec.recovered, ['netns:fake-ns/a'])
    assert.equal(f.driver.info(NS, 'a').state, 'inactive')
    assert.equal(f.world.daemons.size, 0)
  } finally {
    f.close()
  }
})

test('mode bridge uses an existing bridge (missing: not-found at start, nothing created); OVS is refused clearly', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, `<network><name>ext</name><forward mode='bridge'/><bridge name='br-ext'/></network>`)
    await rejects(() => f.driver.start(NS, 'ext'), 'not-found', /bridge 'br-ext' of network 'ext' does not exist/)
    f.world.devices.add('br-ext')
    await f.driver.start(NS, 'ext')
    assert.equal(f.driver.info(NS, 'ext').state, 'active')
    await f.driver.destroy(NS, 'ext')
    assert.ok(f.world.devices.has('br-ext'), 'an existing bridge is never deleted')
    await f.driver.define(NS, `<network><name>ovs</name><forward mode='bridge'/><bridge name='ovsbr'/><virtualport type='openvswitch'/></network>`)
    await rejects(() => f.driver.start(NS, 'ovs'), 'not-supported', /Open vSwitch/)
    await f.driver.define(NS, `<network><name>vepa</name><forward mode='vepa'><interface dev='eth0'/></forward></network>`)
    await f.driver.start(NS, 'vepa')
    assert.equal(f.driver.info(NS, 'vepa').state, 'active')
  } finally {
    f.close()
  }
})

const BANDWIDTH = "<bandwidth><inbound average='1000' peak='5000' burst='1024'/><outbound average='128'/></bandwidth>"

test("a network's own <bandwidth> goes on its bridge at start (virtual and existing bridge) and off at destroy", async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.6.1', BANDWIDTH))
    await f.driver.start(NS, 'a')
    assert.deepEqual(f.world.shaped.get('virbr0'), { inbound: { average: 1000, peak: 5000, burst: 1024 }, outbound: { average: 128 } })
    await f.driver.destroy(NS, 'a')
    assert.ok(f.world.clean())
    f.world.devices.add('br-ext')
    await f.driver.define(NS, `<network><name>ext</name><forward mode='bridge'/><bridge name='br-ext'/>${BANDWIDTH}</network>`)
    await f.driver.start(NS, 'ext')
    assert.ok(f.world.shaped.has('br-ext'))
    await f.driver.destroy(NS, 'ext')
    assert.ok(!f.world.shaped.has('br-ext'), 'the borrowed bridge loses the tree at destroy')
    assert.ok(f.world.devices.has('br-ext'))
    // without <bandwidth> a borrowed bridge's qdiscs are not touched
    await f.driver.define(NS, `<network><name>plain</name><forward mode='bridge'/><bridge name='br-ext'/></network>`)
    const before = f.world.calls.length
    await f.driver.start(NS, 'plain')
    await f.driver.destroy(NS, 'plain')
    assert.deepEqual(f.world.calls.slice(before).filter((c) => c.startsWith('tc ')), [])
  } finally {
    f.close()
  }
})

test('a start whose bandwidth fails undoes everything (a borrowed bridge is cleared, not deleted)', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.6.2', BANDWIDTH))
    f.world.failNext('shaping')
    await rejects(() => f.driver.start(NS, 'a'), 'backend-failure', /cannot set the bandwidth of network 'a' on bridge 'virbr0': injected failure/)
    assert.ok(f.world.clean())
    assert.equal(f.driver.info(NS, 'a').state, 'inactive')
    f.world.devices.add('br-ext')
    await f.driver.define(NS, `<network><name>ext</name><forward mode='bridge'/><bridge name='br-ext'/>${BANDWIDTH}</network>`)
    f.world.failNext('shaping')
    await rejects(() => f.driver.start(NS, 'ext'), 'backend-failure', /bridge 'br-ext'/)
    assert.ok(f.world.calls.includes('tc clear br-ext'))
    assert.ok(f.world.devices.has('br-ext'))
    assert.equal(f.driver.info(NS, 'ext').state, 'inactive')
  } finally {
    f.close()
  }
})
