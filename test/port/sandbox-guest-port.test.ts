/**
 * `hostnet sandbox guest add|remove` goes through the port driver (acceptance issue 6 A, point 4), end to end with
 * ./bin/hostnet: on a direct network (forward mode='bridge' over a pool interface: macvtap bridge mode) each guest
 * gets a port whose macvtap device is the guest's eth0 (the two guests reach each other); on a NAT network with a
 * portgroup the guest's port carries the portgroup, its veth peer is eth0 and it still gets its DHCP lease;
 * `remove` deletes the port (connections drop, the device goes) and the namespace.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listNetns } from '../../src/sys/netns.js'
import { destroySandbox } from '../../src/lab/sandbox.js'
import { canUseNetns, uniqueNetnsName } from '../helpers/netns.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'
import { ip, linkDetails, reaches } from './port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
const sb = uniqueNetnsName('sb')
const dir = skip === false ? tempDir('hostnet-guest-port-') : undefined
const sd = ['--state-dir', dir?.path ?? '']

after(async () => {
  if (skip !== false) return
  try {
    await runCli(['net-destroy', '--netns', sb, ...sd, 'mvb'])
    await runCli(['net-destroy', '--netns', sb, ...sd, 'gnat'])
    await runCli(['net-destroy', '--netns', sb, ...sd, 'pt'])
  } finally {
    await destroySandbox(sb)
    dir?.remove()
  }
  assert.deepEqual(listNetns().filter((n) => n.startsWith(sb)), [])
})

async function ok(args: readonly string[]): Promise<string> {
  const r = await runCli(args)
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
  return r.stdout
}

async function define(name: string, xml: string): Promise<void> {
  writeFileSync(join(dir!.path, `${name}.xml`), xml)
  await ok(['net-define', '--netns', sb, ...sd, join(dir!.path, `${name}.xml`)])
  await ok(['net-start', '--netns', sb, ...sd, name])
}

interface PortRow {
  uuid: string
  guest?: { netns: string; name: string }
  device?: string
}

async function portsOf(net: string): Promise<PortRow[]> {
  return JSON.parse(await ok(['net-port-list', '--netns', sb, ...sd, net, '--json'])) as PortRow[]
}

test('sandbox guests get ports from the port driver: direct (macvtap bridge mode) and NAT with a portgroup', { skip }, async () => {
  await ok(['sandbox', 'create', '--name', sb])
  // the direct network's pool interface: a veth in the sandbox (its peer up, so it has a carrier)
  ip(sb, 'link', 'add', 'pool0', 'type', 'veth', 'peer', 'name', 'pool0p')
  ip(sb, 'link', 'set', 'pool0p', 'up')
  ip(sb, 'link', 'set', 'pool0', 'up')
  await define('mvb', `<network><name>mvb</name><forward mode='bridge'><interface dev='pool0'/></forward></network>`)

  const g1 = JSON.parse(await ok(['sandbox', 'guest', 'add', 'g1', '--network', 'mvb', '--sandbox', sb, '--mac', '52:54:00:00:17:01', '--json', ...sd])) as {
    netns: string
    port: { uuid: string; plug: unknown }
    lease?: unknown
  }
  assert.equal(g1.netns, `${sb}-g-g1`)
  assert.deepEqual(g1.port.plug, { type: 'direct', dev: 'pool0', mode: 'bridge' })
  assert.equal(g1.lease, undefined, 'no DHCP on a direct network')
  const text = await ok(['sandbox', 'guest', 'add', 'g2', '--network', 'mvb', '--sandbox', sb, '--mac', '52:54:00:00:17:02', ...sd])
  assert.match(text, /^guest 'g2' \(namespace .*-g-g2, MAC 52:54:00:00:17:02\) on network 'mvb': port [0-9a-f-]{36} \(macvtap on pool0, mode bridge\), no DHCP on this network\n$/)
  for (const [g, mac] of [['g1', '52:54:00:00:17:01'], ['g2', '52:54:00:00:17:02']] as const) {
    const eth0 = linkDetails(`${sb}-g-${g}`).get('eth0')
    assert.deepEqual([eth0?.kind, eth0?.mode, eth0?.mac], ['macvtap', 'bridge', mac], `${g}'s eth0 is its port's macvtap`)
  }
  assert.deepEqual(
    (await portsOf('mvb')).map((p) => [p.uuid === g1.port.uuid, p.guest]),
    [
      [true, { netns: `${sb}-g-g1`, name: 'eth0' }],
      [false, { netns: `${sb}-g-g2`, name: 'eth0' }],
    ],
  )
  assert.match(await ok(['net-dumpxml', '--netns', sb, ...sd, 'mvb']), /<interface dev='pool0' connections='2'\/>/)
  ip(`${sb}-g-g1`, 'addr', 'add', '10.79.0.1/24', 'dev', 'eth0')
  ip(`${sb}-g-g2`, 'addr', 'add', '10.79.0.2/24', 'dev', 'eth0')
  assert.equal(await reaches(`${sb}-g-g1`, `${sb}-g-g2`, '10.79.0.2', true), true, 'macvtap bridge mode: the guests reach each other')

  const removed = await ok(['sandbox', 'guest', 'remove', 'g1', '--sandbox', sb, ...sd])
  assert.equal(removed, `guest 'g1' removed (port ${g1.port.uuid} deleted)\n`)
  assert.ok(!listNetns().includes(`${sb}-g-g1`))
  assert.equal((await portsOf('mvb')).length, 1)
  assert.match(await ok(['net-dumpxml', '--netns', sb, ...sd, 'mvb']), /<interface dev='pool0' connections='1'\/>/)
  assert.equal(await ok(['sandbox', 'guest', 'del', 'g2', '--sandbox', sb, ...sd]).then((s) => s.startsWith("guest 'g2' removed (port ")), true)
  assert.deepEqual(await portsOf('mvb'), [])

  // NAT with a portgroup: the guest's port has the group and its settings; DHCP still works
  await define(
    'gnat',
    `<network><name>gnat</name><forward mode='nat'/><bridge stp='off'/>
      <portgroup name='trusted' trustGuestRxFilters='yes'/>
      <ip address='192.168.161.1' prefix='24'><dhcp><range start='192.168.161.50' end='192.168.161.60'/>
      <host mac='52:54:00:00:17:03' ip='192.168.161.7'/></dhcp></ip></network>`,
  )
  const g3 = JSON.parse(
    await ok(['sandbox', 'guest', 'add', 'g3', '--network', 'gnat', '--portgroup', 'trusted', '--sandbox', sb, '--mac', '52:54:00:00:17:03', '--json', ...sd]),
  ) as { port: { uuid: string; group: string; device: string }; lease: { ip: string } }
  assert.equal(g3.lease.ip, '192.168.161.7')
  assert.equal(g3.port.group, 'trusted')
  const vg = linkDetails(sb).get('vg-g3')
  assert.equal(vg?.master, 'virbr0', "the veth playing the guest's tap is on the network's bridge")
  assert.equal(vg?.mac, 'fe:54:00:00:17:03')
  assert.equal(linkDetails(`${sb}-g-g3`).get('eth0')?.mac, '52:54:00:00:17:03')
  const port = await ok(['net-port-dumpxml', '--netns', sb, ...sd, 'gnat', g3.port.uuid])
  assert.match(port, /<owner>\n {4}<name>g3<\/name>/)
  assert.match(port, /<group>trusted<\/group>/)
  assert.match(port, /<rxfilters trustGuest='yes'\/>/)
  assert.match(port, /<plug type='network' bridge='virbr0'\/>/)
  const status = await ok(['net-port-dumpxml', '--netns', sb, ...sd, 'gnat', g3.port.uuid, '--domain-interface'])
  assert.match(status, new RegExp(`<source network='gnat' portgroup='trusted' portid='${g3.port.uuid}'/>`))
  assert.match(status, /<target dev='vg-g3'\/>/)
  const list = JSON.parse(await ok(['sandbox', 'guest', 'list', '--sandbox', sb, '--json'])) as Array<{ name: string; address: string; bridge: string }>
  assert.deepEqual(list.map((g) => [g.name, g.address, g.bridge]), [['g3', '192.168.161.7/24', 'virbr0']])

  // an unknown network is refused before anything exists
  const unknown = await runCli(['sandbox', 'guest', 'add', 'g4', '--network', 'nosuch', '--sandbox', sb, ...sd])
  assert.equal(unknown.code, 3, unknown.stderr)
  assert.ok(!listNetns().includes(`${sb}-g-g4`))

  // a port the network refuses (exhausted passthrough pool): typed error, no guest namespace, no port left
  ip(sb, 'link', 'add', 'pool1', 'type', 'veth', 'peer', 'name', 'pool1p')
  ip(sb, 'link', 'set', 'pool1p', 'up')
  ip(sb, 'link', 'set', 'pool1', 'up')
  await define('pt', `<network><name>pt</name><forward mode='passthrough'><interface dev='pool1'/></forward></network>`)
  await ok(['sandbox', 'guest', 'add', 'g5', '--network', 'pt', '--sandbox', sb, ...sd])
  const exhausted = await runCli(['sandbox', 'guest', 'add', 'g6', '--network', 'pt', '--sandbox', sb, ...sd])
  assert.equal(exhausted.code, 4, exhausted.stderr)
  assert.match(exhausted.stderr, /^error: network port '[0-9a-f-]{36}': /)
  assert.ok(!listNetns().includes(`${sb}-g-g6`), 'the guest namespace was removed again')
  assert.equal((await portsOf('pt')).length, 1)
  assert.equal(linkDetails(`${sb}-g-g5`).get('eth0')?.mode, 'passthru')
  await ok(['sandbox', 'guest', 'remove', 'g5', '--sandbox', sb, ...sd])
  await ok(['net-destroy', '--netns', sb, ...sd, 'pt'])

  await ok(['sandbox', 'guest', 'remove', 'g3', '--sandbox', sb, ...sd])
  assert.deepEqual(await portsOf('gnat'), [])
  assert.equal(linkDetails(sb).has('vg-g3'), false)
  assert.equal(await ok(['sandbox', 'guest', 'remove', 'g3', '--sandbox', sb, ...sd]), "guest 'g3' did not exist\n")
})
