/**
 * Acceptance (issue 6 B.5): counts survive a restart. Ports on three networks (passthrough macvtaps, taps on a
 * Linux bridge, floor ports on an open network with inbound QoS); the driver and the store are closed and new
 * ones opened on the same directory: the live XML (connections) is unchanged, recovery finds nothing to remove,
 * the devices are still there. Floor accounting then rejects a port whose floor would exceed the network's
 * inbound average with a typed error and no change (store, live XML, tc, devices) — through the driver and the
 * CLI — while a port that fits gets a class id of its own.
 *
 * This VM's kernel has no sfq (used by libvirt's floor classes), so the driver here gets the real port services
 * with `tc` recorded instead of run; the real tc commands are exercised in the UML lane (bandwidth.test.ts).
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import type { ShapingCommand } from '../../src/backend/tc/index.js'
import { HostnetError } from '../../src/errors.js'
import { parsePortInput, SystemPortServices } from '../../src/driver/port/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { finished, ipIn, liveConnections, macFor, newPortXml, passthroughXml, PortLab, portDevicesIn } from './stress-lab.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

/** The real port services, but tc commands are recorded (and an htb root "exists" once one was added). */
class TcRecorder extends SystemPortServices {
  readonly calls: Array<{ ns: Target; commands: readonly ShapingCommand[] }> = []
  override tc(ns: Target, commands: readonly ShapingCommand[]): Promise<void> {
    this.calls.push({ ns, commands })
    return Promise.resolve()
  }
  override hasHtbRoot(_ns: Target, dev: string): Promise<boolean> {
    const argvs = this.calls.flatMap((c) => c.commands.map((k) => JSON.stringify(k)))
    return Promise.resolve(argvs.some((a) => a.includes(`"${dev}"`) && a.includes('"htb"') && a.includes('"root"')))
  }
}

const QOS_XML = `<network><name>qos</name><forward mode='open'/><bridge name='hnq0'/><ip address='10.98.0.1' prefix='24'/><bandwidth><inbound average='1000'/></bandwidth></network>`

function floorPort(name: string, floor: number, i: number): ReturnType<typeof parsePortInput> {
  return parsePortInput(newPortXml(randomUUID(), name, macFor(500 + i), `<bandwidth><inbound floor='${floor}'/></bandwidth>`))
}

test('connections survive a restart; a floor beyond the inbound average is refused with no change', { skip, timeout: 120_000 }, async () => {
  const recorder = new TcRecorder()
  const lab = await PortLab.open({ portServices: recorder })
  try {
    ipIn(lab.host, 'link', 'add', 'br0', 'type', 'bridge')
    ipIn(lab.host, 'link', 'set', 'br0', 'up')
    const pool = lab.makePool(4)
    await lab.startNetwork(passthroughXml('pt', pool))
    await lab.startNetwork(`<network><name>br</name><forward mode='bridge'/><bridge name='br0'/></network>`)
    await lab.startNetwork(QOS_XML)
    const port = (i: number): ReturnType<typeof parsePortInput> => parsePortInput(newPortXml(randomUUID(), `vm${i}`, macFor(i)))
    await lab.driver.ports.createMany(lab.target, 'pt', [port(1), port(2), port(3)].map((p) => ({ port: p })))
    await lab.driver.ports.create(lab.target, 'br', { port: port(4) })
    await lab.driver.ports.create(lab.target, 'br', { port: port(5) })
    const a = await lab.driver.ports.create(lab.target, 'qos', { port: floorPort('fa', 600, 1) })
    const b = await lab.driver.ports.create(lab.target, 'qos', { port: floorPort('fb', 300, 2) }, { plug: false })
    assert.ok(recorder.calls.length > 0, 'the floor classes were set up (tc)')

    const nets = ['pt', 'br', 'qos']
    const before = Object.fromEntries(nets.map((n) => [n, lab.driver.dumpXml(lab.target, n)]))
    assert.equal(liveConnections(before['pt']!).network, 3)
    assert.deepEqual(liveConnections(before['pt']!).devices, { p0: 1, p1: 1, p2: 1, p3: 0 })
    assert.equal(liveConnections(before['br']!).network, 2)
    assert.equal(liveConnections(before['qos']!).network, 2)
    const portsBefore = Object.fromEntries(nets.map((n) => [n, lab.driver.ports.list(lab.target, n)]))
    const devicesBefore = portDevicesIn(lab.host)
    assert.equal(devicesBefore.length, 6, '3 macvtaps, 2 taps on br0, 1 tap on the QoS bridge')

    // restart
    lab.reopen()
    const report = await lab.driver.recover({ scanPorts: true })
    assert.deepEqual(report.ports, { removed: [], orphans: [], failed: [] }, 'nothing to recover after a clean close')
    for (const n of nets) {
      assert.equal(lab.driver.dumpXml(lab.target, n), before[n], `live XML of '${n}' unchanged by the restart`)
      assert.deepEqual(lab.driver.ports.list(lab.target, n), portsBefore[n], `ports of '${n}' unchanged`)
    }
    assert.deepEqual(portDevicesIn(lab.host), devicesBefore)

    // the 4th passthrough port takes the one free NIC, the 5th is refused: the counts were really restored
    const fourth = await lab.driver.ports.create(lab.target, 'pt', { port: port(6) }, { plug: false })
    assert.equal(fourth.port.plug?.type === 'direct' ? fourth.port.plug.dev : '', 'p3')
    await assert.rejects(lab.driver.ports.create(lab.target, 'pt', { port: port(7) }, { plug: false }), /none are available/)
    await lab.driver.ports.delete(lab.target, 'pt', fourth.uuid)

    // floor: 600 + 300 granted of 1000; 200 more would overcommit
    const tcBefore = recorder.calls.length
    const qosBefore = lab.driver.dumpXml(lab.target, 'qos')
    const rowsBefore = lab.driver.ports.ctx.ports.listAll()
    await assert.rejects(lab.driver.ports.create(lab.target, 'qos', { port: floorPort('fc', 200, 3) }), (e: unknown) => {
      assert.ok(e instanceof HostnetError && e.name === 'PortError', `a typed port error: ${String(e)}`)
      assert.equal(e.kind, 'conflict')
      assert.equal((e.details as { field?: string }).field, '/networkport/bandwidth/inbound/@floor')
      assert.match(e.message, /new combined inbound floor=1100 would overcommit average=1000 on network 'qos'/)
      return true
    })
    assert.deepEqual(lab.driver.ports.ctx.ports.listAll(), rowsBefore, 'no row added or changed')
    assert.equal(lab.driver.dumpXml(lab.target, 'qos'), qosBefore, 'live XML unchanged')
    assert.equal(recorder.calls.length, tcBefore, 'no tc command for a refused port')
    assert.deepEqual(portDevicesIn(lab.host), devicesBefore, 'no device for a refused port')

    // the same through the CLI (real services; the refusal comes before any tc): exit 4, nothing changed
    const f = join(lab.dir, 'fc.xml')
    writeFileSync(f, newPortXml(randomUUID(), 'fc', macFor(503), `<bandwidth><inbound floor='101'/></bandwidth>`))
    const cli = await finished(lab.spawnCli(['net-port-create', '--netns', lab.host, 'qos', f]))
    assert.equal(cli.code, 4, cli.stderr)
    assert.match(cli.stderr, /floor=1001 would overcommit average=1000/)
    assert.deepEqual(lab.driver.ports.ctx.ports.listAll(), rowsBefore)
    assert.equal(lab.driver.dumpXml(lab.target, 'qos'), qosBefore)

    // a floor that fits exactly is granted, with a class id no other port of the network has
    const d = await lab.driver.ports.create(lab.target, 'qos', { port: floorPort('fd', 100, 4) }, { plug: false })
    const classIds = lab.driver.ports.list(lab.target, 'qos').map((p) => p.port.classId)
    assert.equal(new Set(classIds).size, 3, `distinct class ids ${classIds.join(',')}`)
    assert.ok(classIds.every((c) => c !== undefined && c >= 3), 'class ids 1:1 and 1:2 belong to the network')
    assert.equal(liveConnections(lab.driver.dumpXml(lab.target, 'qos')).network, 3)
    assert.equal(lab.driver.ports.ctx.ports.usage(`netns:${lab.host}`, 'qos').floorSum, 1000)

    // deleting frees the floor: 200 now fits
    await lab.driver.ports.delete(lab.target, 'qos', b.uuid)
    await lab.driver.ports.create(lab.target, 'qos', { port: floorPort('fe', 200, 5) }, { plug: false })
    assert.equal(lab.driver.ports.ctx.ports.usage(`netns:${lab.host}`, 'qos').floorSum, 900)
    void a
    void d
  } finally {
    await lab.close()
  }
})
