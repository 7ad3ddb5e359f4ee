import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from './domain-interface.js'
import { randomGuestMac } from './domain-interface-defaults.js'
import { ValidationError } from '../../errors.js'
import { actualBandwidth, actualBridgeName, actualType, actualVirtualPort, actualVlan } from '../../model/domain-interface-actual.js'
import type { MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'

const invalidDir = join(repoRoot(), 'src/codec/libvirt-xml/domain-interface-testdata/invalid')
const invalid = readdirSync(invalidDir)
  .filter((f) => f.endsWith('.xml'))
  .sort()

test('there are at least 12 invalid domain-interface fixtures', () => {
  assert.ok(invalid.length >= 12, `${invalid.length} fixtures`)
})

for (const file of invalid) {
  test(`domain-interface-testdata/invalid/${file} is rejected with the expected ValidationError`, () => {
    const xml = readFileSync(join(invalidDir, file), 'utf8')
    const expect = /<!-- expect: (.*?) -->/.exec(xml)?.[1]
    const path = /<!-- path: (.*?) -->/.exec(xml)?.[1]
    assert.ok(expect, 'fixture has an expect comment')
    assert.throws(
      () => parseDomainInterfaceXml(xml),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError, `not a ValidationError: ${String(e)}`)
        assert.equal(e.kind, 'invalid-argument')
        assert.ok(e.message.includes(expect), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(expect)}`)
        if (path !== undefined) assert.equal(e.path, path)
        return true
      },
    )
  })
}

const PORT = '9a8b7c6d-1111-4222-8333-444455556666'
const STATUS = `<interface type='network' trustGuestRxFilters='yes'>
  <mac address='52:54:00:36:bd:3b'/>
  <source network='default' portgroup='web' portid='${PORT}'/>
  <bandwidth>
    <inbound average='1000' floor='200'/>
  </bandwidth>
  <actual type='bridge' trustGuestRxFilters='yes'>
    <source bridge='ovsbr0'/>
    <class id='3'/>
    <vlan>
      <tag id='42'/>
    </vlan>
    <virtualport type='openvswitch'>
      <parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>
    </virtualport>
    <bandwidth>
      <inbound average='1000'/>
    </bandwidth>
    <port isolated='yes'/>
  </actual>
  <target dev='vnet7'/>
  <model type='virtio'/>
  <alias name='net0'/>
</interface>
`

test('status form round-trips; inactive form drops portid, actual, generated target and non-user alias', () => {
  const def = parseDomainInterfaceXml(STATUS)
  assert.equal(formatDomainInterfaceXml(def), STATUS)
  assert.equal(
    formatDomainInterfaceXml(parseDomainInterfaceXml(STATUS, { inactive: true }), { indentLevel: 2 }),
    `    <interface type='network' trustGuestRxFilters='yes'>
      <mac address='52:54:00:36:bd:3b'/>
      <source network='default' portgroup='web'/>
      <bandwidth>
        <inbound average='1000' floor='200'/>
      </bandwidth>
      <model type='virtio'/>
    </interface>
`,
  )
  assert.equal(formatDomainInterfaceXml(def, { inactive: true }).includes('portid'), false)
})

test('live form shows the actual connection in place of the configured one (libvirt publicActual)', () => {
  const def = parseDomainInterfaceXml(STATUS)
  assert.equal(actualType(def), 'bridge')
  assert.equal(actualBridgeName(def), 'ovsbr0')
  assert.deepEqual(actualVlan(def), { tags: [42], trunk: false })
  assert.equal(actualVirtualPort(def)?.type, 'openvswitch')
  assert.deepEqual(actualBandwidth(def), { inbound: { average: 1000 } })
  assert.equal(
    formatDomainInterfaceXml(def, { live: true }),
    `<interface type='bridge' trustGuestRxFilters='yes'>
  <mac address='52:54:00:36:bd:3b'/>
  <source network='default' portgroup='web' portid='${PORT}' bridge='ovsbr0'/>
  <vlan>
    <tag id='42'/>
  </vlan>
  <virtualport type='openvswitch'>
    <parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>
  </virtualport>
  <bandwidth>
    <inbound average='1000'/>
  </bandwidth>
  <port isolated='yes'/>
  <target dev='vnet7'/>
  <model type='virtio'/>
  <alias name='net0'/>
</interface>
`,
  )
})

test('actual hostdev and direct connections, status and live', () => {
  const xml = `<interface type='network'>
  <mac address='52:54:00:00:00:02'/>
  <source network='hostdev-pool'/>
  <actual type='hostdev' managed='yes'>
    <driver name='vfio'/>
    <source>
      <address type='pci' domain='0x0000' bus='0x06' slot='0x12' function='0x1'/>
    </source>
    <virtualport type='802.1Qbh'>
      <parameters profileid='p1'/>
    </virtualport>
  </actual>
</interface>
`
  const def = parseDomainInterfaceXml(xml)
  assert.equal(formatDomainInterfaceXml(def), xml)
  const live = formatDomainInterfaceXml(def, { live: true })
  assert.ok(live.startsWith("<interface type='hostdev' managed='yes'>\n  <mac address='52:54:00:00:00:02'/>\n  <driver name='vfio'/>\n  <source>\n"), live)
  const direct = parseDomainInterfaceXml(`<interface type='network'><mac address='52:54:00:00:00:03'/><source network='macvtap-net'/>
    <actual type='direct'><source dev='eth1'/></actual></interface>`)
  assert.ok(formatDomainInterfaceXml(direct).includes("<actual type='direct'>\n    <source dev='eth1' mode='vepa'/>\n  </actual>"))
  assert.ok(formatDomainInterfaceXml(direct, { live: true }).includes("<source network='macvtap-net' dev='eth1' mode='vepa'/>"))
})

test('missing defaults are generated: MAC (also for all-zero), virtualport ids per interface type', () => {
  let n = 0
  const newUuid = (): Uuid => `00000000-0000-4000-8000-00000000000${n++}` as Uuid
  const newMac = (): MacAddr => '52:54:00:aa:bb:cc' as MacAddr
  const net = parseDomainInterfaceXml(`<interface type='network'><source network='n'/><virtualport/></interface>`, { newUuid, newMac })
  assert.equal(net.mac, '52:54:00:aa:bb:cc')
  assert.deepEqual(net.virtualPort, { instanceId: '00000000-0000-4000-8000-000000000000', interfaceId: '00000000-0000-4000-8000-000000000001' })
  const ovs = parseDomainInterfaceXml(`<interface type='bridge'><mac address='00:00:00:00:00:00'/><source bridge='b'/><virtualport type='openvswitch'/></interface>`, {
    newUuid,
    newMac,
  })
  assert.equal(ovs.mac, '52:54:00:aa:bb:cc')
  assert.deepEqual(ovs.virtualPort, { type: 'openvswitch', interfaceId: '00000000-0000-4000-8000-000000000002' })
  assert.throws(() => parseDomainInterfaceXml(`<interface type='bridge'><source bridge='b'/><virtualport type='midonet'/></interface>`), /missing interfaceid/)
  assert.match(randomGuestMac(), /^52:54:00(:[0-9a-f]{2}){3}$/)
  const user = parseDomainInterfaceXml('<interface><mac address="00:11:22:33:44:55"/></interface>')
  assert.equal(user.type, 'user')
})

test('opaque elements come back in libvirt order; duplicates, unknown elements and non-virtio drivers are dropped', () => {
  const scrambled = `<interface type='ethernet'>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
  <coalesce><rx><frames max='7'/></rx></coalesce>
  <mtu size='9000'/>
  <link state='down'/>
  <tune><sndbuf>1600</sndbuf></tune>
  <driver queues='4'/>
  <model type='rtl8139'/>
  <target dev='tap0' managed='no'/>
  <script path='/etc/qemu-ifup'/>
  <script path='/etc/other'/>
  <ip address='10.0.0.2' family='ipv4' prefix='24'/>
  <route family='ipv4' address='10.1.0.0' prefix='16' gateway='10.0.0.1'/>
  <ip address='fd00::2' family='ipv6'/>
  <source><route family='ipv4' address='0.0.0.0' gateway='10.0.0.2'/><ip address='10.0.0.1' family='ipv4' prefix='24'/></source>
  <frobnicate/>
  <mac address='00:11:22:33:44:55'/>
  <boot order='2'/>
</interface>`
  assert.equal(
    formatDomainInterfaceXml(parseDomainInterfaceXml(scrambled)),
    `<interface type='ethernet'>
  <mac address='00:11:22:33:44:55'/>
  <source>
    <ip address='10.0.0.1' family='ipv4' prefix='24'/>
    <route family='ipv4' address='0.0.0.0' gateway='10.0.0.2'/>
  </source>
  <ip address='10.0.0.2' family='ipv4' prefix='24'/>
  <ip address='fd00::2' family='ipv6'/>
  <route family='ipv4' address='10.1.0.0' prefix='16' gateway='10.0.0.1'/>
  <script path='/etc/qemu-ifup'/>
  <target dev='tap0' managed='no'/>
  <model type='rtl8139'/>
  <tune>
    <sndbuf>1600</sndbuf>
  </tune>
  <link state='down'/>
  <mtu size='9000'/>
  <coalesce>
    <rx>
      <frames max='7'/>
    </rx>
  </coalesce>
  <boot order='2'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
</interface>
`,
  )
})

test('an unmanaged tap keeps a vnet-like name in inactive XML; socket and vds types round-trip', () => {
  const tap = `<interface type='ethernet'>\n  <mac address='fe:11:22:33:44:55'/>\n  <target dev='vnet9' managed='no'/>\n</interface>\n`
  assert.equal(formatDomainInterfaceXml(parseDomainInterfaceXml(tap, { inactive: true }), { inactive: true }), tap)
  for (const xml of [
    `<interface type='mcast'>\n  <mac address='52:54:00:00:00:09'/>\n  <source address='230.0.0.1' port='5558'/>\n</interface>\n`,
    `<interface type='vds'>\n  <mac address='52:54:00:00:00:0a'/>\n  <source switchid='12345678-1234-4234-8234-123456789abc' portid='-5' portgroupid='pg1' connectionid='42'/>\n</interface>\n`,
    `<interface type='vhostuser'>\n  <mac address='52:54:00:00:00:0b'/>\n  <source type='unix' path='/tmp/s' mode='client'>\n    <reconnect enabled='yes' timeout='10'/>\n  </source>\n  <model type='virtio'/>\n</interface>\n`,
    `<interface type='null'>\n  <mac address='52:54:00:00:00:0c'/>\n</interface>\n`,
  ]) {
    assert.equal(formatDomainInterfaceXml(parseDomainInterfaceXml(xml)), xml)
  }
})
