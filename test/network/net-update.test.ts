/**
 * net-update on running networks (issue 15), through the CLI against a real dnsmasq, bridge and nftables in a lab
 * namespace: every section and command libvirt accepts, its live effect as libvirt's (hosts files and SIGHUP for
 * DHCP and DNS hosts: same dnsmasq pid, other leases kept, the guest gets its fixed address at its next lease; a
 * restart for ranges, TXT and SRV records; portgroup changes reach new ports, not existing ones; a forward
 * interface in use is not deleted), the scopes (--live, --config, --current), and refusals that change nothing.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { runCli, type CliResult } from '../engine/cli-helpers.js'
import { PortLab, portXml } from '../port/port-lab.js'
import type { Lease } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: PortLab
const A = '52:54:00:15:00:0a'
const B = '52:54:00:15:00:0b'
let gA = ''
let gB = ''
let leaseA: Lease

const NAT = `<network><name>upd</name><forward mode='nat'/><bridge name='updbr0' stp='off'/>
  <portgroup name='gold' default='yes'><bandwidth><inbound average='1000'/></bandwidth></portgroup>
  <ip address='10.215.0.1' prefix='24'><dhcp><range start='10.215.0.100' end='10.215.0.150'/></dhcp></ip></network>`

before(async () => {
  if (skip !== false) return
  lab = await PortLab.open({ poolSize: 2 })
  await lab.network(NAT)
  await lab.network(`<network><name>pool</name><forward mode='bridge'><interface dev='eth0'/></forward></network>`)
  gA = await lab.lab.guest('updbr0', A)
  gB = await lab.lab.guest('updbr0', B)
  const l = lab.lab.dhcp(gA, A)
  assert.ok(l !== null, 'guest A got a lease')
  leaseA = l
  lab.lab.configure(gA, leaseA)
})

after(async () => {
  if (skip === false) {
    await lab.close()
    assert.deepEqual(leakedNetns(), [])
  }
})

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli([...args, '--netns', lab.host, '--state-dir', lab.dir])
}

async function update(...args: string[]): Promise<{ name: string; live: boolean; config: boolean; dnsmasq: string; firewall: boolean }> {
  const r = await cli(['net-update', ...args, '--json'])
  assert.equal(r.code, 0, `net-update ${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

async function refused(code: number, ...args: string[]): Promise<{ kind: string; message: string; details?: Record<string, unknown> }> {
  const r = await cli(['net-update', ...args, '--json'])
  assert.equal(r.code, code, `net-update ${args.join(' ')}: exit ${r.code} ${r.stdout}${r.stderr}`)
  return (JSON.parse(r.stdout) as { error: { kind: string; message: string; details?: Record<string, unknown> } }).error
}

const hostsfilePath = (): string => join(lab.dir, 'networks', `netns-${lab.host}`, 'upd.hostsfile')
const dnsmasq = (): { pid?: number; restarts: number } => {
  const i = lab.lab.driver.info(lab.target, 'upd')
  return { ...(i.dnsmasqPid === undefined ? {} : { pid: i.dnsmasqPid }), restarts: i.dnsmasqRestarts }
}
const liveXml = (net = 'upd'): string => lab.lab.driver.dumpXml(lab.target, net)
const configXml = (net = 'upd'): string => lab.lab.driver.dumpXml(lab.target, net, { inactive: true })
const leaseOfA = async (): Promise<string | undefined> => (await lab.lab.driver.leases(lab.target, 'upd')).find((l) => l.mac === A)?.ip

test('ip-dhcp-host add, modify, delete live: SIGHUP only (same pid), the guest gets its fixed address at its next lease, other leases kept', { skip }, async () => {
  const before = dnsmasq()
  assert.ok(before.pid !== undefined)
  const first = lab.lab.dhcp(gB, B)
  assert.ok(first !== null && first.ip !== '10.215.0.7', JSON.stringify(first))

  const r = await cli(['net-update', 'upd', 'add', 'ip-dhcp-host', `<host mac='${B}' name='gb' ip='10.215.0.7'/>`])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'Updated network upd live state\n')
  assert.deepEqual(dnsmasq(), before, 'dnsmasq was not restarted')
  assert.equal(lab.lab.dhcp(gB, B)?.ip, '10.215.0.7')
  assert.equal(await leaseOfA(), leaseA.ip, "guest A's lease is kept")
  assert.match(liveXml(), new RegExp(`<host mac='${B}' name='gb' ip='10.215.0.7'/>`))
  assert.doesNotMatch(configXml(), /10\.215\.0\.7/, '--current on an active network: the live definition only')

  assert.equal((await update('upd', 'modify', 'ip-dhcp-host', `<host mac='${B}' name='gb' ip='10.215.0.8'/>`)).dnsmasq, 'reload')
  assert.equal(lab.lab.dhcp(gB, B)?.ip, '10.215.0.8')
  assert.deepEqual(dnsmasq(), before)

  assert.equal((await update('upd', 'delete', 'ip-dhcp-host', `<host mac='${B}'/>`)).dnsmasq, 'reload')
  const after = lab.lab.dhcp(gB, B)
  assert.ok(after !== null && after.ip !== '10.215.0.8', JSON.stringify(after))
  assert.doesNotMatch(liveXml(), /<host /)
  assert.deepEqual(dnsmasq(), before)
  assert.equal(await leaseOfA(), leaseA.ip)
})

test('refused as by libvirt, nothing changed, no restart: duplicate MAC/name/IP, outside the subnet, index out of range, modify of a missing host', { skip }, async () => {
  await update('upd', 'add-last', 'ip-dhcp-host', `<host mac='${B}' name='gb' ip='10.215.0.9'/>`)
  const xml = liveXml()
  const before = dnsmasq()
  const hostsfile = readFileSync(hostsfilePath(), 'utf8')
  for (const dup of [`<host mac='${B}' ip='10.215.0.10'/>`, `<host mac='52:54:00:15:00:0c' name='gb' ip='10.215.0.10'/>`, `<host mac='52:54:00:15:00:0c' ip='10.215.0.9'/>`]) {
    const e = await refused(4, 'upd', 'add', 'ip-dhcp-host', dup)
    assert.equal(e.kind, 'conflict')
    assert.match(e.message, /there is an existing dhcp host entry in network 'upd' that matches/)
    assert.equal(e.details?.['libvirtError'], 'VIR_ERR_OPERATION_INVALID')
  }
  const outside = await refused(2, 'upd', 'add', 'ip-dhcp-host', "<host mac='52:54:00:15:00:0c' ip='10.9.0.5'/>")
  assert.match(outside.message, /not within network 10\.215\.0\.1\/24/)
  assert.match((await refused(4, 'upd', 'add', 'ip-dhcp-host', "<host mac='52:54:00:15:00:0c' ip='10.215.0.11'/>", '--parent-index', '3')).message, /no <ip> element found at index 3/)
  assert.match((await refused(4, 'upd', 'modify', 'ip-dhcp-host', "<host mac='52:54:00:15:00:0d' ip='10.215.0.12'/>")).message, /couldn't locate an existing dhcp host entry/)
  assert.equal((await refused(5, 'upd', 'add', 'bridge', "<bridge name='x'/>")).details?.['libvirtError'], 'VIR_ERR_OPERATION_UNSUPPORTED')
  assert.equal((await refused(2, 'upd', 'add', 'ip-dhcp-host', '<range/>')).kind, 'invalid-argument')
  assert.equal((await cli(['net-update', 'upd', 'append', 'ip-dhcp-host', '<host/>'])).code, 2)
  assert.equal(liveXml(), xml)
  assert.deepEqual(dnsmasq(), before)
  assert.equal(readFileSync(hostsfilePath(), 'utf8'), hostsfile)
  await update('upd', 'delete', 'ip-dhcp-host', "<host ip='10.215.0.9'/>")
})

test('dns-host add and delete live: answered at once without a restart; modify refused', { skip }, async () => {
  const before = dnsmasq()
  assert.equal((await update('upd', 'add-first', 'dns-host', "<host ip='10.215.0.77'><hostname>pudding</hostname></host>")).dnsmasq, 'reload')
  assert.deepEqual(lab.lab.resolve(gA, '10.215.0.1', 'pudding'), ['10.215.0.77'])
  assert.equal((await refused(5, 'upd', 'modify', 'dns-host', "<host ip='10.215.0.77'><hostname>x</hostname></host>")).kind, 'not-supported')
  await update('upd', 'delete', 'dns-host', "<host ip='10.215.0.77'/>")
  assert.deepEqual(lab.lab.resolve(gA, '10.215.0.1', 'pudding'), [])
  assert.deepEqual(dnsmasq(), before)
})

test('ip-dhcp-range, dns-txt, dns-srv: dnsmasq restarted (as libvirt does), leases kept', { skip }, async () => {
  let pid = dnsmasq().pid
  const restarted = (): void => {
    const now = dnsmasq().pid
    assert.ok(now !== undefined && now !== pid, `a new dnsmasq (${pid} → ${now})`)
    pid = now
  }
  assert.equal((await update('upd', 'add-first', 'ip-dhcp-range', "<range start='10.215.0.200' end='10.215.0.210'/>")).dnsmasq, 'restart')
  restarted()
  assert.match(liveXml(), /<range start='10\.215\.0\.200' end='10\.215\.0\.210'\/>\n\s*<range start='10\.215\.0\.100'/)
  assert.equal((await refused(5, 'upd', 'modify', 'ip-dhcp-range', "<range start='10.215.0.200' end='10.215.0.210'/>")).kind, 'not-supported')
  assert.match((await refused(2, 'upd', 'add', 'ip-dhcp-range', "<range start='10.216.0.1' end='10.216.0.9'/>")).message, /range/)
  await update('upd', 'delete', 'ip-dhcp-range', "<range start='10.215.0.200' end='10.215.0.210'/>")
  restarted()
  await update('upd', 'add', 'dns-txt', "<txt name='example' value='hello'/>")
  restarted()
  assert.match(liveXml(), /<txt name='example' value='hello'\/>/)
  assert.match((await refused(4, 'upd', 'add', 'dns-txt', "<txt name='example' value='again'/>")).message, /already a DNS TXT record with name 'example'/)
  await update('upd', 'add', 'dns-srv', "<srv service='name' protocol='tcp' domain='test' target='.' port='1111' priority='11' weight='111'/>")
  restarted()
  await update('upd', 'delete', 'dns-srv', "<srv service='name' protocol='tcp'/>")
  restarted()
  await update('upd', 'delete', 'dns-txt', "<txt name='example'/>")
  restarted()
  assert.doesNotMatch(liveXml(), /<txt|<srv/)
  assert.equal(await leaseOfA(), leaseA.ip, 'the lease database survives the restarts')
  assert.equal(lab.lab.dhcp(gA, A)?.ip, leaseA.ip, 'guest A renews the same address')
})

let portNo = 0
async function newPort(net: string, group?: string): Promise<{ uuid: string; xml: string }> {
  const n = ++portNo
  const uuid = `c0150000-0000-4000-8000-0000000000${n.toString(16).padStart(2, '0')}`
  const file = join(lab.dir, `port-${n}.xml`)
  writeFileSync(file, portXml({ uuid, mac: `52:54:00:15:01:${n.toString(16).padStart(2, '0')}`, ...(group === undefined ? {} : { group }) }))
  const r = await cli(['net-port-create', net, file, '--no-plug'])
  assert.equal(r.code, 0, r.stderr)
  return { uuid, xml: (await cli(['net-port-dumpxml', net, uuid])).stdout }
}

test('portgroup add, modify, delete live: new ports get the new settings, existing ports keep theirs', { skip }, async () => {
  const p1 = await newPort('upd', 'gold')
  assert.match(p1.xml, /<inbound average='1000'\/>/)
  const r = await update('upd', 'modify', 'portgroup', "<portgroup name='gold' default='yes'><bandwidth><inbound average='2000'/></bandwidth></portgroup>")
  assert.equal(r.dnsmasq, 'none')
  assert.match((await newPort('upd', 'gold')).xml, /<inbound average='2000'\/>/)
  assert.match((await cli(['net-port-dumpxml', 'upd', p1.uuid])).stdout, /<inbound average='1000'\/>/, 'the existing port is not changed (libvirt neither)')
  await update('upd', 'add-last', 'portgroup', "<portgroup name='silver' trustGuestRxFilters='yes'/>")
  assert.match((await newPort('upd', 'silver')).xml, /<rxfilters trustGuest='yes'\/>/)
  assert.match((await refused(4, 'upd', 'add', 'portgroup', "<portgroup name='other' default='yes'/>")).message, /already set as the default/)
  await update('upd', 'delete', 'portgroup', "<portgroup name='silver'/>")
  assert.doesNotMatch(liveXml(), /silver/)
  assert.doesNotMatch((await newPort('upd', 'silver')).xml, /rxfilters/, 'a deleted portgroup no longer applies')
})

test('forward-interface add and delete live on a pool; an interface in use is refused', { skip }, async () => {
  await update('pool', 'add-last', 'forward-interface', "<interface dev='eth1'/>")
  assert.match(liveXml('pool'), /<interface dev='eth0'\/>\n\s*<interface dev='eth1'\/>/)
  assert.match((await refused(4, 'pool', 'add', 'forward-interface', "<interface dev='eth1'/>")).message, /existing interface entry/)
  const port = await newPort('pool')
  const used = /<source dev='(eth[01])'/.exec(port.xml)?.[1] ?? /dev='(eth[01])'/.exec(port.xml)?.[1]
  assert.ok(used !== undefined, port.xml)
  const e = await refused(4, 'pool', 'delete', 'forward-interface', `<interface dev='${used}'/>`)
  assert.match(e.message, /It is currently being used by 1 domains/)
  const free = used === 'eth0' ? 'eth1' : 'eth0'
  await update('pool', 'delete', 'forward-interface', `<interface dev='${free}'/>`)
  assert.doesNotMatch(liveXml('pool'), new RegExp(`dev='${free}'`))
  assert.equal((await refused(5, 'pool', 'modify', 'forward-interface', `<interface dev='${used}'/>`)).kind, 'not-supported')
})

test('scopes: --config changes only the persistent definition, --live and --config both; --live on an inactive network refused', { skip }, async () => {
  const c = await update('upd', 'add', 'dns-host', "<host ip='10.215.0.55'><hostname>cfg</hostname></host>", '--config')
  assert.deepEqual([c.live, c.config, c.dnsmasq], [false, true, 'none'])
  assert.match(configXml(), /10\.215\.0\.55/)
  assert.doesNotMatch(liveXml(), /10\.215\.0\.55/)
  const both = await cli(['net-update', 'upd', 'add', 'dns-host', "<host ip='10.215.0.56'><hostname>both</hostname></host>", '--live', '--config'])
  assert.equal(both.stdout, 'Updated network upd persistent config and live state\n')
  assert.match(configXml(), /10\.215\.0\.56/)
  assert.match(liveXml(), /10\.215\.0\.56/)
  assert.equal((await cli(['net-update', 'upd', 'add', 'dns-host', "<host ip='10.215.0.57'><hostname>x</hostname></host>", '--current', '--live'])).code, 2)
  await lab.lab.driver.destroy(lab.target, 'upd')
  assert.match((await refused(4, 'upd', 'add', 'dns-host', "<host ip='10.215.0.58'><hostname>y</hostname></host>", '--live')).message, /network is not running/)
  const cur = await update('upd', 'delete', 'dns-host', "<host ip='10.215.0.55'/>")
  assert.deepEqual([cur.live, cur.config], [false, true], '--current on an inactive network: the persistent definition')
})

test('debug net-update prints the XML the update gives, touching nothing; a refusal exits 2 with the reason', { skip }, async () => {
  const net = join(lab.dir, 'debug-net.xml')
  writeFileSync(net, `<network>
  <name>dbg</name>
  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9c</uuid>
  <forward mode='nat'/>
  <bridge name='virbr9' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
`)
  const r = await runCli(['debug', 'net-update', net, 'add', 'ip-dhcp-host', "<host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'/>"])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /<range start='192\.168\.122\.2' end='192\.168\.122\.254'\/>\n {6}<host mac='00:16:3e:77:e2:ed' name='a\.example\.com' ip='192\.168\.122\.10'\/>\n {4}<\/dhcp>/)
  const no = await runCli(['debug', 'net-update', net, 'delete', 'ip-dhcp-host', "<host mac='00:16:3e:77:e2:ee'/>"])
  assert.equal(no.code, 2)
  assert.match(no.stderr, /couldn't locate a matching dhcp host entry in network 'dbg'/)
})
