/**
 * VirshSession against libvirt's in-process test driver (`test:///default`: no daemon, nothing on the host;
 * virsh's HOME and XDG dirs point at a temp dir so its history file lands there).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { libvirtMissing } from '../../bench/harness/libvirtd.js'
import { runVirshSession, VirshSession } from '../../bench/harness/virsh-session.js'

const missing = libvirtMissing()
if (missing !== undefined && process.env['CI']) throw new Error(`libvirt is required under CI: ${missing}`)

let home = ''
before(() => {
  home = mkdtempSync(join(tmpdir(), 'hostnet-virsh-test-'))
})
after(() => {
  rmSync(home, { recursive: true, force: true })
})

const opts = () => ({
  argv: ['virsh', '-c', 'test:///default'],
  env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config') },
})

test('one virsh process: outputs, errors and timings per command', { skip: missing }, async () => {
  const steps = await runVirshSession(opts(), [
    ['net-list', '--all', '--name'],
    ['net-info', 'nosuch'],
    ['echo', 'a b', "c'd", '#x;y', ''],
    ['net-dumpxml', 'default'],
  ])
  assert.equal(steps.length, 4)
  for (const s of steps) assert.ok(s.ms > 0 && s.ms < 10_000, `${s.argv.join(' ')}: ${s.ms} ms`)
  assert.deepEqual(steps.map((s) => s.ok), [true, false, true, true])
  assert.equal(steps[0]!.output, 'default')
  assert.match(steps[1]!.error, /error: .*nosuch/)
  assert.equal(steps[1]!.output, '')
  assert.equal(steps[2]!.output, "a b c'd #x;y") // trailing whitespace is trimmed
  assert.match(steps[3]!.output, /^<network[\s\S]*<name>default<\/name>[\s\S]*<\/network>$/)
})

test('open session: queued calls run in order, output feeds the next command, close is idempotent', { skip: missing }, async () => {
  const s = await VirshSession.open(opts())
  try {
    assert.ok(s.connectMs > 0)
    const [a, b] = await Promise.all([s.run(['net-uuid', 'default']), s.run(['echo', 'second'])])
    assert.match(a.output, /^[0-9a-f-]{36}$/)
    assert.equal(b.output, 'second')
    const c = await s.run(['net-name', a.output])
    assert.equal(c.output, 'default')
    assert.throws(() => s.run(['echo', 'two\nlines']), /line break/)
  } finally {
    await s.close()
    await s.close()
  }
  await assert.rejects(s.run(['echo', 'x']), /virsh exited/)
})

test('a virsh that cannot connect fails to open', { skip: missing }, async () => {
  const bad = { ...opts(), argv: ['virsh', '-c', 'test:///nonexistent/file.xml'] }
  await assert.rejects(VirshSession.open(bad), /could not connect|virsh exited/)
})
