import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import type { NetworkDef } from './network-def.js'
import { NO_FORWARD } from './forward.js'
import { NETWORK_UPDATE_SECTIONS, parseUpdateCommand, parseUpdateSection, resolveUpdateScope, updateEffects } from './update.js'

test('virsh command and section names; add is add-last; anything else refused naming the choices', () => {
  assert.equal(parseUpdateCommand('add'), 'add-last')
  assert.equal(parseUpdateCommand('add-first'), 'add-first')
  assert.equal(parseUpdateCommand('modify'), 'modify')
  assert.throws(() => parseUpdateCommand('insert'), (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument' && /unrecognized command name 'insert'/.test(e.message))
  assert.equal(parseUpdateSection('ip-dhcp-host'), 'ip-dhcp-host')
  assert.throws(() => parseUpdateSection('dhcp'), /unrecognized section name 'dhcp'/)
  assert.equal(NETWORK_UPDATE_SECTIONS.length, 12)
})

test('--current means live for an active network, config for an inactive one; --current excludes the others', () => {
  assert.deepEqual(resolveUpdateScope({}, true), { live: true, config: false })
  assert.deepEqual(resolveUpdateScope({ current: true }, false), { live: false, config: true })
  assert.deepEqual(resolveUpdateScope({ live: true, config: true }, false), { live: true, config: true })
  assert.deepEqual(resolveUpdateScope({ config: true }, true), { live: false, config: true })
  assert.throws(() => resolveUpdateScope({ current: true, live: true }, true), /mutually exclusive/)
})

const ip4 = (ranges: number, hosts: number): NetworkDef['ips'][number] => ({
  address: { family: 'ipv4', value: 0x0a000001 },
  prefix: 24,
  dhcpRanges: Array.from({ length: ranges }, () => ({ start: { family: 'ipv4' as const, value: 0x0a000002 }, end: { family: 'ipv4' as const, value: 0x0a000003 } })),
  dhcpHosts: Array.from({ length: hosts }, () => ({ name: 'h', ip: { family: 'ipv4' as const, value: 0x0a000004 } })),
})
const net = (mode: NetworkDef['forward']['mode'], ranges: number, hosts: number): NetworkDef => ({
  name: 'n',
  uuid: '5d1d6c2a-8f2e-4c55-9a52-3f0b1b7a9e01' as NetworkDef['uuid'],
  forward: { ...NO_FORWARD, mode },
  ips: [ip4(ranges, hosts)],
  routes: [],
  portGroups: [],
})

test("live effects follow libvirt's networkUpdate", () => {
  // DHCP hosts: a SIGHUP, unless IPv4 DHCP starts or stops (then a restart)
  assert.deepEqual(updateEffects('ip-dhcp-host', net('nat', 1, 0), net('nat', 1, 1)), { firewall: true, dnsmasq: 'reload' })
  assert.deepEqual(updateEffects('ip-dhcp-host', net('nat', 0, 0), net('nat', 0, 1)), { firewall: true, dnsmasq: 'restart' })
  assert.deepEqual(updateEffects('ip-dhcp-host', net('open', 0, 1), net('open', 0, 0)), { firewall: false, dnsmasq: 'restart' })
  assert.deepEqual(updateEffects('dns-host', net('route', 1, 0), net('route', 1, 0)), { firewall: false, dnsmasq: 'reload' })
  for (const s of ['ip-dhcp-range', 'dns-txt', 'dns-srv'] as const) assert.equal(updateEffects(s, net('none', 1, 0), net('none', 1, 0)).dnsmasq, 'restart')
  assert.deepEqual(updateEffects('ip-dhcp-range', net('none', 1, 0), net('none', 2, 0)).firewall, true)
  assert.deepEqual(updateEffects('portgroup', net('nat', 1, 0), net('nat', 1, 0)), { firewall: false, dnsmasq: 'none' })
  assert.deepEqual(updateEffects('forward-interface', net('bridge', 0, 0), net('bridge', 0, 0)), { firewall: false, dnsmasq: 'none' })
  assert.deepEqual(updateEffects('forward-interface', net('route', 0, 0), net('route', 0, 0)), { firewall: true, dnsmasq: 'none' })
})
