/**
 * `<forward mode='bridge'>` over an Open vSwitch bridge: hostnet creates nothing, it only checks through the
 * target's OVSDB (here a private ovsdb-server) that the bridge exists; a missing one is an error at start.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError } from '../../src/errors.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import { openStore } from '../../src/store/index.js'
import { OvsPrivate } from '../../src/lab/ovs-private.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const XML = `<network><name>ovsnet</name><forward mode='bridge'/><bridge name='ovsbr7'/><virtualport type='openvswitch'/></network>`

test('an OVS-backed bridge network starts only when the OVS bridge exists', { skip }, async () => {
  const ns = await makeNetns('ovs')
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-ovsnet-'))
  const ovs = await OvsPrivate.start()
  const store = openStore(dir)
  const driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir: dir, ovsdb: ovs.address })
  const target = { kind: 'netns' as const, name: ns }
  try {
    await driver.define(target, XML)
    await assert.rejects(driver.start(target, 'ovsnet'), (e: unknown) => e instanceof HostnetError && e.kind === 'not-found' && /Open vSwitch bridge 'ovsbr7'/.test(e.message))
    assert.equal(driver.info(target, 'ovsnet').state, 'inactive')
    execFileSync('ovs-vsctl', [`--db=${ovs.address}`, '--no-wait', 'add-br', 'ovsbr7'])
    await driver.start(target, 'ovsnet')
    assert.equal(driver.info(target, 'ovsnet').state, 'active')
    await driver.destroy(target, 'ovsnet')
    assert.match(execFileSync('ovs-vsctl', [`--db=${ovs.address}`, '--no-wait', 'list-br'], { encoding: 'utf8' }), /ovsbr7/, 'the bridge is left alone')
  } finally {
    driver.close()
    store.close()
    await ovs.stop()
    await removeNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
})
