/**
 * Issue 16, defect 1: clean-up deletes only devices hostnet can prove it made. Devices named like hostnet's own
 * (`hngc` + 10 hex digits, `hnp` + 12 hex digits) but made by someone else (another tool: hostnet refuses such
 * names) survive the deletion of retired bridges and the scan for port devices without a port; hostnet's own
 * (marked with its alias as it made or retired them) are deleted. A failed plug deletes the devices it made
 * (even one its batch made before stopping short of marking it) and never a device someone else made under the
 * port's name after hostnet checked the name was free. Real kernel.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import { portDeviceName } from '../../src/driver/port/index.js'
import type { ExecOptions, ExecResult } from '../../src/sys/exec.js'
import { FaultingRunner, program } from './fault-runner.js'
import { parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { PortStore } from '../../src/store/ports.js'
import { targetKey } from '../../src/txn/target-key.js'
import { canUseNetns } from '../helpers/netns.js'
import { ip, links, NetworkLab } from '../network/lab.js'
import { natXml } from '../network/fakes.js'
import { portXml } from '../port/port-lab.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

test("devices named like hostnet's tombstones and port devices but not made by it survive clean-up; hostnet's own go", { skip }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  try {
    // someone else's devices with hostnet-looking names
    ip(lab.host, 'link', 'add', 'hngc0123456789', 'type', 'bridge')
    ip(lab.host, 'link', 'add', 'hnp0123456789ab', 'type', 'veth', 'peer', 'name', 'hnpffffffffffff')
    ip(lab.host, 'link', 'set', 'hnp0123456789ab', 'alias', 'not hostnet')
    const theirs = ['hngc0123456789', 'hnp0123456789ab', 'hnpffffffffffff']

    // a network started and destroyed: its own retired bridge is deleted, theirs stays
    await lab.driver.define(lab.target, natXml('a', '10.46.1'))
    await lab.driver.start(lab.target, 'a')
    await lab.driver.destroy(lab.target, 'a', { deferDelete: true })
    assert.equal(links(lab.host).filter((l) => l.startsWith('hngc')).length, 2)
    assert.equal(await lab.driver.collectGarbage(lab.target), 1)
    for (const d of theirs) assert.ok(links(lab.host).includes(d), `${d} survives the deletion of retired bridges`)

    // a port whose row is lost: its device (hostnet's alias) is an orphan and goes; theirs stay
    await lab.driver.start(lab.target, 'a')
    const uuid = '0e0e0e0e-1111-4222-8333-444455556666'
    const port = await lab.driver.ports.create(lab.target, 'a', { port: parseNetworkPortXml(portXml({ uuid, mac: '52:54:00:46:01:02' })) })
    const device = port.device!
    assert.match(ip(lab.host, 'link', 'show', 'dev', device), new RegExp(`alias hostnet:port:${uuid}`))
    new PortStore(lab.store.db, lab.store.nowMs).delete(targetKey(lab.target), uuid)
    const report = await lab.driver.recover({ scanPorts: true })
    assert.deepEqual(report.ports?.orphans, [`${targetKey(lab.target)}/${device}`])
    assert.ok(!links(lab.host).includes(device))
    for (const d of theirs) assert.ok(links(lab.host).includes(d), `${d} survives the scan for port devices`)
    await lab.driver.destroy(lab.target, 'a')
    for (const d of theirs) assert.ok(links(lab.host).includes(d), `${d} survives a network stop`)
  } finally {
    await lab.close()
  }
})

/** A runner that, once armed, lets another tool take a device name just before hostnet's next `ip -batch` runs. */
class RacingRunner extends FaultingRunner {
  squat: { ns: string; name: string } | undefined
  override async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const s = this.squat
    if (s !== undefined && program(argv) === 'ip' && argv.includes('-batch') && opts.input?.includes(s.name) === true) {
      this.squat = undefined
      execFileSync('ip', ['-n', s.ns, 'link', 'add', s.name, 'type', 'bridge'])
    }
    return super.run(argv, opts)
  }
}

test('a failed plug deletes the devices it made, marked or not, and never a device another tool took its name for', { skip }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  const runner = new RacingRunner()
  const driver = createNetworkDriver({ backend: new Iproute2Backend({ runner }), store: lab.store, stateDir: lab.dir, runner })
  try {
    await driver.define(lab.target, natXml('a', '10.46.2'))
    await driver.start(lab.target, 'a')
    const before = links(lab.host)
    const port = (uuid: string, i: number): { port: ReturnType<typeof parseNetworkPortXml> } => ({
      port: parseNetworkPortXml(portXml({ uuid, mac: `52:54:00:46:02:0${i}` })),
    })

    // another tool takes the port's device name between hostnet's check and its batch: the plug fails, that
    // device stays (it is not hostnet's), nothing else is left
    const raced = '0e0e0e0e-2222-4222-8333-444455556666'
    runner.squat = { ns: lab.host, name: portDeviceName(raced) }
    await assert.rejects(() => driver.ports.create(lab.target, 'a', port(raced, 1)), /cannot create the port devices/)
    assert.deepEqual(links(lab.host), [...before, portDeviceName(raced)].sort())
    assert.doesNotMatch(ip(lab.host, 'link', 'show', 'dev', portDeviceName(raced)), /alias/)
    assert.equal(driver.ports.list(lab.target, 'a').length, 0)
    ip(lab.host, 'link', 'delete', portDeviceName(raced))

    // the batch stops right after the line that made the tap, before the line that marks it: the tap is
    // hostnet's all the same (its line took effect) and goes with the rollback
    const cut = '0e0e0e0e-3333-4222-8333-444455556666'
    runner.arm({ match: (argv, opts) => program(argv) === 'ip' && opts.input?.includes(portDeviceName(cut)) === true, nth: 1, batchLine: 1 })
    await assert.rejects(() => driver.ports.create(lab.target, 'a', port(cut, 2)), /File exists/)
    assert.ok(runner.fired)
    assert.deepEqual(links(lab.host), before)
    assert.equal(driver.ports.list(lab.target, 'a').length, 0)
    runner.arm(undefined)
    await driver.destroy(lab.target, 'a')
  } finally {
    await lab.close()
  }
})
