import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { repoRoot } from '../../../test/helpers/paths.js'
import { RecordingRunner } from '../../sys/exec.js'
import type { HostState } from '../../model/host/state.js'
import { parseLink } from './query-link.js'
import { parseRoute } from './query-routes.js'
import type { IdResolver } from './query-sections.js'
import { buildHostState } from './query-state.js'
import { LINKS_ARGS, queryHostState, ROUTE_PROTOCOLS, ROUTES_AND_RULES_BATCH, ROUTES_ARGS, ROUTES_BATCH } from './query.js'

const dir = join(repoRoot(), 'src/backend/iproute2/testdata')
const ids: IdResolver = { userId: (n) => (n === 'cloudsdk' ? 1000 : undefined), groupId: () => undefined }

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown
}

function golden(name: string, state: HostState): void {
  const text = `${JSON.stringify(state, null, 2)}\n`
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(join(dir, name), text)
  assert.equal(text, readFileSync(join(dir, name), 'utf8'))
}

for (const c of ['query-netns', 'query-uml']) {
  test(`query golden: ${c} (captured ip -json output → HostState)`, () => {
    const state = buildHostState(
      { links: fixture(`${c}.links.json`), routes4: fixture(`${c}.routes4.json`), routes6: fixture(`${c}.routes6.json`) },
      ids,
    )
    golden(`${c}.state.json`, state)
  })
}

test('query of the captured namespace: types, units, membership, addresses, routes', () => {
  const s = buildHostState({ links: fixture('query-netns.links.json'), routes4: fixture('query-netns.routes4.json'), routes6: fixture('query-netns.routes6.json') }, ids)
  const by = new Map(s.interfaces.map((i) => [i.name, i]))
  assert.equal(by.get('lo')?.type, 'loopback')
  const br0 = by.get('br0')!
  assert.equal(br0.type, 'linux-bridge')
  assert.equal(br0.bridge?.options?.helloTimeSec, 2) // 200 cs
  assert.equal(br0.bridge?.options?.macAgeingTimeSec, 300)
  assert.deepEqual(br0.bridge?.ports, [{ name: 'v0' }])
  const v0 = by.get('v0')!
  assert.equal(v0.controller, 'br0')
  assert.deepEqual(v0.bridgePort, { hairpin: true, isolated: true, stpPathCost: 42, stpPriority: 32, learning: true, unicastFlood: true })
  assert.equal(v0.veth?.peer, 'v0p')
  assert.deepEqual(by.get('mt0')?.macvlan, { baseIface: 'v0p', mode: 'vepa' }, 'promiscuous is read in passthru mode only')
  assert.equal(by.get('mt0')?.type, 'mac-vtap')
  assert.deepEqual(by.get('vx1')?.vxlan, { id: 43, group: '239.1.1.1', destinationPort: 4789, baseIface: 'v0p', learning: true })
  assert.deepEqual(by.get('tun0')?.tap, { mode: 'tun', owner: 1000, multiQueue: true })
  assert.equal(by.get('tun0')?.mac, undefined)
  // static addresses only, canonical, no link-local
  assert.deepEqual(by.get('v0p')?.ipv4?.addresses, [{ ip: '10.2.0.1', prefixLength: 24 }, { ip: '10.2.0.7', prefixLength: 24 }])
  assert.deepEqual(by.get('v0p')?.ipv6?.addresses, [{ ip: '2001:db8:2::1', prefixLength: 64 }])
  assert.deepEqual(by.get('v0')?.ipv6, { enabled: false, addresses: [] })
  // kernel, local-table and multipath routes are left out; blackhole routes are documents' route-type routes
  assert.deepEqual(s.routes, [
    { destination: '10.50.0.0/16', nextHopAddress: '10.2.0.254', nextHopInterface: 'v0p', metric: 5, tableId: 100 },
    { destination: '0.0.0.0/0', nextHopAddress: '10.2.0.254', nextHopInterface: 'v0p' },
    { destination: '10.99.0.0/16', routeType: 'blackhole' },
    { destination: '2001:db8:99::/48', nextHopAddress: '2001:db8:2::fe', nextHopInterface: 'v0p', metric: 1024 },
  ])
})

test('a veth whose peer is in another namespace keeps what is known', () => {
  const i = parseLink({ ifindex: 18, link_index: 2, ifname: 'pA', flags: ['UP'], mtu: 1500, link_netnsid: 0, address: '12:eb:a8:91:0c:fd', linkinfo: { info_kind: 'veth' } }, ids)
  assert.equal(i?.type, 'veth')
  assert.equal(i?.veth?.peer, undefined)
  assert.equal(i?.info?.link, '2')
  assert.equal(i?.state, 'up')
})

test('unknown kinds, dynamic addresses and odd values', () => {
  const i = parseLink(
    {
      ifname: 'gre1',
      flags: 'nonsense',
      mtu: '1476',
      address: '0.0.0.0',
      linkinfo: { info_kind: 'gre', info_data: { remote: 1 } },
      addr_info: [
        { family: 'inet', local: '192.0.2.5', prefixlen: 24, dynamic: true },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
        { family: 'inet6', local: '2001:DB8::5', prefixlen: 64 },
        { family: 'inet', local: 'garbage', prefixlen: 24 },
        null,
      ],
    },
    ids,
  )
  assert.equal(i?.type, 'unknown')
  assert.equal(i?.info?.linkKind, 'gre')
  assert.equal(i?.state, 'down')
  assert.equal(i?.mtu, 1476)
  assert.equal(i?.mac, undefined)
  assert.deepEqual(i?.ipv4?.addresses, [])
  assert.deepEqual(i?.ipv6?.addresses, [{ ip: '2001:db8::5', prefixLength: 64 }])
  assert.equal(parseLink({ flags: [] }, ids), undefined)
  assert.equal(parseLink(42, ids), undefined)
  assert.equal(parseLink({ ifname: 'eth9', link_type: 'ether' }, ids)?.type, 'ethernet')
})

test('route parsing: host routes get a full prefix, kernel routes and types other than unicast, blackhole, prohibit, unreachable are skipped', () => {
  assert.deepEqual(parseRoute({ dst: '192.0.2.7', dev: 'eth0', protocol: '4' }, 'ipv4'), { destination: '192.0.2.7/32', nextHopInterface: 'eth0' })
  assert.deepEqual(parseRoute({ dst: 'default', dev: 'eth0', metric: 1024 }, 'ipv6'), { destination: '::/0', nextHopInterface: 'eth0', metric: 1024 })
  assert.deepEqual(parseRoute({ dst: '203.0.113.0/24', via: { family: 'inet6', host: 'fe80::1' }, dev: 'eth0' }, 'ipv4'), {
    destination: '203.0.113.0/24',
    nextHopAddress: 'fe80::1',
    nextHopInterface: 'eth0',
  })
  assert.equal(parseRoute({ dst: '10.0.0.0/8', protocol: '2', dev: 'eth0' }, 'ipv4'), undefined)
  assert.deepEqual(parseRoute({ type: '6', dst: '10.0.0.0/8' }, 'ipv4'), { destination: '10.0.0.0/8', routeType: 'blackhole' })
  assert.deepEqual(parseRoute({ type: 'prohibit', dst: '10.0.0.0/8', metric: 5 }, 'ipv4'), { destination: '10.0.0.0/8', metric: 5, routeType: 'prohibit' })
  assert.deepEqual(parseRoute({ type: '7', dst: '2001:db8::/32' }, 'ipv6'), { destination: '2001:db8::/32', routeType: 'unreachable' })
  assert.equal(parseRoute({ type: '3', dst: '10.0.0.255', dev: 'eth0' }, 'ipv4'), undefined, 'broadcast')
  assert.equal(parseRoute({ type: 'nat', dst: '10.0.0.0/8' }, 'ipv4'), undefined)
  // preferred source and congestion window clamp
  assert.deepEqual(parseRoute({ dst: '198.51.100.0/24', gateway: '192.0.2.1', dev: 'eth1', protocol: '4', prefsrc: '192.0.2.251', metric: 150, metrics: [{ cwnd: 20 }] }, 'ipv4'), {
    destination: '198.51.100.0/24',
    nextHopAddress: '192.0.2.1',
    nextHopInterface: 'eth1',
    metric: 150,
    source: '192.0.2.251',
    cwnd: 20,
  })
  assert.equal(parseRoute({ dst: '10.0.0.0/8', table: '255', dev: 'lo' }, 'ipv4'), undefined)
  assert.equal(parseRoute({ dst: 'not-an-ip/8' }, 'ipv4'), undefined)
})

test('parsing never throws, whatever the JSON', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      buildHostState({ links: v, routes4: v, routes6: v }, ids)
      buildHostState({ links: [v, { ifname: 'x', linkinfo: v, addr_info: [v] }], routes4: [v] }, ids)
    }),
    { numRuns: 500 },
  )
})

test('query runs one address dump (+1 route batch) with -n for a namespace, none for the host', async () => {
  const v4 = '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0"}]'
  const v6 = '[{"dst":"default","gateway":"fe80::1","dev":"eth0","metric":1024}]'
  const dumps = ROUTE_PROTOCOLS.flatMap((p) => (p === 4 ? [v4, v6] : ['[]', '[]'])).join('\n')
  const runner = new RecordingRunner((argv) => ({ stdout: argv.includes('-batch') ? `${dumps}\n` : '[]' }))
  await queryHostState(runner, { kind: 'netns', name: 'ns1' }, { routes: false }, ids)
  assert.deepEqual(runner.calls.map((c) => c.argv), [['ip', '-n', 'ns1', ...LINKS_ARGS]])
  const s = await queryHostState(runner, { kind: 'host' }, {}, ids)
  assert.equal(runner.calls.length, 3)
  assert.deepEqual(runner.calls[1]?.argv, ['ip', ...LINKS_ARGS])
  assert.deepEqual(runner.calls[2]?.argv, ['ip', ...ROUTES_ARGS])
  assert.equal(runner.calls[2]?.opts.input, ROUTES_AND_RULES_BATCH)
  assert.equal(ROUTES_AND_RULES_BATCH, `${ROUTES_BATCH}rule show\n`)
  assert.match(ROUTES_BATCH, /^route show table all proto 3 root 0\.0\.0\.0\/0\nroute show table all proto 3 root ::\/0\n/)
  assert.deepEqual(s.routes, [
    { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'eth0' },
    { destination: '::/0', nextHopAddress: 'fe80::1', nextHopInterface: 'eth0', metric: 1024 },
  ])
})

test('query of a missing namespace is not-found', async () => {
  const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: 'Cannot open network namespace "nope": No such file or directory\n' }))
  await assert.rejects(queryHostState(runner, { kind: 'netns', name: 'nope' }, {}, ids), (e: unknown) => {
    return e instanceof Error && (e as { kind?: string }).kind === 'not-found' && /network namespace 'nope' does not exist/.test(e.message)
  })
})
