import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import { formatInterfaceXml, parseInterfaceXml } from './interface.js'
import { formatDelaySec } from './interface-members.js'
import { ValidationError } from '../../errors.js'
import { interfaceNames } from '../../model/iface-xml/interface-def.js'

const invalidDir = join(repoRoot(), 'src/codec/libvirt-xml/interface-testdata/invalid')
const invalid = readdirSync(invalidDir)
  .filter((f) => f.endsWith('.xml'))
  .sort()

test('there are at least 12 invalid host-interface fixtures', () => {
  assert.ok(invalid.length >= 12, `${invalid.length} fixtures`)
})

for (const file of invalid) {
  test(`interface-testdata/invalid/${file} is rejected with the expected ValidationError`, () => {
    const xml = readFileSync(join(invalidDir, file), 'utf8')
    const expect = /<!-- expect: (.*?) -->/.exec(xml)?.[1]
    const path = /<!-- path: (.*?) -->/.exec(xml)?.[1]
    assert.ok(expect, 'fixture has an expect comment')
    assert.throws(
      () => parseInterfaceXml(xml),
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

test('canonical forms: MAC lower-case, IPv6 compressed, prefix base 0, delay decimal, prefix 0 dropped', () => {
  const xml = `<interface type="bridge" name="br0">
  <protocol family="ipv6"><ip address="2001:0DB8:0:0::1" prefix="0x40"/><ip address="fd00::2" prefix="0"/></protocol>
  <bridge stp="on" delay="0.010"><interface type="ethernet" name="eth0"><mac address="AA:BB:CC:0:1:2"/></interface></bridge>
</interface>`
  assert.equal(
    formatInterfaceXml(parseInterfaceXml(xml)),
    `<interface type='bridge' name='br0'>
  <protocol family='ipv6'>
    <ip address='2001:db8::1' prefix='64'/>
    <ip address='fd00::2'/>
  </protocol>
  <bridge stp='on' delay='0.01'>
    <interface type='ethernet' name='eth0'>
      <mac address='aa:bb:cc:00:01:02'/>
    </interface>
  </bridge>
</interface>
`,
  )
  assert.equal(formatDelaySec(15), '15')
  assert.equal(formatDelaySec(0.0000001), '0.0000001')
})

test('members ignore top-level-only elements; ipv4 autoconf and ip without address are dropped', () => {
  const def = parseInterfaceXml(`<interface type='bond' name='bond0'>
  <start mode='hotplug'/>
  <mtu size='0'/>
  <protocol family='ipv4'><autoconf/><ip prefix='8'/><dhcp peerdns='no'/></protocol>
  <bond mode='802.3ad'>
    <arpmon interval='100' target='10.0.0.1' validate='none'/>
    <interface type='ethernet' name='eth1'><start mode='onboot'/><mtu size='9000'/><link speed='0' state='up'/></interface>
  </bond>
</interface>`)
  assert.equal(def.type, 'bond')
  assert.equal(def.mtu, undefined)
  assert.deepEqual(def.protocols, [{ family: 'ipv4', dhcp: { peerDns: false }, addresses: [] }])
  assert.deepEqual(interfaceNames(def), ['bond0', 'eth1'])
  assert.equal(
    formatInterfaceXml(def),
    `<interface type='bond' name='bond0'>
  <start mode='hotplug'/>
  <protocol family='ipv4'>
    <dhcp peerdns='no'/>
  </protocol>
  <bond mode='802.3ad'>
    <arpmon interval='100' target='10.0.0.1' validate='none'/>
    <interface type='ethernet' name='eth1'>
      <link state='up'/>
    </interface>
  </bond>
</interface>
`,
  )
})

test('vlan members of a bridge and bond members of a bridge nest; bridges carry no link', () => {
  const xml = `<interface type='bridge' name='br0'>
  <link state='up'/>
  <bridge>
    <interface type='vlan' name='eth0.42'>
      <link state='down'/>
      <vlan tag='42'>
        <interface name='eth0'/>
      </vlan>
    </interface>
    <interface type='bond' name='bond1'>
      <bond>
        <miimon freq='50' downdelay='0' updelay='20' carrier='netif'/>
        <interface type='ethernet' name='eth2'>
        </interface>
      </bond>
    </interface>
  </bridge>
</interface>
`
  const def = parseInterfaceXml(xml)
  assert.deepEqual(interfaceNames(def), ['br0', 'eth0.42', 'bond1', 'eth2'])
  const out = formatInterfaceXml(def)
  assert.ok(!out.includes("<link state='up'/>"), 'bridge link is not formatted')
  assert.ok(out.includes("<miimon freq='50' updelay='20' carrier='netif'/>"))
  assert.equal(formatInterfaceXml(parseInterfaceXml(out)), out)
})
