import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RegexError, SafeRegex } from './regex.js'
import { filterResources, splitQuery } from './filter.js'
import { firstViolation, validateParams } from './schema.js'
import { KimchiError } from './errors.js'
import { reasonText } from './messages.js'
import { jsonNestsDeeper, pyQuote } from './http.js'
import { NETWORK_UPDATE, NETWORKS_CREATE, TEMPLATES_CREATE, VMIFACE_UPDATE, VMIFACES_CREATE } from '../schemas.js'

const m = (p: string, s: string): boolean => SafeRegex.compile(p).match(s)

test("regex: re.match semantics (anchored at the start only), alternation, Kimchi's UI filters", () => {
  assert.equal(m('eth', 'eth0'), true)
  assert.equal(m('th', 'eth0'), false)
  // `^nic|bonding|vlan$` is "^nic" or "bonding" or "vlan$" (the UI relies on it)
  for (const [s, want] of [['nic', true], ['bonding', true], ['vlan', true], ['bridge', false], ['nicx', true], ['xvlan', false]] as const) assert.equal(m('^nic|bonding|vlan$', s), want, s)
  const noMlx = '^(?!mlx5_core|mlx5-core).*$'
  assert.equal(m(noMlx, 'mlx5_core'), false)
  assert.equal(m(noMlx, 'mlx5-core'), false)
  assert.equal(m(noMlx, 'e1000e'), true)
  assert.equal(m(noMlx, ''), true)
  assert.equal(m('(?=e)e1', 'e1000'), true)
  assert.equal(m('a{2,3}b', 'aab'), true)
  assert.equal(m('a{2,3}b', 'ab'), false)
  assert.equal(m('[a-c]+\\d$', 'abc7'), true)
  assert.equal(m('[^a-c]', 'd'), true)
  assert.equal(m('x$', 'x\n'), true) // Python's $ before a final newline
  assert.equal(m('\\bkb', 'kbeth1'), true)
  assert.equal(m('a{,2}$', 'aa'), true)
  assert.equal(m('a{x}', 'a{x}'), true) // a literal brace, as Python reads it
  assert.equal(m('kīмсhī', 'kīмсhī-пet'), true)
  assert.equal(m('.', '\n'), false)
})

test('regex: refused constructs and limits are RegexErrors, never a hang', () => {
  for (const p of ['(a', 'a)', '*a', 'a**', '(?<=a)b', '(?i)a', '\\1', 'a{2000}', '[z-a]', 'x'.repeat(600), '\\q']) {
    assert.throws(() => SafeRegex.compile(p), RegexError, p)
  }
  // catastrophic for a backtracking engine; linear here
  const evil = SafeRegex.compile('^(a+)+$')
  const t0 = process.hrtime.bigint()
  assert.equal(evil.match(`${'a'.repeat(5000)}!`), false)
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 2000)
  assert.equal(SafeRegex.compile('^(a|aa)*(?!b)c').match(`${'a'.repeat(3000)}c`), true)
})

test('filters: flags apart, equality, regex, repeated values, non-strings by their JSON text, missing keys drop', () => {
  const q = splitQuery(new URLSearchParams('_inuse=false&type=^nic|bonding&name=eth0&name=eth2&in_use=true'))
  assert.deepEqual([...q.flags], [['_inuse', 'false']])
  const rows = [
    { name: 'eth0', type: 'nic', in_use: true },
    { name: 'eth1', type: 'nic', in_use: true },
    { name: 'eth2', type: 'bonding', in_use: true },
    { name: 'eth2', type: 'bonding', in_use: false },
  ]
  assert.deepEqual(filterResources(rows, q.fields), [rows[0], rows[2]])
  assert.deepEqual(filterResources(rows, splitQuery(new URLSearchParams('nope=1')).fields), [])
  // a pattern Python would refuse still matches by equality
  assert.deepEqual(filterResources([{ name: 'a(' }], splitQuery(new URLSearchParams('name=a(')).fields), [{ name: 'a(' }])
  assert.throws(() => splitQuery(new URLSearchParams(Array.from({ length: 40 }, (_, i): [string, string] => [`k${i}`, 'v']))), KimchiError)
})

function code(schema: Parameters<typeof firstViolation>[0], v: unknown): string | undefined {
  return firstViolation(schema, v)?.code
}

test("schemas: Kimchi's codes, the failing node's code, the parent's for a missing property, strict enums", () => {
  assert.equal(code(NETWORKS_CREATE, { connection: 'nat' }), 'KCHNET0016E')
  assert.equal(code(NETWORKS_CREATE, { name: 'n' }), 'KCHNET0016E')
  assert.equal(code(NETWORKS_CREATE, []), 'KCHNET0016E')
  assert.equal(code(NETWORKS_CREATE, { name: '', connection: 'nat' }), 'KCHNET0011E')
  assert.equal(code(NETWORKS_CREATE, { name: 'a/b', connection: 'nat' }), 'KCHNET0011E')
  assert.equal(code(NETWORKS_CREATE, { name: 'a"b', connection: 'nat' }), 'KCHNET0011E')
  assert.equal(code(NETWORKS_CREATE, { name: 7, connection: 'nat' }), 'KCHNET0011E')
  for (const c of ['natural', 'NAT', 'foo', 'isolatedx']) assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: c }), 'KCHNET0012E', c)
  assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: 'nat', subnet: 24 }), 'KCHNET0013E')
  assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: 'bridge', interfaces: [] }), 'KCHNET0014E')
  assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: 'nat', interfaces: [null] }), undefined)
  assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: 'bridge', interfaces: ['eth0'], vlan_id: '10' }), 'KCHNET0015E')
  assert.equal(code(NETWORKS_CREATE, { name: 'n', connection: 'bridge', interfaces: ['eth0'], vlan_id: 4095 }), 'KCHNET0015E')
  assert.equal(code(NETWORKS_CREATE, { name: '<!nat-network>&', connection: 'nat', extra: 1 }), undefined)
  assert.equal(code(NETWORK_UPDATE, { connection: 'nat' }), 'KCHAPI0001E')
  assert.equal(code(NETWORK_UPDATE, { interfaces: [] }), undefined)
  assert.equal(code(VMIFACES_CREATE, {}), 'KCHVMIF0007E')
  assert.equal(code(VMIFACES_CREATE, { type: 'networkx' }), 'KCHVMIF0004E')
  assert.equal(code(VMIFACES_CREATE, { type: 'network', network: 3 }), 'KCHVMIF0005E')
  assert.equal(code(VMIFACES_CREATE, { type: 'network', model: 'virtio2' }), 'KCHVMIF0006E')
  assert.equal(code(VMIFACES_CREATE, { type: 'network', source: 1 }), 'KCHVMIF0016E')
  assert.equal(code(VMIFACES_CREATE, { type: 'macvtap', mode: 'private' }), 'KCHVMIF0017E')
  assert.equal(code(VMIFACES_CREATE, { type: 'network', mac: '52:54:00:zz:00:01' }), 'KCHVMIF0010E')
  assert.equal(code(VMIFACES_CREATE, { type: 'network', mac: '', ips: [] }), undefined)
  assert.equal(code(VMIFACE_UPDATE, { mac: 'x' }), 'KCHVMIF0010E')
  assert.equal(code(VMIFACE_UPDATE, {}), undefined)
  assert.equal(code(TEMPLATES_CREATE, { name: 't' }), 'KCHAPI0001E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, networks: 'default' }), 'KCHTMPL0017E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, networks: [1] }), 'WOKAPI0008E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, interfaces: {} }), 'KCHTMPL0037E')
  // Kimchi's "ref" typo left interface items unchecked; here they are checked
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, interfaces: [{ type: 'foo', name: 'eth0' }] }), 'KCHTMPL0034E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, interfaces: [{ type: 'ovs' }] }), 'KCHTMPL0038E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, interfaces: [{ type: 'ovs', name: 'b', x: 1 }] }), 'KCHTMPL0038E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, memory: { current: 128 } }), 'KCHTMPL0013E')
  assert.equal(code(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, bogus: 1 }), 'KCHAPI0001E')
})

test('validateParams: a 400 whose reason starts with the code and names the value; WOKAPI0008E carries the error', () => {
  assert.throws(
    () => validateParams(NETWORKS_CREATE, { name: 'n', connection: 'natural' }),
    (e: unknown) => e instanceof KimchiError && e.status === 400 && e.body().code === '400' && e.body().reason.startsWith('KCHNET0012E: ') && e.message.includes('natural'),
  )
  assert.throws(
    () => validateParams(TEMPLATES_CREATE, { name: 't', source_media: { type: 'netboot' }, networks: [1] }),
    (e: unknown) => e instanceof KimchiError && e.message.startsWith('WOKAPI0008E: ') && e.message.includes("'string'"),
  )
  assert.equal(reasonText('KCHNET0002E', { name: 'x'.repeat(1000) }).length < 400, true)
})

test('wok helpers: quote as Python does, JSON nesting measured without parsing', () => {
  assert.equal(pyQuote('<!nat-network>&'), '%3C%21nat-network%3E%26')
  assert.equal(pyQuote('kīмсhī-пet'), 'k%C4%AB%D0%BC%D1%81h%C4%AB-%D0%BFet')
  assert.equal(pyQuote('52:54:00:aa:bb:cc'), '52%3A54%3A00%3Aaa%3Abb%3Acc')
  assert.equal(jsonNestsDeeper('['.repeat(65) + ']'.repeat(65), 64), true)
  assert.equal(jsonNestsDeeper(`{"a":"${'['.repeat(100)}"}`, 64), false)
})
