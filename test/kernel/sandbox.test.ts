/**
 * Sandbox and netns primitives against the real kernel: the sandbox's NICs and uplink switch, traffic through
 * the switch (eth0 → uplink → eth1), hairpin behaviour (two VEPA macvlans behind one switch port), destroy.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { HostnetError, ValidationError } from '../../src/errors.js'
import type { HostState } from '../../src/model/host/state.js'
import { systemRunner, type Runner } from '../../src/sys/exec.js'
import { createNetns, deleteNetns, listNetns, netnsExists } from '../../src/sys/netns.js'
import { createSandbox, destroySandbox, sandboxStatus, setUplinkHairpin, UPLINK_BRIDGE } from '../../src/lab/sandbox.js'
import { canUseNetns, leakedNetns, uniqueNetnsName, udpReaches, withNetnsList } from '../helpers/netns.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'
const backend = new Iproute2Backend()

function ip(ns: string, ...args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: 'inherit' })
}

function iface(s: HostState, name: string) {
  const i = s.interfaces.find((x) => x.name === name)
  assert.ok(i, name)
  return i
}

test('netns primitives: create, exists, list, delete (idempotent), name checks', { skip }, async () => {
  const name = uniqueNetnsName('prim')
  try {
    await createNetns(name)
    assert.equal(netnsExists(name), true)
    assert.ok(listNetns().includes(name))
    await assert.rejects(createNetns(name), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
  } finally {
    assert.equal(await deleteNetns(name), true)
  }
  assert.equal(await deleteNetns(name), false)
  assert.equal(netnsExists(name), false)
  for (const bad of ['', 'a/b', '..', 'a b', '-x', 'x'.repeat(256)]) {
    await assert.rejects(createNetns(bad), ValidationError, JSON.stringify(bad))
  }
})

test('sandbox: NICs up on an uplink switch, traffic through it, hairpin, destroy', { skip }, async () => {
  const name = uniqueNetnsName('sbx')
  try {
    const created = await createSandbox({ name, hairpin: [false, true] })
    assert.equal(created.exists && created.switchExists, true)
    assert.deepEqual(created.nics.map((n) => [n.name, n.state, n.switchPort, n.hairpin]), [
      ['eth0', 'up', 'swp0', false],
      ['eth1', 'up', 'swp1', true],
      ['eth2', 'up', 'swp2', false],
      ['eth3', 'up', 'swp3', false],
    ])
    await assert.rejects(createSandbox({ name }), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')

    const nics = await backend.query({ kind: 'netns', name })
    for (let i = 0; i < 4; i++) assert.deepEqual([iface(nics, `eth${i}`).type, iface(nics, `eth${i}`).state], ['veth', 'up'])
    assert.equal(iface(nics, 'eth0').veth?.peer, undefined, 'the peer lives in the switch namespace')
    const sw = await backend.query({ kind: 'netns', name: created.switchNetns })
    const uplink = iface(sw, UPLINK_BRIDGE)
    assert.deepEqual([uplink.state, uplink.bridge?.options?.stp, uplink.bridge?.options?.forwardDelaySec], ['up', false, 0])
    assert.deepEqual(uplink.bridge?.ports?.map((p) => p.name), ['swp0', 'swp1', 'swp2', 'swp3'])
    assert.equal(iface(sw, 'swp1').bridgePort?.hairpin, true)

    await withNetnsList(4, async ([a, b, c, d]) => {
      // eth0 → uplink → eth1: the two NICs in two separate namespaces
      ip(name, 'link', 'set', 'eth0', 'netns', a!)
      ip(name, 'link', 'set', 'eth1', 'netns', b!)
      ip(a!, 'addr', 'add', '10.77.0.1/24', 'dev', 'eth0')
      ip(a!, 'link', 'set', 'eth0', 'up')
      ip(b!, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth1')
      ip(b!, 'link', 'set', 'eth1', 'up')
      assert.equal(await udpReaches(a!, b!, '10.77.0.2'), true, 'eth0 reaches eth1 through the uplink switch')
      // two VEPA macvlans on eth2: their traffic leaves through swp2 and must come back the same port
      ip(name, 'link', 'add', 'link', 'eth2', 'name', 'mvc', 'type', 'macvlan', 'mode', 'vepa')
      ip(name, 'link', 'add', 'link', 'eth2', 'name', 'mvd', 'type', 'macvlan', 'mode', 'vepa')
      ip(name, 'link', 'set', 'mvc', 'netns', c!)
      ip(name, 'link', 'set', 'mvd', 'netns', d!)
      ip(c!, 'addr', 'add', '10.78.0.1/24', 'dev', 'mvc')
      ip(c!, 'link', 'set', 'mvc', 'up')
      ip(d!, 'addr', 'add', '10.78.0.2/24', 'dev', 'mvd')
      ip(d!, 'link', 'set', 'mvd', 'up')
      assert.equal(await udpReaches(c!, d!, '10.78.0.2', 1500), false, 'no hairpin: the switch does not send it back')
      await setUplinkHairpin(name, 'eth2', true)
      assert.equal((await sandboxStatus(name)).nics[2]?.hairpin, true)
      assert.equal(await udpReaches(c!, d!, '10.78.0.2'), true, 'hairpin on: reflected back to the other macvlan')
    })
  } finally {
    const r = await destroySandbox(name)
    assert.deepEqual(r.removed.sort(), [name, `${name}-sw`].sort())
  }
  const after = await sandboxStatus(name)
  assert.deepEqual([after.exists, after.switchExists], [false, false])
  assert.deepEqual((await destroySandbox(name)).removed, [], 'destroy is idempotent')
  assert.ok(!listNetns().some((n) => n.startsWith(name)))
})

test('sandbox names and options are checked before anything is created', { skip }, async () => {
  for (const bad of ['a/b', '', 'x'.repeat(253), 'a#b', "'q"]) {
    await assert.rejects(createSandbox({ name: bad }), ValidationError, JSON.stringify(bad))
  }
  const name = uniqueNetnsName('sbx')
  await assert.rejects(createSandbox({ name, hairpin: [true, true, true, true, true] }), /5 entries for 4 NICs/)
  await assert.rejects(setUplinkHairpin(name, 'eth9', true), /expected eth0..eth3/)
  await assert.rejects(setUplinkHairpin(name, 'eth1', true), (e: unknown) => e instanceof HostnetError && e.kind === 'not-found')
  assert.equal(netnsExists(name), false)
})

test('a sandbox that fails half-way leaves nothing behind', { skip }, async () => {
  const name = uniqueNetnsName('sbx')
  // the switch namespace exists already: the sandbox is refused as a conflict, and the foreign namespace survives
  await createNetns(`${name}-sw`)
  try {
    await assert.rejects(createSandbox({ name }), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
    assert.equal(netnsExists(name), false)
    assert.equal(netnsExists(`${name}-sw`), true)
  } finally {
    await deleteNetns(`${name}-sw`)
  }
  // the NICs' batch fails after both namespaces and the switch exist: both namespaces are removed again
  const failing: Runner = {
    run: (argv, opts) => (argv.includes('-batch') && argv[2] === name ? Promise.reject(new HostnetError('backend-failure', 'injected')) : systemRunner.run(argv, opts)),
  }
  await assert.rejects(createSandbox({ name, runner: failing }), /injected/)
  assert.equal(netnsExists(name), false)
  assert.equal(netnsExists(`${name}-sw`), false)
})

test('no namespace left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})

test('destroy stops the processes inside the sandbox (a daemon would keep its namespace alive unseen)', { skip }, async () => {
  const name = uniqueNetnsName('sbp')
  await createSandbox({ name })
  const daemon = spawn('ip', ['netns', 'exec', name, 'sleep', '300'], { stdio: 'ignore' })
  try {
    for (let i = 0; i < 100 && !spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.trim(); i++) await new Promise((r) => setTimeout(r, 20))
    assert.ok(daemon.pid !== undefined)
    await destroySandbox(name)
    const exited = await new Promise<boolean>((resolve) => {
      if (daemon.exitCode !== null || daemon.signalCode !== null) resolve(true)
      daemon.once('exit', () => resolve(true))
      setTimeout(() => resolve(false), 3000)
    })
    assert.equal(exited, true, 'the process in the sandbox was stopped')
  } finally {
    daemon.kill('SIGKILL')
    await destroySandbox(name)
  }
})
