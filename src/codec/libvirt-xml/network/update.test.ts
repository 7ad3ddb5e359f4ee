import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../../errors.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import type { NetworkUpdateCommand, NetworkUpdateSection } from '../../../model/network/update.js'
import { formatNetworkXml, parseNetworkXml } from './index.js'
import { updateNetworkDef } from './update.js'

const NET = `<network>
  <name>lab</name>
  <uuid>5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e01</uuid>
  <forward dev='eth0' mode='nat'>
    <interface dev='eth0'/>
  </forward>
  <bridge name='virbr7' stp='on' delay='0'/>
  <dns>
    <txt name='colour' value='blue'/>
    <srv service='ldap' protocol='tcp' domain='lab.test' target='dir.lab.test' port='389'/>
    <srv service='ldap' protocol='udp' domain='lab.test' target='dir.lab.test' port='389'/>
    <host ip='10.20.0.5'>
      <hostname>files</hostname>
    </host>
    <host ip='10.20.0.6'>
      <hostname>print</hostname>
      <hostname>files</hostname>
    </host>
  </dns>
  <ip address='10.20.0.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.20.0.100' end='10.20.0.199'/>
      <host mac='52:54:00:aa:00:01' name='alpha' ip='10.20.0.11'/>
      <host mac='52:54:00:aa:00:02' name='beta' ip='10.20.0.12'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:20::1' prefix='64'/>
  <ip address='10.21.0.1' prefix='24'/>
  <portgroup name='web' default='yes'>
    <vlan>
      <tag id='10'/>
    </vlan>
  </portgroup>
  <portgroup name='db'>
    <vlan>
      <tag id='20'/>
    </vlan>
  </portgroup>
</network>
`

const base = (): NetworkDef => parseNetworkXml(NET)

function upd(command: NetworkUpdateCommand, section: NetworkUpdateSection, xml: string, parentIndex = -1, def = base()): NetworkDef {
  return updateNetworkDef(def, { command, section, xml, parentIndex })
}

/** The refusal: its kind, libvirt's error code, and a piece of its message. */
function refused(fn: () => unknown, kind: string, code: string | undefined, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HostnetError, String(e))
    assert.equal(e.kind, kind, e.message)
    if (code !== undefined) assert.equal(e.details?.['libvirtError'], code, e.message)
    assert.match(e.message, message)
    return true
  })
}

const hosts = (d: NetworkDef, ip = 0): string[] => (d.ips[ip]?.dhcpHosts ?? []).map((h) => h.name ?? h.mac ?? '?')

test('ip-dhcp-host add-last: the whole document as libvirt formats it, the input untouched', () => {
  const before = base()
  const out = upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:AA:00:03' name='gamma' ip='10.20.0.13'/>`, -1, before)
  const xml = formatNetworkXml(out)
  assert.equal(
    /^ {4}<dhcp>\n([^]*?)^ {4}<\/dhcp>$/m.exec(xml)?.[1],
    `      <range start='10.20.0.100' end='10.20.0.199'/>
      <host mac='52:54:00:aa:00:01' name='alpha' ip='10.20.0.11'/>
      <host mac='52:54:00:aa:00:02' name='beta' ip='10.20.0.12'/>
      <host mac='52:54:00:AA:00:03' name='gamma' ip='10.20.0.13'/>
`,
  )
  // everything else is the document as it was
  assert.equal(xml.replace("      <host mac='52:54:00:AA:00:03' name='gamma' ip='10.20.0.13'/>\n", ''), formatNetworkXml(before))
  assert.deepEqual(hosts(before), ['alpha', 'beta'])
})

test('ip-dhcp-host add-first puts the host first; parent index selects the <ip>', () => {
  assert.deepEqual(hosts(upd('add-first', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:03' ip='10.20.0.13'/>`, 0)), ['52:54:00:aa:00:03', 'alpha', 'beta'])
  const v6 = upd('add-last', 'ip-dhcp-host', `<host id='0:3:0:1:52:54:0:0:0:1' name='six' ip='fd00:20::11'/>`, 1)
  assert.deepEqual(hosts(v6, 1), ['six'])
  assert.deepEqual(hosts(v6, 0), ['alpha', 'beta'])
})

test('ip-dhcp-host add refuses a duplicate MAC, name or address, and anything else libvirt refuses', () => {
  const dup = /existing dhcp host entry in network 'lab' that matches/
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:AA:00:01' name='x' ip='10.20.0.50'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', dup)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' name='beta' ip='10.20.0.50'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', dup)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' name='x' ip='10.20.0.12'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', dup)
  refused(
    () => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' ip='10.99.0.5'/>`),
    'invalid-argument',
    'VIR_ERR_CONFIG_UNSUPPORTED',
    /static host address '10.99.0.5' is not within network 10.20.0.1\/24/,
  )
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' ip='10.20.0.50'/>`, 7), 'conflict', 'VIR_ERR_OPERATION_INVALID', /no <ip> element found at index 7/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host name='v' ip='fd00:20::9'/>`, 0), 'conflict', 'VIR_ERR_OPERATION_INVALID', /address family of a host entry IP must match/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' ip='10.21.0.9'/>`, 2), 'conflict', 'VIR_ERR_OPERATION_INVALID', /dhcp is supported only for a single IPv4 address/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09'/>`), 'invalid-argument', undefined, /Missing IP address in static host definition/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='01:54:00:aa:00:09' ip='10.20.0.9'/>`), 'invalid-argument', undefined, /expected unicast mac address/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<range start='10.20.0.2' end='10.20.0.3'/>`), 'invalid-argument', 'VIR_ERR_XML_ERROR', /unexpected element <range>, expecting <host>/)
  refused(() => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09'`), 'invalid-argument', undefined, /XML/)
})

test('ip-dhcp-host modify replaces the entry found by MAC, address or name; delete matches every attribute given', () => {
  const m = upd('modify', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:02' name='beta2' ip='10.20.0.22'/>`)
  assert.deepEqual(m.ips[0]?.dhcpHosts.map((h) => `${h.name}@${h.ip && h.ip.value}`).length, 2)
  assert.equal(m.ips[0]?.dhcpHosts[1]?.name, 'beta2')
  const byName = upd('modify', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:07' name='alpha' ip='10.20.0.31'/>`)
  assert.equal(byName.ips[0]?.dhcpHosts[0]?.mac, '52:54:00:aa:00:07')
  refused(() => upd('modify', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:07' name='zeta' ip='10.20.0.31'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate an existing dhcp host entry/)
  refused(() => upd('modify', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:02'/>`), 'invalid-argument', undefined, /Missing IP address/)
  assert.deepEqual(hosts(upd('delete', 'ip-dhcp-host', `<host mac='52:54:00:AA:00:01'/>`)), ['beta'])
  assert.deepEqual(hosts(upd('delete', 'ip-dhcp-host', `<host name='beta' ip='10.20.0.12'/>`)), ['alpha'])
  refused(() => upd('delete', 'ip-dhcp-host', `<host name='beta' ip='10.20.0.11'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate a matching dhcp host entry/)
  refused(() => upd('delete', 'ip-dhcp-host', `<host/>`), 'invalid-argument', undefined, /At least one of name, mac, or ip/)
})

test('ip-dhcp-range: add first or last, inside the subnet, once; delete exact; no modify', () => {
  const added = upd('add-first', 'ip-dhcp-range', `<range start='10.20.0.20' end='10.20.0.29'/>`)
  assert.deepEqual(added.ips[0]?.dhcpRanges.map((r) => Number(r.start.value) & 255), [20, 100])
  assert.deepEqual(upd('add-last', 'ip-dhcp-range', `<range start='10.20.0.20' end='10.20.0.29'/>`).ips[0]?.dhcpRanges.map((r) => Number(r.start.value) & 255), [100, 20])
  refused(() => upd('add-last', 'ip-dhcp-range', `<range start='10.20.0.100' end='10.20.0.199'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /existing dhcp range entry/)
  refused(() => upd('add-last', 'ip-dhcp-range', `<range start='10.30.0.2' end='10.30.0.9'/>`), 'invalid-argument', undefined, /not entirely within network/)
  refused(() => upd('modify', 'ip-dhcp-range', `<range start='10.20.0.100' end='10.20.0.199'/>`), 'not-supported', 'VIR_ERR_OPERATION_UNSUPPORTED', /cannot be modified/)
  assert.equal(upd('delete', 'ip-dhcp-range', `<range start='10.20.0.100' end='10.20.0.199'/>`).ips[0]?.dhcpRanges.length, 0)
  refused(() => upd('delete', 'ip-dhcp-range', `<range start='10.20.0.100' end='10.20.0.198'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate a matching dhcp range/)
})

const POOL = `<network><name>pool</name><uuid>5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e05</uuid><forward mode='vepa'><interface dev='eth0'/><interface dev='eth1'/></forward></network>`

test('forward-interface: add-first changes the forward dev; delete refused while in use', () => {
  const pool = (): NetworkDef => parseNetworkXml(POOL)
  const out = upd('add-first', 'forward-interface', `<interface dev='eth9'/>`, -1, pool())
  assert.match(formatNetworkXml(out), /<forward dev='eth9' mode='vepa'>\n    <interface dev='eth9'\/>\n    <interface dev='eth0'\/>\n    <interface dev='eth1'\/>/)
  assert.deepEqual(upd('delete', 'forward-interface', `<interface dev='eth0'/>`, -1, pool()).forward.interfaces.map((i) => i.dev), ['eth1'])
  refused(() => upd('add-last', 'forward-interface', `<interface dev='eth1'/>`, -1, pool()), 'conflict', 'VIR_ERR_OPERATION_INVALID', /existing interface entry/)
  refused(() => upd('delete', 'forward-interface', `<interface dev='eth5'/>`, -1, pool()), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't find an interface entry/)
  refused(() => upd('modify', 'forward-interface', `<interface dev='eth1'/>`, -1, pool()), 'not-supported', 'VIR_ERR_OPERATION_UNSUPPORTED', /cannot be modified/)
  refused(() => upd('add-last', 'forward-interface', `<interface name='eth1'/>`, -1, pool()), 'invalid-argument', 'VIR_ERR_XML_ERROR', /missing dev attribute/)
  const inUse: NetworkDef = { ...pool(), forward: { ...pool().forward, interfaces: [{ dev: 'eth0', connections: 2 }, { dev: 'eth1' }] } }
  refused(() => upd('delete', 'forward-interface', `<interface dev='eth0'/>`, -1, inUse), 'conflict', 'VIR_ERR_OPERATION_INVALID', /currently being used by 2 domains/)
  // a NAT network has one forward device at most: libvirt's parser refuses the result
  refused(() => upd('add-last', 'forward-interface', `<interface dev='eth1'/>`), 'invalid-argument', undefined, /multiple forwarding interfaces/)
})

test('portgroup: add, modify and delete by name; one default', () => {
  const names = (d: NetworkDef): string[] => d.portGroups.map((p) => p.name)
  assert.deepEqual(names(upd('add-first', 'portgroup', `<portgroup name='ops'/>`)), ['ops', 'web', 'db'])
  assert.deepEqual(names(upd('add-last', 'portgroup', `<portgroup name='ops'/>`)), ['web', 'db', 'ops'])
  const m = upd('modify', 'portgroup', `<portgroup name='db'><vlan><tag id='30'/></vlan></portgroup>`)
  assert.match(formatNetworkXml(m), /<portgroup name='db'>\n    <vlan>\n      <tag id='30'\/>/)
  assert.deepEqual(names(upd('delete', 'portgroup', `<portgroup name='web'/>`)), ['db'])
  refused(() => upd('add-last', 'portgroup', `<portgroup name='db'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /existing portgroup entry/)
  refused(() => upd('modify', 'portgroup', `<portgroup name='nope'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't find a portgroup entry/)
  refused(() => upd('delete', 'portgroup', `<portgroup name='nope'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't find a portgroup entry/)
  refused(() => upd('add-last', 'portgroup', `<portgroup name='ops' default='yes'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /already set as the default/)
  // the default itself may be modified and stay the default
  assert.equal(upd('modify', 'portgroup', `<portgroup name='web' default='yes'/>`).portGroups[0]?.isDefault, true)
  refused(() => upd('add-last', 'portgroup', `<portgroup/>`), 'invalid-argument', undefined, /Missing required name attribute in portgroup/)
})

test('dns-host: add needs a new address; delete by address or name, one match only; no modify', () => {
  const add = upd('add-first', 'dns-host', `<host ip='10.20.0.7'><hostname>mail</hostname></host>`)
  assert.deepEqual(add.dns?.hosts.map((h) => h.hostnames.join(',')), ['mail', 'files', 'print,files'])
  // the same name on another address is fine
  assert.equal(upd('add-last', 'dns-host', `<host ip='10.20.0.8'><hostname>files</hostname></host>`).dns?.hosts.length, 3)
  refused(() => upd('add-last', 'dns-host', `<host ip='10.20.0.5'><hostname>other</hostname></host>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /already at least one DNS HOST record/)
  assert.deepEqual(upd('delete', 'dns-host', `<host><hostname>print</hostname></host>`).dns?.hosts.map((h) => h.hostnames[0]), ['files'])
  assert.deepEqual(upd('delete', 'dns-host', `<host ip='10.20.0.5'/>`).dns?.hosts.map((h) => h.hostnames[0]), ['print'])
  refused(() => upd('delete', 'dns-host', `<host><hostname>files</hostname></host>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /multiple matching DNS HOST records/)
  refused(() => upd('delete', 'dns-host', `<host ip='10.20.0.99'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate a matching DNS HOST record/)
  refused(() => upd('delete', 'dns-host', `<host/>`), 'invalid-argument', undefined, /Missing ip and hostname/)
  refused(() => upd('modify', 'dns-host', `<host ip='10.20.0.5'><hostname>x</hostname></host>`), 'not-supported', 'VIR_ERR_OPERATION_UNSUPPORTED', /cannot be modified/)
  refused(() => upd('add-last', 'dns-host', `<host ip='10.20.0.9'/>`), 'invalid-argument', undefined, /Missing hostname/)
})

test('dns-txt and dns-srv: add once, delete by what is given, ambiguity refused; dns appears and disappears', () => {
  assert.deepEqual(upd('add-first', 'dns-txt', `<txt name='shape' value='round'/>`).dns?.txts.map((t) => t.name), ['shape', 'colour'])
  refused(() => upd('add-last', 'dns-txt', `<txt name='colour' value='red'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /already a DNS TXT record with name 'colour'/)
  assert.equal(upd('delete', 'dns-txt', `<txt name='colour'/>`).dns?.txts.length, 0)
  refused(() => upd('delete', 'dns-txt', `<txt name='shape'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate a matching DNS TXT record/)
  refused(() => upd('add-last', 'dns-txt', `<txt name='shape'/>`), 'invalid-argument', undefined, /missing required value attribute/)
  refused(() => upd('modify', 'dns-txt', `<txt name='colour' value='red'/>`), 'not-supported', 'VIR_ERR_OPERATION_UNSUPPORTED', /cannot be modified/)

  const srv = upd('add-last', 'dns-srv', `<srv service='http' protocol='tcp' target='www.lab.test' port='80'/>`)
  assert.deepEqual(srv.dns?.srvs.map((s) => `${s.service}/${s.protocol}`), ['ldap/tcp', 'ldap/udp', 'http/tcp'])
  refused(() => upd('add-last', 'dns-srv', `<srv service='ldap' protocol='tcp'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /already at least one DNS SRV record/)
  refused(() => upd('delete', 'dns-srv', `<srv service='ldap'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /multiple DNS SRV records/)
  assert.deepEqual(upd('delete', 'dns-srv', `<srv protocol='udp'/>`).dns?.srvs.map((s) => s.protocol), ['tcp'])
  refused(() => upd('delete', 'dns-srv', `<srv service='smtp'/>`), 'conflict', 'VIR_ERR_OPERATION_INVALID', /couldn't locate a matching DNS SRV record/)

  // a network without <dns> gains one, and loses it with its last record
  const bare = parseNetworkXml(`<network><name>b</name><uuid>5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e02</uuid><ip address='10.5.0.1' prefix='24'/></network>`)
  const withTxt = upd('add-last', 'dns-txt', `<txt name='k' value='v'/>`, -1, bare)
  assert.match(formatNetworkXml(withTxt), /  <dns>\n    <txt name='k' value='v'\/>\n  <\/dns>/)
  assert.equal(formatNetworkXml(upd('delete', 'dns-txt', `<txt name='k'/>`, -1, withTxt)), formatNetworkXml(bare))
})

test('sections libvirt cannot update are refused as not supported; the result must parse again', () => {
  for (const [section, name] of [['bridge', 'bridge'], ['domain', 'domain'], ['ip', 'ip'], ['forward', 'forward'], ['forward-pf', 'forward pf']] as const) {
    refused(() => upd('add-last', section, `<${section}/>`), 'not-supported', 'VIR_ERR_OPERATION_UNSUPPORTED', new RegExp(`can't update '${name}' section of network 'lab'`))
  }
  const off = parseNetworkXml(`<network><name>q</name><uuid>5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e03</uuid><dns enable='no'/><ip address='10.6.0.1' prefix='24'/></network>`)
  refused(() => upd('add-last', 'dns-host', `<host ip='10.6.0.5'><hostname>x</hostname></host>`, -1, off), 'invalid-argument', undefined, /Extra data in disabled network 'q'/)
  refused(
    () => upd('add-last', 'ip-dhcp-host', `<host mac='52:54:00:aa:00:09' ip='10.6.0.9'/>`, -1, parseNetworkXml(`<network><name>z</name><uuid>5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e04</uuid></network>`)),
    'conflict',
    'VIR_ERR_OPERATION_INVALID',
    /no <ip> element found in network 'z'/,
  )
})
