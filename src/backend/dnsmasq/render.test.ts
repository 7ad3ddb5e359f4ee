import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError, ValidationError } from '../../errors.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { parseIpAddr } from '../../model/values/ip.js'
import { renderAddnHosts, renderDnsmasqConf, renderDnsmasqFiles, renderHostsFile } from './render.js'
import type { DnsmasqConfContext } from './render.js'
import { ptrDomain } from './ptr.js'

const CTX: DnsmasqConfContext = { configDir: '/run/hn', bridgeName: 'br-t' }

function net(body: string, opts: { name?: string; forward?: string; ns?: boolean } = {}): NetworkDef {
  const ns = opts.ns === true ? " xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'" : ''
  const forward = opts.forward ?? "<forward mode='nat'/>"
  return parseNetworkXml(
    `<network${ns}><name>${opts.name ?? 'n1'}</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>${forward}<bridge name='br-t'/>${body}</network>`,
  )
}

/** The configuration without its 6-line header. */
function body(def: NetworkDef, ctx: Partial<DnsmasqConfContext> = {}): string[] {
  return renderDnsmasqConf(def, { ...CTX, ...ctx }).split('\n').slice(6, -1)
}

const V4_DHCP = "<ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.100' end='10.1.0.199'/></dhcp></ip>"

test('a plain NAT network: DHCP lines, hosts files in the config dir, no hosts text', () => {
  const def = net(V4_DHCP)
  assert.deepEqual(body(def), [
    'strict-order',
    'except-interface=lo',
    'bind-dynamic',
    'interface=br-t',
    'dhcp-range=10.1.0.100,10.1.0.199,255.255.255.0',
    'dhcp-no-override',
    'dhcp-authoritative',
    'dhcp-lease-max=100',
    'dhcp-hostsfile=/run/hn/n1.hostsfile',
    'addn-hosts=/run/hn/n1.addnhosts',
  ])
  assert.equal(renderHostsFile(def), undefined)
  assert.equal(renderDnsmasqFiles(def, CTX).hostsfile, undefined)
})

test('pid file, forwarders with no-resolv, domain localOnly, plain names, isolated lines, mtu, options', () => {
  const def = net(
    "<mtu size='9000'/><domain name='lab' localOnly='yes'/><dns forwardPlainNames='no'><forwarder addr='9.9.9.9'/>" +
      "<forwarder domain='corp' addr='10.9.0.1'/><forwarder domain='local.corp'/></dns>" +
      V4_DHCP +
      "<dnsmasq:options><dnsmasq:option value='log-dhcp'/></dnsmasq:options>",
    { forward: '', ns: true },
  )
  assert.deepEqual(body(def, { pidFile: '/run/hn/n1.pid' }), [
    'strict-order',
    'server=9.9.9.9',
    'server=/corp/10.9.0.1',
    'server=/local.corp/#',
    'no-resolv',
    'local=/lab/',
    'domain=lab',
    'expand-hosts',
    'domain-needed',
    'local=//',
    'pid-file=/run/hn/n1.pid',
    'except-interface=lo',
    'bind-dynamic',
    'interface=br-t',
    'dhcp-option=3',
    'no-resolv',
    'ra-param=*,0,0',
    'dhcp-range=10.1.0.100,10.1.0.199,255.255.255.0',
    'dhcp-no-override',
    'dhcp-authoritative',
    'dhcp-lease-max=100',
    'dhcp-hostsfile=/run/hn/n1.hostsfile',
    'addn-hosts=/run/hn/n1.addnhosts',
    'dhcp-option=option:mtu,9000',
    'log-dhcp',
  ])
})

test("DNS disabled: port=0, no records, no addn-hosts, no PTR zones (domain lines stay, as in libvirt)", () => {
  const def = net("<domain name='lab'/><dns enable='no'/><ip address='10.1.0.1' prefix='24' localPtr='yes'></ip>")
  assert.deepEqual(body(def), ['strict-order', 'port=0', 'domain=lab', 'expand-hosts', 'except-interface=lo', 'bind-dynamic', 'interface=br-t'])
})

test('SRV records: positional defaults, "." target drops the rest', () => {
  const def = net(
    "<dns><srv service='ldap' protocol='tcp' target='.' port='389'/><srv service='sip' protocol='udp' domain='d' target='t' weight='5'/>" +
      "<txt name='k' value='v w'/></dns><ip address='10.1.0.1' prefix='24'></ip>",
  )
  const lines = body(def)
  assert.ok(lines.includes('txt-record=k,v w'))
  assert.ok(lines.includes('srv-host=_ldap._tcp'))
  assert.ok(lines.includes('srv-host=_sip._udp.d,t,1,0,5'))
  assert.ok(lines.indexOf('txt-record=k,v w') < lines.indexOf('srv-host=_ldap._tcp'))
})

test('static hosts only: a static range per family, hosts file v4 then v6, prefix on the v6 static range', () => {
  const def = net(
    "<ip family='ipv6' address='fd00:1::1' prefix='64'><dhcp><host id='0:3:0:1:2:3:4:5:6:7' name='g6' ip='fd00:1::20'><lease expiry='1' unit='hours'/></host></dhcp></ip>" +
      "<ip address='10.1.0.1' prefix='24'><dhcp><host mac='52:54:00:AA:00:01' ip='10.1.0.5'/><host name='g2' ip='10.1.0.6'><lease expiry='0'/></host></dhcp></ip>",
  )
  const lines = body(def)
  const v4 = lines.indexOf('dhcp-range=10.1.0.1,static')
  const v6 = lines.indexOf('dhcp-range=fd00:1::1,static,64')
  assert.ok(v4 > 0 && v6 > v4, lines.join('\n'))
  assert.ok(!lines.some((l) => l.startsWith('dhcp-lease-max')))
  assert.equal(lines.at(-1), 'enable-ra')
  assert.equal(renderHostsFile(def), '52:54:00:AA:00:01,10.1.0.5\ng2,10.1.0.6,infinite\nid:0:3:0:1:2:3:4:5:6:7,g6,[fd00:1::20],1h\n')
})

test('DHCPv6 with a range: prefix length in dhcp-range, leases summed over both families, enable-ra', () => {
  const def = net(
    V4_DHCP + "<ip family='ipv6' address='fd00:1::1' prefix='64'><dhcp><range start='fd00:1::1:0' end='fd00:1::1:ff'><lease expiry='300' unit='seconds'/></range></dhcp></ip><ip family='ipv6' address='fd00:2::1' prefix='64'></ip>",
  )
  const lines = body(def)
  assert.ok(lines.includes('dhcp-range=fd00:1::1:0,fd00:1::1:ff,64,300s'))
  assert.ok(lines.includes('dhcp-lease-max=356'))
  assert.ok(lines.includes('enable-ra'))
  assert.ok(!lines.some((l) => l.endsWith(',ra-only')), 'no SLAAC range next to DHCPv6')
})

test('PTR zones: IPv4 octets and IPv6 nibbles; a prefix off the boundary is an error naming the network', () => {
  assert.equal(ptrDomain(parseIpAddr('10.20.30.1'), 16), '20.10.in-addr.arpa')
  assert.equal(ptrDomain(parseIpAddr('2001:db8::1'), 32), '8.b.d.0.1.0.0.2.ip6.arpa')
  assert.equal(ptrDomain(parseIpAddr('10.20.30.1'), 32), undefined)
  assert.equal(ptrDomain(parseIpAddr('fd00::1'), 66), undefined)
  const def = net("<ip address='10.1.0.1' prefix='20' localPtr='yes'></ip>", { name: 'ptrnet' })
  assert.throws(
    () => renderDnsmasqConf(def, CTX),
    (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported' && /IPv4 network with prefix 20.*'ptrnet'/.test(e.message),
  )
})

test('tftp: enable-tftp once for several IPv4 roots, before DHCP; bootp with a server', () => {
  const def = net(
    "<ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.100' end='10.1.0.101'/><bootp file='pxe.0' server='10.1.0.2'/></dhcp><tftp root='/srv/a'/></ip>" +
      "<ip address='10.2.0.1' prefix='24'><tftp root='/srv/b'/></ip>",
  )
  const lines = body(def)
  const t = lines.indexOf('enable-tftp')
  assert.deepEqual(lines.slice(t, t + 4), ['enable-tftp', 'tftp-root=/srv/a', 'tftp-root=/srv/b', 'dhcp-range=10.1.0.100,10.1.0.101,255.255.255.0'])
  assert.ok(lines.includes('dhcp-boot=pxe.0,,10.1.0.2'))
})

test('addn-hosts: one line per address, names tab-terminated, same address merged', () => {
  const def = net(
    "<dns><host ip='10.1.0.5'><hostname>a</hostname><hostname>b</hostname></host><host ip='fd00::5'><hostname>c</hostname></host>" +
      "<host ip='10.1.0.5'><hostname>d</hostname></host></dns><ip address='10.1.0.1' prefix='24'></ip>",
  )
  assert.equal(renderAddnHosts(def), '10.1.0.5\ta\tb\td\t\nfd00::5\tc\t\n')
  assert.equal(renderAddnHosts(net(V4_DHCP)), '')
})

test('errors: multiple IPv4 DHCP, old dnsmasq, non-L3 mode, bad bridge name', () => {
  const two = net(V4_DHCP + "<ip address='10.2.0.1' prefix='24'><dhcp><range start='10.2.0.10' end='10.2.0.20'/></dhcp></ip>")
  assert.throws(() => renderDnsmasqConf(two, CTX), (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported' && /IPv4, multiple DHCP/.test(e.message))
  assert.throws(() => renderDnsmasqConf(net(V4_DHCP), { ...CTX, dnsmasqVersion: '2.66' }), /dnsmasq version >= 2\.67 required but 2\.66 found/)
  assert.throws(() => renderDnsmasqConf(net(V4_DHCP), { ...CTX, dnsmasqVersion: 'x' }), ValidationError)
  assert.doesNotThrow(() => renderDnsmasqConf(net(V4_DHCP), { ...CTX, dnsmasqVersion: 'Dnsmasq version 2.67  Copyright' }))
  const bridged = net('', { forward: "<forward mode='bridge'/>" })
  assert.throws(() => renderDnsmasqConf(bridged, CTX), (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported')
  assert.throws(() => renderDnsmasqConf(net(V4_DHCP), { ...CTX, bridgeName: 'br"x' }), ValidationError)
  assert.throws(() => renderDnsmasqConf(net(V4_DHCP), { ...CTX, pidFile: '/run/a "b.pid' }), ValidationError)
})

test('no line injection: control characters in values are refused with the network and field named', () => {
  // the XML parser refuses some of these already; definitions can also come from elsewhere (API, store)
  const base = net("<dns><txt name='k' value='v'/></dns><ip address='10.1.0.1' prefix='24'></ip>", { name: 'inj' })
  const txt: NetworkDef = { ...base, dns: { ...base.dns!, txts: [{ name: 'k', value: 'a\ndhcp-range=1.2.3.4,static' }] } }
  assert.throws(
    () => renderDnsmasqConf(txt, CTX),
    (e: unknown) => e instanceof ValidationError && /TXT record value .* in network 'inj'/.test(e.message),
  )
  const opt: NetworkDef = { ...net(V4_DHCP), dnsmasqOptions: ['log-dhcp', 'a\rb'] }
  assert.throws(() => renderDnsmasqConf(opt, CTX), /dnsmasq option/)
  const host = net("<dns><host ip='10.1.0.5'><hostname>a b</hostname></host></dns><ip address='10.1.0.1' prefix='24'></ip>")
  assert.throws(() => renderAddnHosts(host), /whitespace/)
})

test('network names: quotes and # escaped in paths, the raw name only in the comment', () => {
  const def = net(V4_DHCP, { name: 'a"b#c' })
  const files = renderDnsmasqFiles(def, CTX)
  assert.equal(files.hostsfilePath, '/run/hn/a&quot;b&#35;c.hostsfile')
  assert.match(files.conf, /^##    virsh net-edit a"b#c$/m)
  assert.match(files.conf, /^addn-hosts=\/run\/hn\/a&quot;b&#35;c\.addnhosts$/m)
})
