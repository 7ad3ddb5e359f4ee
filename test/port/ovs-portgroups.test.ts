/**
 * Acceptance (issue 6 B.3): two portgroups with different VLAN tags on an Open vSwitch-backed network isolate
 * their guests; guests of the same portgroup reach each other.
 *
 * The OVS is private (ovsdb-server in a temp directory, ovs-vswitchd in the lab's host namespace, userspace
 * datapath `netdev`). The port driver plugs each port as in production: a tap added to the OVS bridge as a
 * system port with the portgroup's access tag. A tap only carries frames while someone holds it open (QEMU, for
 * a VM); here a small "VM" process does (python3: TUNSETIFF needs an ioctl node cannot make): it holds the
 * port's tap in the host namespace and relays every frame to and from a tap `eth0` it makes in a guest
 * namespace, which gets the port's MAC and an address (all guests share one subnet: only the VLANs separate them).
 *
 * The second test uses the driver's `guest` option instead (what `sandbox guest add` does): a veth whose guest end
 * would send partial checksums that the userspace datapath's packet sockets pass on unfinished, so the driver
 * turns its transmit checksum offload off. (Not an OVS `type=tap` port: OVS would then hold the tap itself and a
 * real VM could not open it, EBUSY.)
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { parsePortInput, type PortInfo } from '../../src/driver/port/index.js'
import { OvsPrivate } from '../../src/lab/ovs-private.js'
import { canUseNetns, leakedNetns, udpReaches } from '../helpers/netns.js'
import { SKIP_OVS_E2E } from '../ovs-e2e/lab.js'
import { ipIn, liveConnections, macFor, newPortXml, PortLab, portDevicesIn, waitFor } from './stress-lab.js'

const hasPython = spawnSync('python3', ['-c', 'import ctypes, fcntl'], { stdio: 'ignore' }).status === 0
const skip = !canUseNetns() ? 'needs root and ip netns' : SKIP_OVS_E2E !== false ? SKIP_OVS_E2E : !hasPython ? 'needs python3 (the tap-holding "VM")' : false

after(() => {
  if (canUseNetns()) assert.deepEqual(leakedNetns(), [])
})

// argv: HOST_TAP GUEST_NETNS GUEST_TAP. Holds HOST_TAP (in the current namespace), makes GUEST_TAP in GUEST_NETNS,
// relays frames both ways (what QEMU does between a tap and the guest's NIC).
const VM = `
import ctypes, fcntl, os, select, struct, sys
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
def tap(name):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    return fd
host_tap, guest_ns, guest_tap = sys.argv[1:4]
a = tap(host_tap)
nsfd = os.open('/run/netns/' + guest_ns, os.O_RDONLY)
if ctypes.CDLL(None, use_errno=True).setns(nsfd, 0x40000000) != 0:
    raise OSError(ctypes.get_errno(), 'setns')
b = tap(guest_tap)
print('ready', flush=True)
peer = {a: b, b: a}
while True:
    for fd in select.select([a, b], [], [])[0]:
        try:
            os.write(peer[fd], os.read(fd, 65536))
        except OSError:
            pass
`

const NETWORK_XML =
  `<network><name>ovsnet</name><forward mode='bridge'/><bridge name='ovsbr0'/><virtualport type='openvswitch'/>` +
  `<portgroup name='a'><vlan><tag id='10'/></vlan></portgroup><portgroup name='b'><vlan><tag id='20'/></vlan></portgroup></network>`

test('OVS portgroups a (tag 10) and b (tag 20): same group reaches, different groups are isolated', { skip, timeout: 180_000 }, async () => {
  const lab = await PortLab.open()
  let ovs: OvsPrivate | undefined
  const vms: ChildProcess[] = []
  try {
    ovs = await OvsPrivate.start({ runDir: join(lab.dir, 'ovs'), vswitchdNetns: lab.host })
    const vsctl = (...args: string[]): string => execFileSync('ovs-vsctl', [`--db=${ovs!.address}`, ...args], { encoding: 'utf8' }).trim()
    vsctl('add-br', 'ovsbr0', '--', 'set', 'bridge', 'ovsbr0', 'datapath_type=netdev')
    lab.ovsdb = ovs.address
    lab.reopen()
    await lab.startNetwork(NETWORK_XML)

    const guests: Array<{ group: string; port: PortInfo; ns: string; ip: string }> = []
    for (const [i, group] of ['a', 'a', 'b', 'b'].entries()) {
      const xml = newPortXml(randomUUID(), `vm-${group}${i}`, macFor(0x10 + i), '')
      const port = parsePortInput(xml.replace('<mac ', `<group>${group}</group><mac `))
      const p = await lab.driver.ports.create(lab.target, 'ovsnet', { port })
      assert.equal(p.status, 'plugged')
      assert.ok(p.device !== undefined)
      guests.push({ group, port: p, ns: await lab.ns(`g${group}`), ip: `10.10.0.${i + 1}` })
    }
    // the ports carry their portgroup's VLAN into OVS, with libvirt's external_ids
    for (const g of guests) {
      const dev = g.port.device!
      assert.equal(vsctl('get', 'port', dev, 'tag'), g.group === 'a' ? '10' : '20', `${dev} of group ${g.group}`)
      assert.match(vsctl('get', 'interface', dev, 'external_ids:attached-mac'), new RegExp(g.port.port.mac))
      assert.equal(g.port.port.group, g.group)
    }
    assert.equal(liveConnections(lab.driver.dumpXml(lab.target, 'ovsnet')).network, 4)

    for (const g of guests) {
      const vm = spawn('ip', ['netns', 'exec', lab.host, 'python3', '-c', VM, g.port.device!, g.ns, 'eth0'], { stdio: ['ignore', 'pipe', 'pipe'] })
      vms.push(vm)
      let err = ''
      vm.stderr!.on('data', (b: Buffer) => (err += b.toString()))
      const ready = await new Promise<boolean>((resolve) => {
        vm.stdout!.once('data', () => resolve(true))
        vm.once('exit', () => resolve(false))
      })
      assert.ok(ready, `the VM process for ${g.port.device} started: ${err}`)
      ipIn(g.ns, 'link', 'set', 'eth0', 'address', g.port.port.mac)
      ipIn(g.ns, 'addr', 'add', `${g.ip}/24`, 'dev', 'eth0')
      ipIn(g.ns, 'link', 'set', 'eth0', 'up')
      ipIn(g.ns, 'link', 'set', 'lo', 'up')
    }
    const [a1, a2, b1, b2] = guests as [(typeof guests)[0], (typeof guests)[0], (typeof guests)[0], (typeof guests)[0]]
    // the taps are held now (carrier up)
    assert.ok(await waitFor(() => !ipIn(lab.host, 'link', 'show', a1.port.device!).includes('NO-CARRIER'), 5000))
    assert.ok(await udpReaches(a1.ns, a2.ns, a2.ip, 5000), 'portgroup a: a1 reaches a2 (tag 10)')
    assert.ok(await udpReaches(b1.ns, b2.ns, b2.ip, 5000), 'portgroup b: b1 reaches b2 (tag 20)')
    assert.equal(await udpReaches(a1.ns, b1.ns, b1.ip, 1500), false, 'a1 (tag 10) does not reach b1 (tag 20)')
    assert.equal(await udpReaches(b2.ns, a2.ns, a2.ip, 1500), false, 'b2 (tag 20) does not reach a2 (tag 10)')

    // deleting the ports removes the OVS ports and the taps
    for (const vm of vms) vm.kill('SIGKILL')
    await lab.driver.ports.deleteMany(lab.target, 'ovsnet', guests.map((g) => g.port.uuid))
    assert.equal(vsctl('list-ports', 'ovsbr0'), '')
    assert.deepEqual(portDevicesIn(lab.host), [])
    assert.equal(liveConnections(lab.driver.dumpXml(lab.target, 'ovsnet')).network, 0)
  } finally {
    for (const vm of vms) vm.kill('SIGKILL')
    try {
      await ovs?.stop()
    } finally {
      await lab.close()
    }
  }
})

test("the driver's own guest ends (veths into guest namespaces) carry UDP on the netdev OVS bridge, per tag", { skip: skip === 'needs python3 (the tap-holding "VM")' ? false : skip, timeout: 180_000 }, async () => {
  const lab = await PortLab.open()
  let ovs: OvsPrivate | undefined
  try {
    ovs = await OvsPrivate.start({ runDir: join(lab.dir, 'ovs'), vswitchdNetns: lab.host })
    execFileSync('ovs-vsctl', [`--db=${ovs.address}`, 'add-br', 'ovsbr0', '--', 'set', 'bridge', 'ovsbr0', 'datapath_type=netdev'])
    lab.ovsdb = ovs.address
    lab.reopen()
    await lab.startNetwork(NETWORK_XML)
    const guests: Array<{ ns: string; ip: string }> = []
    for (const [i, group] of ['a', 'a', 'b'].entries()) {
      const ns = await lab.ns(`v${group}`)
      const xml = newPortXml(randomUUID(), `vm-${group}${i}`, macFor(0x20 + i), '')
      const port = parsePortInput(xml.replace('<mac ', `<group>${group}</group><mac `))
      const p = await lab.driver.ports.create(lab.target, 'ovsnet', { port, guest: { netns: ns, name: 'eth0' } })
      assert.equal(p.status, 'plugged')
      // the guest end computes its own checksums (the userspace datapath would forward partial ones)
      const features = execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-k', 'eth0'], { encoding: 'utf8' })
      assert.match(features, /^tx-checksumming: off/m)
      const ip = `10.11.0.${i + 1}`
      ipIn(ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0')
      ipIn(ns, 'link', 'set', 'lo', 'up')
      guests.push({ ns, ip })
    }
    const [a1, a2, b1] = guests as [(typeof guests)[0], (typeof guests)[0], (typeof guests)[0]]
    assert.ok(await udpReaches(a1.ns, a2.ns, a2.ip, 5000), 'same tag: a1 reaches a2 over UDP')
    assert.equal(await udpReaches(a1.ns, b1.ns, b1.ip, 1500), false, 'tag 10 does not reach tag 20')
  } finally {
    try {
      await ovs?.stop()
    } finally {
      await lab.close()
    }
  }
})
