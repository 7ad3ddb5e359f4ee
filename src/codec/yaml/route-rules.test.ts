/** `route-rules`: nmstate's keys read strictly, printed back the same, IPv6 refused as not supported; ip's JSON read back. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatState, parseDesiredState } from './state.js'
import { parseRules } from '../../backend/iproute2/query-rules.js'
import { renderRule } from '../../backend/iproute2/render.js'
import { HostnetError } from '../../errors.js'

const DOC = `route-rules:
  config:
    - ip-from: 198.51.100.0/24
      ip-to: 192.0.2.0/24
      priority: 100
      route-table: 254
      fwmark: 0x30
      fwmask: 0x10
    - {ip-from: 192.0.2.9, iif: eth1, action: blackhole}
    - {route-table: 254, state: absent}
`

test('route-rules: read with their nmstate keys, host addresses as /32, and round-tripped in YAML and JSON', () => {
  const d = parseDesiredState(DOC)
  assert.deepEqual(d.routeRules?.config, [
    { ipFrom: '198.51.100.0/24', ipTo: '192.0.2.0/24', priority: 100, routeTable: 254, fwmark: 48, fwmask: 16 },
    { ipFrom: '192.0.2.9/32', iif: 'eth1', action: 'blackhole' },
    { routeTable: 254, state: 'absent' },
  ])
  assert.deepEqual(parseDesiredState(formatState(d)), d)
  assert.deepEqual(parseDesiredState(formatState(d, { format: 'json' }), { format: 'json' }), d)
})

test('route-rules: bad values are invalid, IPv6 and unknown selectors are not supported, each naming its path', () => {
  const kind = (text: string): [string, string] => {
    try {
      parseDesiredState(text)
    } catch (e) {
      return [(e as HostnetError).kind, (e as { path?: string }).path ?? '']
    }
    return ['accepted', '']
  }
  assert.deepEqual(kind('route-rules: {config: [{ip-from: 2001:db8::/64, route-table: 5}]}'), ['not-supported', '/route-rules/config/0/ip-from'])
  assert.deepEqual(kind('route-rules: {config: [{family: ipv6}]}'), ['not-supported', '/route-rules/config/0/family'])
  assert.deepEqual(kind('route-rules: {config: [{suppress-prefix-length: 0}]}'), ['not-supported', '/route-rules/config/0/suppress-prefix-length'])
  assert.deepEqual(kind('route-rules: {config: [{priority: -1}]}'), ['invalid-argument', '/route-rules/config/0/priority'])
  assert.deepEqual(kind('route-rules: {config: [{ip-to: 192.0.2.1/24}]}'), ['invalid-argument', '/route-rules/config/0/ip-to'])
  assert.deepEqual(kind('route-rules: {config: [{action: goto}]}'), ['invalid-argument', '/route-rules/config/0/action'])
  assert.deepEqual(kind('route-rules: {bogus: 1}'), ['invalid-argument', '/route-rules/bogus'])
})

test('ip -N -json rule show: kernel default rules and unmodelled selectors left out, numbers read', () => {
  const list = [
    { priority: 0, src: 'all', table: '255' },
    { priority: 100, src: '198.51.100.0', srclen: 24, dst: '192.0.2.0', dstlen: 24, fwmark: '0x30', fwmask: '0x10', table: '254', protocol: '4' },
    { priority: 110, src: '192.0.2.9', iif: 'eth1', action: '6' },
    { priority: 111, src: 'all', fwmark: '0x5', table: '9' },
    { priority: 120, src: 'all', oif: 'eth2', table: '9' },
    { priority: 32766, src: 'all', table: '254' },
    { priority: 32767, src: 'all', table: '253' },
  ]
  assert.deepEqual(parseRules(list), [
    { ipFrom: '198.51.100.0/24', ipTo: '192.0.2.0/24', priority: 100, routeTable: 254, fwmark: 48, fwmask: 16 },
    { ipFrom: '192.0.2.9/32', priority: 110, action: 'blackhole', iif: 'eth1' },
    { priority: 111, routeTable: 9, fwmark: 5 },
  ])
})

test('rule lines: selectors, table or action, proto static on add only', () => {
  assert.equal(renderRule('add', { ipFrom: '198.51.100.0/24', priority: 100, fwmark: 48, fwmask: 16, iif: 'eth1' }), 'rule add from 198.51.100.0/24 priority 100 fwmark 48/16 iif eth1 table 254 proto static')
  assert.equal(renderRule('del', { ipTo: '192.0.2.0/24', priority: 7, action: 'prohibit' }), 'rule del to 192.0.2.0/24 priority 7 prohibit')
  assert.throws(() => renderRule('add', { ipFrom: '2001:db8::/64' }), (e: HostnetError) => e.kind === 'not-supported')
})
