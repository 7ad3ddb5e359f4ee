import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../../test/helpers/paths.js'
import { conformanceAvailable } from '../../../../test/helpers/paths.js'
import { rngValidate } from '../../../../test/helpers/rng.js'
import { formatNetworkXml, parseNetworkXml } from './index.js'
import type { NetworkDef } from './index.js'
import { parseNetworkElement } from './parse.js'
import { parseXml } from '../../xml/parse.js'
import { ValidationError } from '../../../errors.js'
import type { Uuid } from '../../../model/values/uuid.js'

const testdata = join(repoRoot(), 'src/codec/libvirt-xml/network/testdata')
const update = process.env['UPDATE_GOLDEN'] === '1'
/** Fixtures using post-9.9.0 syntax ([newer]) that libvirt 9.9.0's network.rng does not know. */
const NEWER_SYNTAX = new Set(['domain-register', 'hostdev-driver-model'])

function fixtures(sub: string): string[] {
  return readdirSync(join(testdata, sub))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => f.slice(0, -4))
    .sort()
}

const invalid = fixtures('invalid')

test('there are at least 25 invalid-input fixtures', () => {
  assert.ok(invalid.length >= 25, `${invalid.length} fixtures`)
})

for (const name of invalid) {
  test(`invalid/${name} is rejected with the expected ValidationError`, () => {
    const xml = readFileSync(join(testdata, 'invalid', `${name}.xml`), 'utf8')
    const expect = /<!-- expect: (.*?) -->/.exec(xml)?.[1]
    const path = /<!-- path: (.*?) -->/.exec(xml)?.[1]
    assert.ok(expect, 'fixture has an expect comment')
    assert.throws(
      () => parseNetworkXml(xml),
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

const roundTrip = fixtures('in')
const formatted: Array<{ name: string; xml: string }> = []

for (const name of roundTrip) {
  test(`in/${name} formats to its golden output and is stable`, () => {
    const got = formatNetworkXml(parseNetworkXml(readFileSync(join(testdata, 'in', `${name}.xml`), 'utf8')))
    const goldenPath = join(testdata, 'out', `${name}.xml`)
    if (update || !existsSync(goldenPath)) writeFileSync(goldenPath, got)
    assert.equal(got, readFileSync(goldenPath, 'utf8'))
    assert.equal(formatNetworkXml(parseNetworkXml(got)), got)
    if (!NEWER_SYNTAX.has(name)) formatted.push({ name, xml: got })
  })
}

test('formatted fixtures validate against network.rng (9.9.0 syntax only)', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  assert.ok(formatted.length >= 10)
  assert.deepEqual(
    rngValidate('network.rng', formatted).filter((r) => !r.ok),
    [],
  )
})

test('a network without <uuid> gets one from the injected source (random by default)', () => {
  const xml = "<network><name>n</name><bridge name='virbr3'/></network>"
  const def = parseNetworkElement(parseXml(xml), { newUuid: () => '00000000-0000-4000-8000-000000000042' as Uuid })
  assert.equal(def.uuid, '00000000-0000-4000-8000-000000000042')
  const a = parseNetworkXml(xml).uuid
  const b = parseNetworkXml(xml).uuid
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.notEqual(a, b)
})

test('connections and a PF-generated pool are live-only: shown with flags 0, hidden when inactive', () => {
  const base = parseNetworkXml(
    "<network><name>pt</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid><forward mode='passthrough'><pf dev='eth0'/></forward></network>",
  )
  const live: NetworkDef = {
    ...base,
    connections: 2,
    forward: { ...base.forward, interfaces: [{ dev: 'eth0v0', connections: 2 }, { dev: 'eth0v1' }] },
  }
  assert.equal(
    formatNetworkXml(live),
    "<network connections='2'>\n  <name>pt</name>\n  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n" +
      "  <forward mode='passthrough'>\n    <pf dev='eth0'/>\n    <interface dev='eth0v0' connections='2'/>\n" +
      "    <interface dev='eth0v1'/>\n  </forward>\n</network>\n",
  )
  assert.equal(
    formatNetworkXml(live, { inactive: true }),
    "<network>\n  <name>pt</name>\n  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n" +
      "  <forward mode='passthrough'>\n    <pf dev='eth0'/>\n  </forward>\n</network>\n",
  )
})

test('the parsed model carries typed values', () => {
  const def = parseNetworkXml(readFileSync(join(testdata, 'in', 'dhcp-full.xml'), 'utf8'))
  assert.equal(def.forward.mode, 'none')
  const ip = def.ips[0]!
  assert.deepEqual(ip.address, { family: 'ipv4', value: 0xc0a88c01 })
  assert.equal(ip.dhcpHosts[0]?.mac, '52:54:00:11:22:33')
  assert.deepEqual(ip.dhcpRanges[0]?.lease, { expiry: 12, unit: 'hours' })
  assert.deepEqual(ip.dhcpHosts[0]?.lease, { expiry: 3, unit: 'minutes' })
  assert.equal(def.ips[1]?.address.family, 'ipv6')
  assert.deepEqual(def.domain, { name: 'lab.example', localOnly: true })
})

test('IPv4 octets with a leading zero are refused rather than read differently from glibc (octal)', () => {
  assert.throws(
    () => parseNetworkXml("<network><name>n</name><ip address='010.0.0.1' prefix='8'/></network>"),
    (e: unknown) => e instanceof ValidationError && /Invalid address '010.0.0.1' in network 'n'/.test(e.message),
  )
  assert.equal(parseNetworkXml("<network><name>n</name><ip address='10.0.0.1' prefix='8'/></network>").ips.length, 1)
})
