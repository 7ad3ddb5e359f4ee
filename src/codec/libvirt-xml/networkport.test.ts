import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import { formatNetworkPortXml, parseNetworkPortXml } from './networkport.js'
import type { NetworkPortDef } from './networkport.js'
import { ValidationError } from '../../errors.js'
import type { MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'

const invalidDir = join(repoRoot(), 'src/codec/libvirt-xml/networkport-testdata/invalid')
const invalid = readdirSync(invalidDir)
  .filter((f) => f.endsWith('.xml'))
  .sort()

test('there are at least 12 invalid network-port fixtures', () => {
  assert.ok(invalid.length >= 12, `${invalid.length} fixtures`)
})

for (const file of invalid) {
  test(`networkport-testdata/invalid/${file} is rejected with the expected ValidationError`, () => {
    const xml = readFileSync(join(invalidDir, file), 'utf8')
    const expect = /<!-- expect: (.*?) -->/.exec(xml)?.[1]
    const path = /<!-- path: (.*?) -->/.exec(xml)?.[1]
    assert.ok(expect, 'fixture has an expect comment')
    assert.throws(
      () => parseNetworkPortXml(xml),
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

const HEAD = `<networkport>
  <uuid>5D744F21BA4A4D6EBDB230A35FF3207D</uuid>
  <owner>
    <name>a&amp;b</name>
    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>
  </owner>
  <mac address='52:54:00:7B:35:93'/>`

test('canonical uuid/mac, plug type none dropped, direct mode defaults to vepa, typeless virtualport kept', () => {
  const def = parseNetworkPortXml(`${HEAD}
  <virtualport><parameters profileid='bob'/></virtualport>
  <bandwidth classID='5'/>
  <plug type='none' bridge='x'/>
</networkport>`)
  assert.equal(def.uuid, '5d744f21-ba4a-4d6e-bdb2-30a35ff3207d')
  assert.equal(def.plug, undefined)
  assert.equal(def.bandwidth, undefined, 'a <bandwidth> without rates is dropped, and its classID with it')
  assert.equal(
    formatNetworkPortXml(def),
    `<networkport>
  <uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>
  <owner>
    <name>a&amp;b</name>
    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>
  </owner>
  <mac address='52:54:00:7b:35:93'/>
  <virtualport>
    <parameters profileid='bob'/>
  </virtualport>
</networkport>
`,
  )
  const direct = parseNetworkPortXml(`${HEAD}<plug type='direct' dev='ens3'/></networkport>`)
  assert.deepEqual(direct.plug, { type: 'direct', dev: 'ens3', mode: 'vepa' })
  assert.ok(formatNetworkPortXml(direct).includes("<plug type='direct' dev='ens3' mode='vepa'/>"))
})

test('a constructed port formats in libvirt element order', () => {
  const def: NetworkPortDef = {
    uuid: '11111111-2222-4333-8444-555555555555' as Uuid,
    owner: { name: 'vm1', uuid: '11111111-2222-4333-8444-666666666666' as Uuid },
    group: 'pg',
    mac: '52:54:00:00:00:01' as MacAddr,
    virtualPort: { type: 'openvswitch', interfaceId: '11111111-2222-4333-8444-777777777777' as Uuid },
    bandwidth: { inbound: { average: 10, floor: 5 } },
    classId: 3,
    vlan: { tags: [7], trunk: false },
    isolatedPort: false,
    trustGuestRxFilters: false,
    plug: { type: 'hostdev-pci', driver: 'vfio', address: { domain: 0, bus: 3, slot: 0, function: 1 } },
  }
  const xml = formatNetworkPortXml(def)
  const order = ['<uuid>', '<owner>', '<group>', '<mac ', '<virtualport', '<bandwidth', '<vlan', '<port ', '<rxfilters', '<plug']
  const at = order.map((s) => xml.indexOf(s))
  assert.ok(at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)), xml)
  assert.ok(xml.includes("<bandwidth classID='3'>"))
  assert.deepEqual(parseNetworkPortXml(xml), def)
})
