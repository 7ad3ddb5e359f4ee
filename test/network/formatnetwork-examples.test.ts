/**
 * Issue 14: the example networks of libvirt's formatnetwork.rst ("Example configuration"), written here after
 * them (our own documents: same modes and elements, device names adapted to a lab namespace), start on the real
 * kernel with the state libvirt describes: a bridge with the network's addresses and a dnsmasq for DHCP, IPv6
 * DHCP ranges and hosts, NAT with IPv6, a routed network restricted to one device, a static IPv6 route via a
 * gateway, isolated networks, an existing host bridge, a macvtap pool, a network without addresses; each is
 * destroyed again and leaves nothing. The quality-of-service example (the network's `<bandwidth>`) needs sfq, fw
 * and police, which this kernel lacks: test/network/bandwidth-start.test.ts and the UML lane
 * (test/port/bandwidth.test.ts) cover it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns } from '../helpers/netns.js'
import { ip, links, NetworkLab, processesIn } from './lab.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

interface Example {
  name: string
  xml: string
  /** Addresses expected on the bridge (`ip -o addr` form). */
  addresses?: string[]
  dnsmasq: boolean
  /** A route expected in the target (`ip route` text). */
  route?: RegExp
}

const V4 = `<ip address="192.168.122.1" netmask="255.255.255.0"><dhcp><range start="192.168.122.2" end="192.168.122.254"/></dhcp></ip>`

const EXAMPLES: Example[] = [
  { name: 'nat-default', xml: `<network><name>default</name><bridge name="fnbr0"/><forward mode="nat"/>${V4}<ip family="ipv6" address="2001:db8:ca2:2::1" prefix="64"/></network>`, addresses: ['192.168.122.1/24', '2001:db8:ca2:2::1/64'], dnsmasq: true },
  { name: 'nat-dhcpv6', xml: `<network><name>default6</name><bridge name="fnbr0"/><forward mode="nat"/>${V4}<ip family="ipv6" address="2001:db8:ca2:2::1" prefix="64"><dhcp><range start="2001:db8:ca2:2:1::10" end="2001:db8:ca2:2:1::ff"/></dhcp></ip></network>`, addresses: ['192.168.122.1/24', '2001:db8:ca2:2::1/64'], dnsmasq: true },
  { name: 'nat-ipv6', xml: `<network><name>nat6</name><bridge name="fnbr0"/><forward mode="nat"><nat ipv6="yes"><port start="1024" end="65535"/></nat></forward>${V4}<ip family="ipv6" address="fd12:3456:789a:1::" prefix="64"/></network>`, addresses: ['192.168.122.1/24', 'fd12:3456:789a:1::/64'], dnsmasq: true },
  { name: 'routed-dev', xml: `<network><name>local</name><bridge name="fnbr1"/><forward mode="route" dev="fneth1"/>${V4}<ip family="ipv6" address="2001:db8:ca2:2::1" prefix="64"/></network>`, addresses: ['192.168.122.1/24', '2001:db8:ca2:2::1/64'], dnsmasq: true },
  {
    name: 'routed-v6-hosts',
    xml: `<network><name>local6</name><bridge name="fnbr1"/><forward mode="route" dev="fneth1"/>${V4}<ip family="ipv6" address="2001:db8:ca2:2::1" prefix="64"><dhcp>
      <host name="paul" ip="2001:db8:ca2:2:3::1"/><host id="0:1:0:1:18:aa:62:fe:0:16:3e:44:55:66" ip="2001:db8:ca2:2:3::2"/>
      <host id="0:3:0:1:0:16:3e:11:22:33" name="ralph" ip="2001:db8:ca2:2:3::3"/></dhcp></ip></network>`,
    addresses: ['192.168.122.1/24', '2001:db8:ca2:2::1/64'],
    dnsmasq: true,
  },
  {
    name: 'routed-v6-static-route',
    xml: `<network><name>net7</name><bridge name="fnbr7"/><forward mode="route"/><ip family="ipv6" address="2001:db8:ca2:7::1" prefix="64"><dhcp>
      <range start="2001:db8:ca2:7::100" end="2001:db8:ca2:7::1ff"/></dhcp></ip>
      <route family="ipv6" address="2001:db8:ca2:8::" prefix="64" gateway="2001:db8:ca2:7::4"/></network>`,
    addresses: ['2001:db8:ca2:7::1/64'],
    dnsmasq: true,
    route: /2001:db8:ca2:8::\/64 via 2001:db8:ca2:7::4 dev fnbr7/,
  },
  { name: 'isolated', xml: `<network><name>private</name><bridge name="fnbr2"/><ip address="192.168.152.1" netmask="255.255.255.0"><dhcp><range start="192.168.152.2" end="192.168.152.254"/></dhcp></ip><ip family="ipv6" address="2001:db8:ca2:3::1" prefix="64"/></network>`, addresses: ['192.168.152.1/24', '2001:db8:ca2:3::1/64'], dnsmasq: true },
  { name: 'isolated-v6', xml: `<network><name>sixnet</name><bridge name="fnbr6"/><ip family="ipv6" address="2001:db8:ca2:6::1" prefix="64"><dhcp><host name="peter" ip="2001:db8:ca2:6:6::1"/><host id="0:3:0:1:0:16:3e:11:22:33" name="dariusz" ip="2001:db8:ca2:6:6::3"/></dhcp></ip></network>`, addresses: ['2001:db8:ca2:6::1/64'], dnsmasq: true },
  { name: 'host-bridge', xml: `<network><name>host-bridge</name><forward mode="bridge"/><bridge name="fnbr9"/></network>`, dnsmasq: false },
  { name: 'macvtap-pool', xml: `<network><name>direct-macvtap</name><forward mode="bridge"><interface dev="fneth20"/><interface dev="fneth21"/><interface dev="fneth22"/></forward></network>`, dnsmasq: false },
  { name: 'no-addresses', xml: `<network ipv6="yes"><name>nogw</name><uuid>7a3b7497-1ec7-8aef-6d5c-38dff9109e93</uuid><bridge name="fnbr3" stp="on" delay="0"/><mac address="00:16:3E:5D:C7:9E"/></network>`, addresses: [], dnsmasq: false },
]

test("formatnetwork.rst's example networks start with the kernel state libvirt describes and leave nothing at destroy", { skip, timeout: 300_000 }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  try {
    for (const dev of ['fneth1', 'fneth20', 'fneth21', 'fneth22']) {
      ip(lab.host, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`)
      ip(lab.host, 'link', 'set', dev, 'up')
    }
    ip(lab.host, 'link', 'add', 'fnbr9', 'type', 'bridge')
    const before = links(lab.host).sort()
    for (const ex of EXAMPLES) {
      const def = await lab.driver.define(lab.target, ex.xml)
      await lab.driver.start(lab.target, def.name)
      assert.equal(lab.driver.info(lab.target, def.name).state, 'active', ex.name)
      const bridge = def.bridge?.name
      if (ex.addresses !== undefined && bridge !== undefined) {
        const have = ip(lab.host, '-o', 'addr', 'show', 'dev', bridge).split('\n').flatMap((l) => /inet6? (\S+)/.exec(l)?.[1] ?? []).filter((a) => !a.startsWith('fe80:'))
        assert.deepEqual(have.sort(), [...ex.addresses].sort(), `${ex.name}: addresses of ${bridge}`)
        assert.match(ip(lab.host, '-d', 'link', 'show', bridge), /bridge/, ex.name)
      }
      assert.equal(processesIn(lab.host).some((p) => p.includes('dnsmasq')), ex.dnsmasq, `${ex.name}: dnsmasq ${ex.dnsmasq ? 'runs' : 'does not run'}`)
      if (ex.route !== undefined) assert.match(ip(lab.host, '-6', 'route', 'show'), ex.route, ex.name)
      await lab.driver.destroy(lab.target, def.name)
      await lab.driver.undefine(lab.target, def.name)
      assert.deepEqual(processesIn(lab.host).filter((p) => p.includes('dnsmasq')), [], `${ex.name}: no dnsmasq after destroy`)
      assert.deepEqual(links(lab.host).filter((l) => !l.startsWith('hngc')).sort(), before, `${ex.name}: only the lab's own links remain`)
    }
  } finally {
    await lab.close()
  }
})
