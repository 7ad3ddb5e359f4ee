/**
 * hostdev forward mode over a `<pf>` (acceptance issue 6 A, point 6), through ./bin/hostnet with a fake sysfs tree
 * ($HOSTNET_SYSFS_ROOT): the pool is the PF's virtual functions, built at the first allocation and shown in the live
 * XML; allocation is exclusive (the first free VF), dumpxml shows the VF's PCI address in `<plug type='hostdev-pci'>`,
 * nothing is plugged on the host, a port on an exhausted pool fails with a typed error and changes nothing, and
 * deleting a port frees its VF. Also vepa over a `<pf>`: the VFs' network devices become the interface pool.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { runCli, type CliResult } from '../engine/cli-helpers.js'
import { buildFakeSysfs, type FakeSysfs } from '../port-core/fake-sysfs.js'
import { SYSFS_ROOT_ENV } from '../../src/driver/port/index.js'
import { linkDetails, links, PortLab, portXml } from './port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: PortLab
let sysfs: FakeSysfs

before(async () => {
  if (skip !== false) return
  // PF 0000:01:00.0 (enp1s0) with two VFs without netdevs (bound to vfio), PF 0000:02:00.0 whose VFs are eth0, eth1
  sysfs = buildFakeSysfs([
    { address: '0000:01:00.0', netdev: 'enp1s0', vfs: [{ address: '0000:01:10.0' }, { address: '0000:01:10.2' }] },
    { address: '0000:02:00.0', netdev: 'enp2s0', vfs: [{ address: '0000:02:10.0', netdevs: ['eth0'] }, { address: '0000:02:10.1', netdevs: ['eth1'] }] },
  ])
  lab = await PortLab.open({ poolSize: 2 })
})

after(async () => {
  if (skip !== false) return
  try {
    await lab.close()
  } finally {
    sysfs.cleanup()
  }
  assert.deepEqual(leakedNetns(), [])
})

let fileNo = 0
function file(text: string): string {
  const p = join(lab.dir, `hd-${fileNo++}.xml`)
  writeFileSync(p, text)
  return p
}

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli([...args, '--netns', lab.host, '--state-dir', lab.dir], { [SYSFS_ROOT_ENV]: sysfs.root })
}

async function ok(args: readonly string[]): Promise<string> {
  const r = await cli(args)
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
  return r.stdout
}

const uuid = (n: number): string => `${(0xd0000000 + n).toString(16)}-0000-4000-8000-000000000000`
const mac = (n: number): string => `52:54:00:00:03:0${n}`

test('hostdev over a <pf>: exclusive VFs, PCI address in the plug, exhausted pool refused, delete frees the VF', { skip }, async () => {
  await ok(['net-define', file(`<network><name>hd</name><forward mode='hostdev' managed='yes'><driver name='vfio'/><pf dev='enp1s0'/></forward></network>`)])
  await ok(['net-start', 'hd'])
  const hostLinks = links(lab.host)
  const first = JSON.parse(await ok(['net-port-create', 'hd', file(portXml({ uuid: uuid(1), mac: mac(1), owner: 'vm1' })), '--json'])) as { hostdev: string; device?: string; status: string }
  assert.deepEqual([first.hostdev, first.device, first.status], ['0000:01:10.0', undefined, 'plugged'])
  assert.equal(
    await ok(['net-port-dumpxml', 'hd', uuid(1)]),
    `<networkport>
  <uuid>${uuid(1)}</uuid>
  <owner>
    <name>vm1</name>
    <uuid>aaaaaaaa-0000-4000-8000-000000000000</uuid>
  </owner>
  <mac address='${mac(1)}'/>
  <plug type='hostdev-pci' managed='yes'>
    <driver name='vfio'/>
    <address domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>
  </plug>
</networkport>
`,
  )
  const status = await ok(['net-port-dumpxml', 'hd', uuid(1), '--domain-interface'])
  assert.match(status, /<actual type='hostdev' managed='yes'>/)
  assert.match(status, /<address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'\/>/)
  // the live XML lists the pool built from the PF (addresses never carry connections)
  const live = await ok(['net-dumpxml', 'hd'])
  assert.match(live, /<network connections='1'>/)
  assert.match(live, /<forward mode='hostdev' managed='yes'>/)
  assert.match(live, /<pf dev='enp1s0'\/>\n {4}<address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'\/>\n {4}<address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x2'\/>/)
  assert.doesNotMatch(live, /<address [^>]*connections=/)
  assert.doesNotMatch(await ok(['net-dumpxml', 'hd', '--inactive']), /<address /, 'the inactive XML keeps only the <pf>')

  const second = JSON.parse(await ok(['net-port-create', 'hd', file(portXml({ uuid: uuid(2), mac: mac(2) })), '--json'])) as { hostdev: string }
  assert.equal(second.hostdev, '0000:01:10.2')
  const before = { live: await ok(['net-dumpxml', 'hd']), ports: await ok(['net-port-list', 'hd', '--json']) }
  const refused = await cli(['net-port-create', 'hd', file(portXml({ uuid: uuid(3), mac: mac(3) })), '--json'])
  assert.equal(refused.code, 4, refused.stdout + refused.stderr)
  const err = (JSON.parse(refused.stdout) as { error: { kind: string; message: string; details: { network: string; field: string } } }).error
  assert.equal(err.kind, 'conflict')
  assert.match(err.message, new RegExp(`network port '${uuid(3)}'`))
  assert.equal(err.details.network, 'hd')
  assert.equal(err.details.field, '/network/forward/address')
  assert.deepEqual({ live: await ok(['net-dumpxml', 'hd']), ports: await ok(['net-port-list', 'hd', '--json']) }, before, 'no count changed')
  assert.deepEqual(links(lab.host), hostLinks, 'nothing plugged on the host')

  await ok(['net-port-delete', 'hd', uuid(1)])
  const third = JSON.parse(await ok(['net-port-create', 'hd', file(portXml({ uuid: uuid(4), mac: mac(4) })), '--json'])) as { hostdev: string }
  assert.equal(third.hostdev, '0000:01:10.0', 'the freed VF is the first free one again')
  await ok(['net-destroy', 'hd'])
  assert.equal((await cli(['net-port-list', 'hd'])).code, 4, 'a stopped network has no ports to list')
})

test("vepa over a <pf>: the VFs' network devices are the pool; ports get macvtap devices on them", { skip }, async () => {
  await ok(['net-define', file(`<network><name>vpf</name><forward mode='vepa'><pf dev='enp2s0'/></forward></network>`)])
  await ok(['net-start', 'vpf'])
  const p1 = JSON.parse(await ok(['net-port-create', 'vpf', file(portXml({ uuid: uuid(5), mac: mac(5) })), '--json'])) as { device: string; plug: unknown }
  const p2 = JSON.parse(await ok(['net-port-create', 'vpf', file(portXml({ uuid: uuid(6), mac: mac(6) })), '--json'])) as { device: string; plug: unknown }
  assert.deepEqual([p1.plug, p2.plug], [
    { type: 'direct', dev: 'eth0', mode: 'vepa' },
    { type: 'direct', dev: 'eth1', mode: 'vepa' },
  ])
  const host = linkDetails(lab.host)
  assert.deepEqual([host.get(p1.device)?.kind, host.get(p1.device)?.link], ['macvtap', 'eth0'])
  assert.deepEqual([host.get(p2.device)?.kind, host.get(p2.device)?.link], ['macvtap', 'eth1'])
  const live = await ok(['net-dumpxml', 'vpf'])
  assert.match(live, /<forward mode='vepa'>\n/, "no dev= on a <pf> network's <forward>")
  assert.match(live, /<pf dev='enp2s0'\/>\n {4}<interface dev='eth0' connections='1'\/>\n {4}<interface dev='eth1' connections='1'\/>/)
  await ok(['net-destroy', 'vpf'])
  assert.equal(linkDetails(lab.host).has(p1.device), false, 'destroying the network unplugs its ports')
  assert.equal(linkDetails(lab.host).has(p2.device), false)
})
