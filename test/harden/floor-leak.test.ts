/**
 * Issue 16, defect 3: a floor port whose plug fails leaves the network bridge's tc state as it was (its class
 * went with the undo; the network's htb tree, built at start, stays), so the next floor port plugs normally
 * instead of failing with "File exists"; the failure names tc, the port and the network. Real kernel (a lab
 * namespace); the failure is injected into the floor class's `qdisc add ... sfq` on the bridge (this VM's kernel
 * has no sfq or fw: those commands are answered as if it had, so the network's tree and the class are really made).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { HostnetError } from '../../src/errors.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import { parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { canUseNetns } from '../helpers/netns.js'
import { NetworkLab } from '../network/lab.js'
import { portXml } from '../port/port-lab.js'
import { FaultingRunner, program } from './fault-runner.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

function tcState(ns: string, dev: string): string {
  const show = (what: string): string => execFileSync('ip', ['netns', 'exec', ns, 'tc', what, 'show', 'dev', dev], { encoding: 'utf8' })
  return `${show('qdisc')}\n${show('class')}\n${show('filter')}`
}

const NET = `<network><name>fl</name><forward mode='nat'/><bridge name='flbr0'/>
  <bandwidth><inbound average='1000' peak='2000'/></bandwidth>
  <ip address='10.44.0.1' prefix='24'/></network>`

const floorPort = (uuid: string, mac: string): ReturnType<typeof parseNetworkPortXml> =>
  parseNetworkPortXml(portXml({ uuid, mac, extra: `<bandwidth><inbound floor='100'/></bandwidth>` }))

test('a failed floor-port plug leaves tc as it was; the next floor port plugs; the error names tc, port and network', { skip }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  const runner = new FaultingRunner()
  const driver = createNetworkDriver({ backend: new Iproute2Backend({ runner }), store: lab.store, stateDir: lab.dir, runner })
  try {
    const sfq = (argv: readonly string[]): boolean => program(argv) === 'tc' && argv.includes('sfq')
    // the qdisc and classifier kinds this VM's kernel lacks answer as if present (the network's own tree is
    // built at start since issue 14, as libvirt does)
    runner.pretend = (argv) => sfq(argv) || (program(argv) === 'tc' && argv.includes('fw'))
    await driver.define(lab.target, NET)
    await driver.start(lab.target, 'fl')
    const before = tcState(lab.host, 'flbr0')
    assert.match(before, /qdisc htb 1: root .*default 0x2/, "the network's htb tree is on the bridge from the start")
    const links = (): string => execFileSync('ip', ['-n', lab.host, '-o', 'link', 'show'], { encoding: 'utf8' }).replace(/^\d+: /gm, '').split('\n').map((l) => l.split(':')[0]).sort().join(' ')
    const linksBefore = links()
    const floorSfq = (argv: readonly string[]): boolean => sfq(argv) && argv.includes('flbr0') && argv.includes('1:3')
    for (const [i, uuid] of ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'].entries()) {
      runner.arm({ match: floorSfq, nth: 1, stderr: 'Error: Specified qdisc kind is unknown.\n' })
      await assert.rejects(
        () => driver.ports.create(lab.target, 'fl', { port: floorPort(uuid, `52:54:00:00:44:0${i}`) }),
        (e: unknown) => {
          assert.ok(e instanceof HostnetError, String(e))
          assert.match(e.message, new RegExp(`port '${uuid}' on network 'fl': tc failed .*qdisc kind is unknown`))
          assert.doesNotMatch(e.message, /File exists|ip failed/)
          return true
        },
      )
      assert.ok(runner.fired)
      assert.equal(tcState(lab.host, 'flbr0'), before, 'tc state of the bridge after a failed floor plug')
      assert.equal(links(), linksBefore)
      assert.equal(driver.ports.list(lab.target, 'fl').length, 0)
    }
    // with the failure gone a floor port plugs: no class was left to collide with
    runner.arm(undefined)
    const p = await driver.ports.create(lab.target, 'fl', { port: floorPort('33333333-3333-4333-8333-333333333333', '52:54:00:00:44:09') })
    const withOne = tcState(lab.host, 'flbr0')
    assert.match(withOne, /class htb 1:3 parent 1:1 /)
    // a second floor port failing next to it: its class goes and the default class gets its rate back
    runner.arm({ match: (argv) => sfq(argv) && argv.includes('flbr0') && argv.includes('1:4'), nth: 1, stderr: 'Error: injected.\n' })
    await assert.rejects(() => driver.ports.create(lab.target, 'fl', { port: floorPort('44444444-4444-4444-8444-444444444444', '52:54:00:00:44:0a') }), /floor class 1:4/)
    assert.ok(runner.fired)
    assert.equal(tcState(lab.host, 'flbr0'), withOne)
    runner.arm(undefined)
    await driver.ports.delete(lab.target, 'fl', p.uuid)
    assert.doesNotMatch(tcState(lab.host, 'flbr0'), /class htb 1:3 /)
    await driver.destroy(lab.target, 'fl')
  } finally {
    driver.close()
    await lab.close()
  }
})
