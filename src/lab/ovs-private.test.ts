/** Private Open vSwitch runner: start/stop, parallel instances, vswitchd in a netns, no leftovers after crashes. */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError, ValidationError } from '../errors.js'
import { createNetns, deleteNetns } from '../sys/netns.js'
import { OvsPrivate, liveInstances, reapStaleRunDirs, stopAll } from './ovs-private.js'
import { pidAlive as isAlive } from '../sys/process.js'

function installed(): boolean {
  try {
    execFileSync('ovsdb-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false // not installed: skip
  }
}
const SKIP = installed() ? false : 'Open vSwitch is not installed'
const SKIP_NETNS = SKIP || (process.getuid?.() === 0 ? false : 'needs root for network namespaces')
const parent = SKIP ? '' : mkdtempSync(join(tmpdir(), 'hnovs-test-'))
let seq = 0
const runDir = (): string => join(parent, `hostnet-ovs-${++seq}`)
const systemOvsExisted = existsSync('/var/run/openvswitch')

/** Live (non-zombie) processes mentioning `needle` in their command line. */
function processesMentioning(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l))
}

function vsctl(ovs: OvsPrivate, ...args: string[]): string {
  return execFileSync('ovs-vsctl', [`--db=${ovs.address}`, '--no-wait', ...args], { encoding: 'utf8', env: { ...process.env, ...ovs.env } })
}

async function waitDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 10))
  return !isAlive(pid)
}

after(async () => {
  if (SKIP) return
  await stopAll()
  assert.deepEqual(processesMentioning(parent), [])
  rmSync(parent, { recursive: true, force: true })
  assert.equal(existsSync('/var/run/openvswitch'), systemOvsExisted, 'the system OVS run directory was not touched')
})

test('start: database, socket, pidfile and log in the run dir; stop kills the server and removes the dir', { skip: SKIP }, async () => {
  const dir = runDir()
  const ovs = await OvsPrivate.start({ runDir: dir })
  const pid = ovs.pid('ovsdb-server')
  assert.ok(pid !== undefined && isAlive(pid))
  for (const f of ['conf.db', 'db.sock', 'ovsdb-server.pid', 'ovsdb-server.log', 'ovsdb-server.ctl', 'owner.pid']) assert.ok(existsSync(join(dir, f)), f)
  assert.equal(ovs.address, `unix:${dir}/db.sock`)
  assert.equal(vsctl(ovs, 'get', 'Open_vSwitch', '.', 'next_cfg').trim(), '0', 'the root row exists')
  await ovs.stop()
  assert.ok(await waitDead(pid))
  assert.equal(existsSync(dir), false)
  assert.equal(liveInstances().includes(ovs), false)
  await ovs.stop() // idempotent
})

test('several instances at once are independent', { skip: SKIP }, async () => {
  const [a, b] = await Promise.all([OvsPrivate.start({ runDir: runDir() }), OvsPrivate.start({ runDir: runDir() })])
  try {
    assert.notEqual(a.pid('ovsdb-server'), b.pid('ovsdb-server'))
    vsctl(a, 'add-br', 'only-in-a')
    assert.equal(vsctl(a, 'list-br').trim(), 'only-in-a')
    assert.equal(vsctl(b, 'list-br').trim(), '')
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
})

test('ovs-vswitchd runs inside the given namespace and keeps its sockets in the run dir', { skip: SKIP_NETNS }, async () => {
  const ns = `hnt-${process.pid}-ovsp`
  await createNetns(ns)
  try {
    const ovs = await OvsPrivate.start({ runDir: runDir(), vswitchdNetns: ns })
    const pid = ovs.pid('ovs-vswitchd')
    assert.ok(pid !== undefined)
    assert.equal(execFileSync('ip', ['netns', 'identify', String(pid)], { encoding: 'utf8' }).trim(), ns)
    const version = execFileSync('ovs-appctl', ['-t', ovs.ctlSocket('ovs-vswitchd'), 'version'], { encoding: 'utf8' })
    assert.match(version, /ovs-vswitchd \(Open vSwitch\)/)
    execFileSync('ovs-vsctl', [`--db=${ovs.address}`, '--timeout=20', 'add-br', 'br0', '--', 'set', 'Bridge', 'br0', 'datapath_type=netdev'], { env: { ...process.env, ...ovs.env } })
    assert.ok(readdirSync(ovs.runDir).includes('br0.mgmt'), 'OpenFlow management socket in OVS_RUNDIR')
    assert.match(execFileSync('ip', ['-n', ns, 'link', 'show', 'br0'], { encoding: 'utf8' }), /br0/)
    await assert.rejects(ovs.startVswitchd(ns), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
    await ovs.stop()
    assert.ok(await waitDead(pid))
  } finally {
    await deleteNetns(ns)
  }
})

test('bad input and failed starts leave nothing behind', { skip: SKIP }, async () => {
  const dir1 = runDir()
  await assert.rejects(OvsPrivate.start({ runDir: dir1, vswitchdNetns: 'bad/name' }), ValidationError)
  assert.equal(existsSync(dir1), false)
  const dir2 = runDir()
  await assert.rejects(OvsPrivate.start({ runDir: dir2, schemaPath: join(parent, 'missing.ovsschema') }), (e: unknown) => e instanceof HostnetError && e.kind === 'backend-failure')
  assert.equal(existsSync(dir2), false)
  assert.deepEqual(processesMentioning(dir1).concat(processesMentioning(dir2)), [])
  const busy = runDir()
  mkdirSync(busy)
  writeFileSync(join(busy, 'keep.txt'), 'not ours')
  await assert.rejects(OvsPrivate.start({ runDir: busy }), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
  assert.equal(existsSync(join(busy, 'keep.txt')), true, 'a non-empty directory is left alone')
})

test('reapStaleRunDirs stops daemons whose owner died and removes their dirs', { skip: SKIP }, async () => {
  const ovs = await OvsPrivate.start({ runDir: runDir() })
  const live = await OvsPrivate.start({ runDir: runDir() })
  const pid = ovs.pid('ovsdb-server')!
  const dead = spawn('true')
  await new Promise((r) => dead.on('exit', r))
  writeFileSync(join(ovs.runDir, 'owner.pid'), `${dead.pid}\n`)
  assert.deepEqual(await reapStaleRunDirs(parent, 'hostnet-ovs-'), [ovs.runDir])
  assert.ok(await waitDead(pid))
  assert.equal(existsSync(ovs.runDir), false)
  assert.ok(live.pid('ovsdb-server') !== undefined, 'instances owned by a live process are kept')
  await live.stop()
  await ovs.stop()
})

/** Run a child node process that starts an instance, prints its pid and run dir, then does `ending`. */
async function childStartsOvs(ending: 'exit' | 'wait'): Promise<{ pid: number; dir: string; child: ReturnType<typeof spawn> }> {
  const mod = new URL('./ovs-private.js', import.meta.url).href
  const dir = runDir()
  const code = `const { OvsPrivate } = await import(${JSON.stringify(mod)})
const ovs = await OvsPrivate.start({ runDir: ${JSON.stringify(dir)} })
console.log(ovs.pid('ovsdb-server'))
${ending === 'exit' ? 'process.exit(3)' : 'setInterval(() => {}, 1000)'}`
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())))
    child.once('exit', (c) => reject(new Error(`child exited ${c} before starting OVS`)))
  })
  return { pid, dir, child }
}

test('a process that exits without stopping still takes its daemons down', { skip: SKIP }, async () => {
  const { pid, dir, child } = await childStartsOvs('exit')
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)))
  assert.ok(await waitDead(pid), 'ovsdb-server killed by the exit hook')
  assert.equal(existsSync(dir), false)
})

test('a process killed with SIGTERM (test runner timeout) still takes its daemons down', { skip: SKIP }, async () => {
  const { pid, dir, child } = await childStartsOvs('wait')
  assert.ok(isAlive(pid))
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)))
  child.kill('SIGTERM')
  assert.equal(await exited, 'SIGTERM', 'the child still dies of the signal')
  assert.ok(await waitDead(pid))
  assert.equal(existsSync(dir), false)
})
