/**
 * DHCPv6 on the real kernel and dnsmasq: a guest on a network with an IPv6 DHCP range gets an address in the
 * range by SOLICIT/ADVERTISE/REQUEST/REPLY (the project's DHCPv6 client in the guest namespace), a guest whose
 * DUID matches a static `<host id=...>` gets its fixed address, both appear in the network's leases, and the
 * configured address reaches the bridge's address.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dhcp6ClientArgv, type Dhcp6Lease } from '../../src/lab/guest/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ip, NetworkLab } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: NetworkLab

const FIXED_MAC = '52:54:00:aa:04:02'

const V6 = `<network>
  <name>v6dhcp</name>
  <bridge stp='off'/>
  <ip family='ipv6' address='fd00:215::1' prefix='64'>
    <dhcp>
      <range start='fd00:215::100' end='fd00:215::1ff'/>
      <host id='0:3:0:1:52:54:0:aa:4:2' name='fixed6' ip='fd00:215::42'/>
    </dhcp>
  </ip>
</network>`

function dhcp6(guest: string, mac: string): Dhcp6Lease {
  const r = spawnSync('ip', ['netns', 'exec', guest, ...dhcp6ClientArgv({ mac, ifname: 'eth0', timeoutMs: 15_000 })], {
    encoding: 'utf8',
    timeout: 25_000,
  })
  assert.equal(r.status, 0, `DHCPv6 client failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as Dhcp6Lease
}

/** Index of the last group of an address in fd00:215::/64 written as fd00:215::X. */
function tail(addr: string): number {
  const m = /^fd00:215::([0-9a-f]{1,4})$/.exec(addr)
  assert.ok(m !== null, `${addr} is not in fd00:215::/64 as a short address`)
  return parseInt(m[1]!, 16)
}

before(async () => {
  if (skip) return
  lab = await NetworkLab.open({ outside: false })
  await lab.driver.create(lab.target, V6)
})

after(async () => {
  if (skip) return
  await lab.close()
  assert.deepEqual(leakedNetns(), [])
})

test('a guest gets an address from the DHCPv6 range, and the configured address reaches the bridge', { skip }, async () => {
  const bridge = lab.driver.info(lab.target, 'v6dhcp').bridge ?? ''
  const g = await lab.guest(bridge, '52:54:00:aa:04:01')
  const lease = dhcp6(g, '52:54:00:aa:04:01')
  const n = tail(lease.ip)
  assert.ok(n >= 0x100 && n <= 0x1ff, `${lease.ip} is outside the range`)
  assert.ok(lease.validSec > 0)
  ip(g, '-6', 'addr', 'add', `${lease.ip}/64`, 'dev', 'eth0', 'nodad')
  const ping = spawnSync('ip', ['netns', 'exec', g, 'ping', '-6', '-c', '2', '-W', '2', 'fd00:215::1'], { encoding: 'utf8' })
  assert.equal(ping.status, 0, ping.stdout + ping.stderr)
  const leases = await lab.driver.leases(lab.target, 'v6dhcp')
  assert.ok(leases.some((l) => l.ip === lease.ip), JSON.stringify(leases))
})

test('a static host entry (by DUID) gives its guest the fixed address', { skip }, async () => {
  const bridge = lab.driver.info(lab.target, 'v6dhcp').bridge ?? ''
  const g = await lab.guest(bridge, FIXED_MAC)
  assert.equal(dhcp6(g, FIXED_MAC).ip, 'fd00:215::42')
})
