/**
 * Acceptance on the real kernel, dnsmasq and nftables: guests (namespaces on veths plugged into a network's
 * bridge) get DHCP leases and DNS answers from the network's dnsmasq; a NAT guest reaches the outside namespace
 * as the host's address, a routed guest with its own, an isolated guest not at all; an open network installs no
 * firewall; a static DHCP host gets its fixed address; an IPv6 guest configures itself from router
 * advertisements. (The bridges have STP off: with STP on the kernel holds a new port for 2 × 2 s.)
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { probe } from '../nftables/traffic.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ip, NetworkLab, nftChains, OUTSIDE_IP, UPLINK_IP } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: NetworkLab

const NAT = `<network>
  <name>natnet</name>
  <bridge stp='off'/>
  <forward mode='nat'/>
  <domain name='lab.test'/>
  <dns><host ip='10.210.0.50'><hostname>files</hostname></host></dns>
  <ip address='10.210.0.1' prefix='24'>
    <dhcp>
      <range start='10.210.0.100' end='10.210.0.150'/>
      <host mac='52:54:00:aa:00:02' name='fixed' ip='10.210.0.20'/>
    </dhcp>
  </ip>
</network>`

const ISOLATED = `<network>
  <name>isonet</name>
  <bridge stp='off'/>
  <ip address='10.211.0.1' prefix='24'><dhcp><range start='10.211.0.100' end='10.211.0.150'/></dhcp></ip>
</network>`

const ROUTED = `<network>
  <name>routenet</name>
  <bridge stp='off'/>
  <forward mode='route'/>
  <ip address='10.212.0.1' prefix='24'><dhcp><range start='10.212.0.100' end='10.212.0.150'/></dhcp></ip>
</network>`

const OPEN = `<network>
  <name>opennet</name>
  <bridge stp='off'/>
  <forward mode='open'/>
  <ip address='10.213.0.1' prefix='24'><dhcp><range start='10.213.0.100' end='10.213.0.150'/></dhcp></ip>
</network>`

const V6 = `<network>
  <name>v6net</name>
  <bridge stp='off'/>
  <forward mode='nat'/>
  <ip family='ipv6' address='fd00:214::1' prefix='64'></ip>
</network>`

function inRange(a: string, lo: number, hi: number, subnet3: string): boolean {
  const last = Number(a.split('.')[3])
  return a.startsWith(`${subnet3}.`) && last >= lo && last <= hi
}

async function guestOn(net: string, mac: string): Promise<{ g: string; lease: NonNullable<ReturnType<NetworkLab['dhcp']>> }> {
  const bridge = lab.driver.info(lab.target, net).bridge ?? ''
  const g = await lab.guest(bridge, mac)
  const lease = lab.dhcp(g, mac)
  assert.ok(lease !== null, `no DHCP lease on ${net}`)
  lab.configure(g, lease)
  return { g, lease }
}

before(async () => {
  if (skip !== false) return
  lab = await NetworkLab.open()
  for (const xml of [NAT, ISOLATED, ROUTED, OPEN, V6]) {
    const def = await lab.driver.define(lab.target, xml)
    await lab.driver.start(lab.target, def.name)
  }
})

after(async () => {
  if (skip !== false) return
  await lab.close()
  assert.deepEqual(leakedNetns(), [])
})

test('NAT: a lease in the range, a DNS host entry, and the outside sees the host address (masquerade)', { skip }, async () => {
  const { g, lease } = await guestOn('natnet', '52:54:00:aa:00:01')
  assert.ok(inRange(lease.ip, 100, 150, '10.210.0'), lease.ip)
  assert.equal(lease.router, '10.210.0.1')
  assert.deepEqual(lab.resolve(g, '10.210.0.1', 'files.lab.test'), ['10.210.0.50'])
  const r = await probe(g, lab.outside, OUTSIDE_IP)
  assert.ok(r.ok, JSON.stringify(r))
  assert.equal(r.peer.address, UPLINK_IP)
  const leases = await lab.driver.leases(lab.target, 'natnet')
  assert.ok(leases.some((l) => l.ip === lease.ip && l.mac === '52:54:00:aa:00:01'), JSON.stringify(leases))
})

test('a static DHCP host entry gives its guest the fixed address', { skip }, async () => {
  const { lease } = await guestOn('natnet', '52:54:00:aa:00:02')
  assert.equal(lease.ip, '10.210.0.20')
})

test('isolated: the guest gets a lease but reaches nothing outside', { skip }, async () => {
  const { g, lease } = await guestOn('isonet', '52:54:00:aa:01:01')
  assert.ok(inRange(lease.ip, 100, 150, '10.211.0'), lease.ip)
  assert.equal(lease.router, undefined, 'no default route is offered on an isolated network')
  ip(g, 'route', 'add', 'default', 'via', '10.211.0.1')
  const r = await probe(g, lab.outside, OUTSIDE_IP, { timeoutMs: 1500 })
  assert.equal(r.ok, false)
})

test('routed: the outside sees the guest with its own address', { skip }, async () => {
  ip(lab.outside, 'route', 'add', '10.212.0.0/24', 'via', UPLINK_IP) // the outside's route back, as a router would have
  const { g, lease } = await guestOn('routenet', '52:54:00:aa:02:01')
  const r = await probe(g, lab.outside, OUTSIDE_IP)
  assert.ok(r.ok, JSON.stringify(r))
  assert.equal(r.peer.address, lease.ip)
})

test('open: no firewall chain at all; the other networks have theirs', { skip }, () => {
  const chains = nftChains(lab.host)
  const bridge = (n: string): string => lab.driver.info(lab.target, n).bridge ?? '?'
  assert.ok(!chains.some((c) => c.endsWith(`_${bridge('opennet')}`)), chains.join(','))
  for (const n of ['natnet', 'isonet', 'routenet']) assert.ok(chains.includes(`inet hostnet forward_${bridge(n)}`), n)
})

test('IPv6: the guest configures an address in the prefix from router advertisements', { skip }, async () => {
  const bridge = lab.driver.info(lab.target, 'v6net').bridge ?? ''
  const g = await lab.guest(bridge, '52:54:00:aa:03:01')
  let addr = ''
  for (let i = 0; i < 100 && addr === ''; i++) {
    const m = /inet6 (fd00:214:[0-9a-f:]+)\/64/.exec(ip(g, 'addr', 'show', 'dev', 'eth0'))
    if (m !== null) addr = m[1]!
    else await new Promise((r) => setTimeout(r, 200))
  }
  assert.match(addr, /^fd00:214::/)
})
