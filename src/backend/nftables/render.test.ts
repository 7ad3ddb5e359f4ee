import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { HostnetError, ValidationError } from '../../errors.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { escapeBridgeName } from './names.js'
import { emptyRuleset, renderNetworkFirewall } from './render.js'
import { countNftObjects, renderNftScript } from './ruleset.js'

const dir = join(repoRoot(), 'src/backend/nftables/testdata')
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => f.slice(0, -'.xml'.length))
  .sort()

function load(name: string): NetworkDef {
  return parseNetworkXml(readFileSync(join(dir, `${name}.xml`), 'utf8'))
}

function bridgeOf(def: NetworkDef): string {
  const name = def.bridge?.name
  assert.ok(name !== undefined, `network '${def.name}' needs a bridge name`)
  return name
}

/** The golden text: the object count, then the replace script. */
function goldenText(def: NetworkDef): string {
  const ruleset = renderNetworkFirewall(def, { bridgeName: bridgeOf(def) })
  const c = countNftObjects(ruleset)
  return `# objects: ${c.total} (tables ${c.tables}, chains ${c.chains}, rules ${c.rules})\n${renderNftScript(ruleset, 'replace')}`
}

test('at least 12 golden firewall cases', () => {
  assert.ok(cases.length >= 12, `${cases.length} cases`)
})

for (const name of cases) {
  test(`firewall golden: ${name}`, () => {
    const text = goldenText(load(name))
    const golden = join(dir, `${name}.nft`)
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, text)
    assert.equal(text, readFileSync(golden, 'utf8'))
  })
}

function rulesOf(def: NetworkDef, chain: string): readonly string[] {
  const r = renderNetworkFirewall(def, { bridgeName: bridgeOf(def) })
  return r.chains.find((c) => c.name === `${chain}_${escapeBridgeName(bridgeOf(def))}`)?.rules ?? []
}

test('nat default: libvirt semantics in 2 chains of the shared table, 8 rules', () => {
  const def = load('nat-default')
  const r = renderNetworkFirewall(def, { bridgeName: 'virbr0' })
  assert.equal(r.table, 'hostnet')
  assert.deepEqual(r.chains.map((c) => c.name), ['forward_virbr0', 'postrouting_virbr0'])
  assert.deepEqual(countNftObjects(r), { tables: 0, chains: 2, rules: 8, total: 10 })
  assert.deepEqual(rulesOf(def, 'forward'), [
    'iifname "virbr0" oifname "virbr0" counter accept',
    'iifname "virbr0" ip saddr 192.168.122.0/24 counter accept',
    'oifname "virbr0" ip daddr 192.168.122.0/24 ct state established,related counter accept',
    'iifname "virbr0" counter reject',
    'oifname "virbr0" counter reject',
  ])
  const nat = rulesOf(def, 'postrouting')
  assert.match(nat[1]!, /meta l4proto \{ tcp, udp \} counter masquerade to :1024-65535$/)
  assert.match(nat[2]!, /ip daddr != 192\.168\.122\.0\/24 counter masquerade$/)
})

test('open and non-L3 modes render no chain; replace then only deletes stale ones', () => {
  for (const name of ['open', 'bridge-host']) {
    const r = renderNetworkFirewall(load(name), { bridgeName: 'br9' })
    assert.equal(r.chains.length, 0)
    assert.equal(countNftObjects(r).total, 0)
    const script = renderNftScript(r, 'replace')
    assert.equal(script, renderNftScript(emptyRuleset('br9'), 'delete'))
    assert.deepEqual(script.split('\n').filter((l) => l.startsWith('delete')), ['delete chain inet hostnet forward_br9', 'delete chain inet hostnet postrouting_br9'])
    assert.ok(!/add rule/.test(script))
  }
})

test('isolated: only bridge-to-bridge and the two rejects, whatever the ips', () => {
  for (const name of ['isolated', 'isolated-ipv6-nogw']) {
    const def = load(name)
    assert.deepEqual(rulesOf(def, 'forward').map((r) => r.replace(/"[^"]*"/g, 'BR')), [
      'iifname BR oifname BR counter accept',
      'iifname BR counter reject',
      'oifname BR counter reject',
    ])
    assert.deepEqual(rulesOf(def, 'postrouting'), [])
  }
})

test('nat: IPv6 is routed without <nat ipv6>, masqueraded with it', () => {
  const routed = load('nat-ipv6')
  assert.ok(rulesOf(routed, 'forward').includes('oifname "virbr4" ip6 daddr 2001:db8:ca2:2::/64 counter accept'))
  assert.ok(!rulesOf(routed, 'postrouting').some((r) => r.includes('ip6')))
  const nat66 = rulesOf(load('nat-ipv6-masquerade'), 'postrouting')
  assert.ok(nat66.includes('ip6 daddr ff02::/16 counter return'))
  assert.ok(nat66.includes('ip6 saddr fd00:125::/64 ip6 daddr != fd00:125::/64 meta l4proto { tcp, udp } counter masquerade to :1024-65000'))
})

test('nat address and port ranges become snat for IPv4; a one-address, one-port range is written once', () => {
  const pool = rulesOf(load('nat-address-port'), 'postrouting')
  assert.ok(pool.some((r) => r.endsWith('meta l4proto { tcp, udp } counter snat ip to 203.0.113.10-203.0.113.20:20000-29999')))
  assert.ok(pool.some((r) => r.endsWith('!= 10.10.0.0/24 counter snat ip to 203.0.113.10-203.0.113.20')))
  assert.ok(rulesOf(load('nat-address-single'), 'postrouting').some((r) => r.endsWith('counter snat ip to 198.51.100.7:1024-65535')))
  assert.ok(rulesOf(load('nat-port-only'), 'postrouting').some((r) => r.endsWith('counter masquerade to :40000')))
})

test('<forward dev> restricts the outbound, inbound and nat rules, not the rejects; a trailing * is escaped', () => {
  const fwd = rulesOf(load('nat-dev'), 'forward')
  assert.ok(fwd.includes('iifname "virbr6" oifname "eth0" ip saddr 192.168.126.0/24 counter accept'))
  assert.ok(fwd.includes('iifname "eth0" oifname "virbr6" ip daddr 192.168.126.0/24 ct state established,related counter accept'))
  assert.ok(fwd.includes('iifname "virbr6" counter reject'))
  assert.ok(rulesOf(load('nat-dev'), 'postrouting').slice(1).every((r) => r.startsWith('oifname "eth0" ')))
  assert.ok(rulesOf(load('route-dev'), 'forward').includes('iifname "enp1s0\\*" oifname "virbr11" ip daddr 192.168.131.0/24 counter accept'))
})

test('subnets are written as network addresses, with classful and netmask prefixes', () => {
  const fwd = rulesOf(load('nat-many-ips'), 'forward').join('\n')
  for (const cidr of ['192.168.127.0/24', '192.168.128.0/23', '10.0.0.0/8', 'fd00:127::/64', 'fd00:128::/48']) assert.ok(fwd.includes(cidr), cidr)
})

test('the network name only reaches the comment, sanitised; the chain names come from the bridge', () => {
  const def = load('quoted-name')
  const r = renderNetworkFirewall(def, { bridgeName: 'br_q.1-x' })
  assert.equal(r.table, 'hostnet')
  assert.deepEqual(r.owned.map((c) => c.name), ['forward_br_5fq.1-x', 'postrouting_br_5fq.1-x'])
  const script = renderNftScript(r, 'replace')
  assert.ok(script.includes(`comment "hostnet: network 'it's a 'quoted' / name; table x { }' on bridge br_q.1-x"`))
  assert.equal(script.split('\n').filter((l) => l.includes('"')).every((l) => (l.match(/"/g) ?? []).length % 2 === 0), true)
})

test('delete script is idempotent and names only the network chains', () => {
  const r = renderNetworkFirewall(load('nat-default'), { bridgeName: 'virbr0' })
  const del = renderNftScript(r, 'delete')
  assert.equal(del.split('\n')[0], 'table inet hostnet {}')
  for (const script of [del, renderNftScript(r, 'replace')]) {
    // every command after the table declaration names one of the network's own chains, nothing else
    const named = script.split('\n').slice(1).filter((l) => l !== '').map((l) => /^(?:add|flush|delete) (?:chain|rule) inet hostnet (\S+)/.exec(l)?.[1])
    assert.ok(named.every((c) => c === 'forward_virbr0' || c === 'postrouting_virbr0'), script)
  }
  assert.equal((del.match(/^delete chain/gm) ?? []).length, 2)
})

test('refuses what it cannot write, naming the network and the field', () => {
  const def = load('nat-default')
  const render = (patch: Partial<NetworkDef>) => () => renderNetworkFirewall({ ...def, ...patch }, { bridgeName: 'virbr0' })
  const badMask = { ...def.ips[0]!, netmask: { family: 'ipv4', value: 0xff00ff00 } } as const
  const bad: Array<[() => unknown, RegExp, string]> = [
    [() => renderNetworkFirewall(def, { bridgeName: 'a"b' }), /bridge name 'a"b'.*double quote/, 'invalid-argument'],
    [() => renderNetworkFirewall(def, { bridgeName: 'x'.repeat(16) }), /longer than 15 bytes/, 'invalid-argument'],
    [() => renderNetworkFirewall(def, { bridgeName: '' }), /is empty/, 'invalid-argument'],
    [
      render({ forward: { ...def.forward, interfaces: [{ dev: 'e\\th' }] } }),
      /forward dev of network 'default' 'e\\th'.*backslash/,
      'not-supported',
    ],
    [
      render({ forward: { ...def.forward, nat: { portStart: 0, portEnd: 80 } } }),
      /invalid port range '0-80' in <nat> of network 'default'/,
      'invalid-argument',
    ],
    [render({ ips: [badMask] }), /invalid prefix or netmask of <ip> 1 in network 'default'/, 'invalid-argument'],
  ]
  for (const [fn, re, kind] of bad) {
    assert.throws(fn, (e: unknown) => e instanceof HostnetError && e.kind === kind && re.test(e.message), `${re} ${kind}`)
  }
  assert.throws(render({ ips: [badMask] }), ValidationError)
})

test('rendering is deterministic and cheap: 2,000 networks in well under a second', () => {
  const def = load('nat-many-ips')
  // CPU time, not wall time: the machine's load must not fail a linearity check
  const t0 = process.cpuUsage()
  let last = ''
  for (let i = 0; i < 2000; i++) {
    last = renderNftScript(renderNetworkFirewall(def, { bridgeName: `vb${i}` }), 'replace')
  }
  const d = process.cpuUsage(t0)
  const ms = (d.user + d.system) / 1000
  assert.ok(ms < 1000, `${ms} ms of CPU`)
  assert.equal(last, renderNftScript(renderNetworkFirewall(def, { bridgeName: 'vb1999' }), 'replace'))
})
