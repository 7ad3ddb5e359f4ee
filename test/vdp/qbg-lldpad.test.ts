/**
 * 802.1Qbg on the real kernel with two real lldpads and no switch (issue 19's acceptance): a VEPA network over
 * the station's eth0, whose peer sw0 is the "switch port" of a bridge-role lldpad in another namespace.
 *
 * - with the bridge-role lldpad not running, creating a port with an 802.1Qbg virtualport fails (typed, naming
 *   port, network and VDP status) and leaves nothing: no device, no port, no count, nothing in lldpad;
 * - with it running, the port is associated: the port driver reports it (recorded and live), the station's
 *   lldpad lists it (Debian's vdptool over its control interface), the bridge-role lldpad logs it with the type
 *   id, and ECP frames (ethertype 0x8940) cross the wire;
 * - deleting the port disassociates it (lldpad no longer lists it);
 * - an incoming migration's port is pre-associated (with resource reservation) and then associated.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePortInput } from '../../src/driver/port/index.js'
import { PortError } from '../../src/model/port/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { directXml, links, portXml } from '../port/port-lab.js'
import { ECP22_ETHERTYPE, VdpLab, waitFor } from './vdp-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const TYPE_ID = 1193047
const profile = `<virtualport type='802.1Qbg'><parameters managerid='11' typeid='${TYPE_ID}' typeidversion='2'/></virtualport>`
const uuid = (n: number): string => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-0000000000aa`
const mac = (n: number): string => `52:54:00:00:0b:${n.toString(16).padStart(2, '0')}`

test('802.1Qbg: refused without a bridge, associated through lldpad with one, disassociated on delete', { skip }, async () => {
  const v = await VdpLab.open({ timeoutMs: 4000 })
  try {
    const target = v.lab.target
    await v.lab.driver.define(target, directXml('vepa-qbg', 'vepa', ['eth0'], profile))
    await v.lab.driver.start(target, 'vepa-qbg')

    // 1. no bridge-role lldpad: the plug fails and leaves nothing
    const before = links(v.host)
    const err = await v.ports.create(target, 'vepa-qbg', { port: parsePortInput(portXml({ uuid: uuid(1), mac: mac(1) })) }).then(
      () => assert.fail('the plug must fail without a bridge'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof PortError, `a PortError: ${String(err)}`)
    assert.equal(err.port, uuid(1))
    assert.equal(err.network, 'vepa-qbg')
    assert.match(err.message, /802\.1Qbg .*typeid 1193047.* on 'eth0' failed \(network 'vepa-qbg'\): VDP status refused \((ENXIO|EPROTONOSUPPORT)\)/)
    assert.match(String(err.details?.['vdpStatus']), /^refused \((ENXIO|EPROTONOSUPPORT)\)$/)
    assert.deepEqual(links(v.host), before, 'no device left')
    assert.deepEqual(v.ports.list(target, 'vepa-qbg'), [], 'no port left')
    assert.doesNotMatch(v.lab.driver.dumpXml(target, 'vepa-qbg'), /connections=/, 'no count left')

    // 2. the bridge-role lldpad runs: the port is associated
    await v.startBridge()
    await v.evbNegotiated()
    const info = await v.ports.create(target, 'vepa-qbg', { port: parsePortInput(portXml({ uuid: uuid(2), mac: mac(2) })) })
    assert.equal(info.status, 'plugged')
    const a = info.association
    assert.ok(a !== undefined, 'the port reports its association')
    assert.equal(a.type, '802.1Qbg')
    assert.equal(a.state, 'associated')
    assert.equal(a.root, 'eth0')
    assert.equal(a.vlan, 0)
    assert.equal(a.status, 'success (0)')
    assert.equal(a.typeId, TYPE_ID)
    const instance = a.instanceId
    assert.ok(instance !== undefined && /^[0-9a-f-]{36}$/.test(instance), 'a generated instance id')

    const [live] = await v.ports.withLiveAssociations(target, v.ports.list(target, 'vepa-qbg'))
    assert.deepEqual(live?.association?.live, { state: 'associated', status: 'success (0)' })

    const listed = v.vdptool(instance)
    assert.match(listed, new RegExp(`uuid = ${instance}`), `the station's lldpad lists the VSI:\n${listed}`)
    assert.match(listed, new RegExp(`typeid = ${TYPE_ID}`))
    assert.match(listed, /mode = assoc/)
    await waitFor(() => v.bridgeLog().includes(`id:${TYPE_ID}`) && v.bridgeLog().includes(instance), 5000, 'the bridge logging the VSI')
    await waitFor(() => v.capturedFrames().includes(ECP22_ETHERTYPE), 5000, `ECP frames on the wire: ${v.capturedFrames()}`)

    // 3. delete: disassociated
    await v.ports.delete(target, 'vepa-qbg', uuid(2))
    assert.deepEqual(v.ports.list(target, 'vepa-qbg'), [])
    await waitFor(() => !v.vdptool(instance).includes(`uuid = ${instance}`), 5000, 'lldpad forgetting the VSI')
    assert.deepEqual(links(v.host), before, 'the macvtap is gone')

    // 4. libvirt's incoming migration: pre-associate with resource reservation, then associate
    const pre = await v.ports.create(target, 'vepa-qbg', { port: parsePortInput(portXml({ uuid: uuid(3), mac: mac(3) })) }, { profileOp: 'preassociate-rr' })
    assert.equal(pre.association?.state, 'preassociated')
    const preInstance = pre.association?.instanceId ?? ''
    assert.match(v.vdptool(preInstance, 'preassoc-rr'), /mode = preassoc-rr/)
    const done = await v.ports.associate(target, 'vepa-qbg', uuid(3))
    assert.equal(done.association?.state, 'associated')
    assert.match(v.vdptool(preInstance), /mode = assoc\b/)
    await v.ports.delete(target, 'vepa-qbg', uuid(3))
    await waitFor(() => !v.vdptool(preInstance).includes(`uuid = ${preInstance}`), 5000, 'lldpad forgetting the pre-associated VSI')
  } finally {
    await v.close()
  }
})
