/**
 * Issue 14, item 7: a network's own `<bandwidth>` is on its bridge from net-start, as libvirt's bridge driver
 * puts it there (virNetDevBandwidthSet with the hierarchical class): the htb root `1:` (default class 2), class
 * 1:1 at the network's rate, default class 1:2, and the ingress qdisc for the outbound policer. A NAT network's
 * bridge takes the tree with it at destroy; a borrowed bridge (mode bridge) gets its qdiscs removed. Real kernel
 * (a lab namespace); this VM's kernel has no sfq, fw or police, so those three commands answer as if present
 * (the UML lane runs the whole tree: test/port/bandwidth.test.ts, case `network`).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { readTcState } from '../../src/backend/tc/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import { systemRunner } from '../../src/sys/exec.js'
import { canUseNetns } from '../helpers/netns.js'
import { FaultingRunner, program } from '../harden/fault-runner.js'
import { ip, NetworkLab } from './lab.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

// modelled on formatnetwork.rst's quality-of-service example: kB/s, burst in KiB
const BANDWIDTH = "<bandwidth><inbound average='1000' peak='5000' burst='1024'/><outbound average='128' peak='256' burst='256'/></bandwidth>"

test("a network's <bandwidth> is on its bridge from start: htb tree and ingress; destroy takes it off", { skip }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  const runner = new FaultingRunner()
  runner.pretend = (argv) => program(argv) === 'tc' && (argv.includes('sfq') || argv.includes('fw') || argv.includes('police'))
  const driver = createNetworkDriver({ backend: new Iproute2Backend({ runner }), store: lab.store, stateDir: lab.dir, runner })
  const tc = (dev: string): ReturnType<typeof readTcState> => readTcState(systemRunner, dev, { netns: lab.host })
  try {
    await driver.define(lab.target, `<network><name>qos</name><forward mode='nat'/><bridge name='qbr0'/>${BANDWIDTH}
      <ip address='10.45.0.1' prefix='24'/></network>`)
    await driver.start(lab.target, 'qos')
    const s = await tc('qbr0')
    const root = s.qdiscs.find((q) => q.root === true)
    assert.equal(root?.kind, 'htb')
    assert.equal(root?.handle, '1:')
    assert.equal((root?.options as { default?: string } | undefined)?.default, '0x2')
    assert.ok(s.qdiscs.some((q) => q.kind === 'ingress'), 'the ingress qdisc for the outbound policer')
    const byId = new Map(s.classes.map((c) => [c.classid, c]))
    assert.equal(byId.get('1:1')?.rateBytesPerSec, 1_000_000, 'class 1:1 at the network average (1000 kB/s)')
    assert.equal(byId.get('1:1')?.ceilBytesPerSec, 5_000_000, 'ceil at the peak')
    assert.equal(byId.get('1:2')?.parent, '1:1')
    assert.equal(byId.get('1:2')?.rateBytesPerSec, 1_000_000)
    await driver.destroy(lab.target, 'qos')

    // a borrowed bridge: the tree at start, nothing of it after destroy, the bridge stays
    ip(lab.host, 'link', 'add', 'br9', 'type', 'bridge')
    ip(lab.host, 'link', 'set', 'br9', 'up')
    await driver.define(lab.target, `<network><name>hb</name><forward mode='bridge'/><bridge name='br9'/>${BANDWIDTH}</network>`)
    await driver.start(lab.target, 'hb')
    assert.equal((await tc('br9')).qdiscs.find((q) => q.root === true)?.kind, 'htb')
    await driver.destroy(lab.target, 'hb')
    const after = await tc('br9')
    assert.ok(!after.qdiscs.some((q) => q.kind === 'htb' || q.kind === 'ingress'), JSON.stringify(after.qdiscs))
    assert.equal(after.classes.length, 0)
  } finally {
    driver.close()
    await lab.close()
  }
})
