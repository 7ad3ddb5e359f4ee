/**
 * Issue 16, defect 14a: a state directory that cannot be written (here a read-only bind mount) gave exit 1
 * "unable to open database file" for every command. Read commands now work on it; commands that write fail with
 * the `permission` error (exit 7) before changing anything: the store file, the directory and the kernel state
 * stay as they were. Each command runs in its own private mount namespace (`unshare -m`) holding the read-only
 * mount, so no mount outlives it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, withNetns } from '../helpers/netns.js'
import { hostnetBinPath, runCli, tempDir, type CliResult } from '../engine/cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root, ip netns and unshare'

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Run hostnet with `--state-dir ro`, where `ro` is a read-only bind mount of `rw` in a private mount namespace. */
function runReadOnly(rw: string, ro: string, args: readonly string[]): CliResult {
  const script = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec "$@"'
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', rw, ro, process.execPath, hostnetBinPath(), ...args, '--state-dir', ro], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function linkExists(ns: string, dev: string): boolean {
  return spawnSync('ip', ['-n', ns, 'link', 'show', 'dev', dev], { stdio: 'ignore' }).status === 0
}

test('a read-only state directory: read commands work, writing ones exit 7 and change nothing', { skip }, async () => {
  const d = tempDir('hostnet-rostate-')
  try {
    await withNetns(async (ns) => {
      const rw = join(d.path, 'rw')
      const ro = join(d.path, 'ro')
      mkdirSync(rw)
      mkdirSync(ro)
      const xml = (name: string, bridge: string): string => {
        const file = join(d.path, `${name}.xml`)
        writeFileSync(file, `<network><name>${name}</name><bridge name='${bridge}'/></network>`)
        return file
      }
      const ok = async (args: string[]): Promise<void> => {
        const r = await runCli([...args, '--netns', ns, '--state-dir', rw])
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      }
      await ok(['net-define', xml('rost1', 'hnro1')])
      await ok(['net-start', 'rost1'])
      await ok(['net-define', xml('rost2', 'hnro2')])
      assert.ok(linkExists(ns, 'hnro1'))
      // the last good copy is due: a read-only open must not try to write it
      const old = new Date(Date.now() - 3 * 24 * 3600 * 1000)
      utimesSync(join(rw, 'hostnet.db.bak'), old, old)
      const before = sha(join(rw, 'hostnet.db'))
      const files = readdirSync(rw).sort()

      for (const args of [
        ['net-list', '--all'],
        ['net-info', '--netns', ns, 'rost1'],
        ['net-dumpxml', '--netns', ns, 'rost1'],
        ['net-dumpxml', '--inactive', '--netns', ns, 'rost2'],
        ['net-port-list', '--netns', ns, 'rost1'],
        ['history'],
        ['show', '--netns', ns],
      ]) {
        const r = runReadOnly(rw, ro, args)
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
        assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`)
      }
      assert.match(runReadOnly(rw, ro, ['net-list', '--all']).stdout, /rost1 +active[\s\S]*rost2 +inactive/)
      assert.match(runReadOnly(rw, ro, ['history']).stdout, /network\.defined +rost2/)
      assert.match(runReadOnly(rw, ro, ['net-dumpxml', '--netns', ns, 'rost1']).stdout, /<bridge name='hnro1'/)

      const yaml = join(d.path, 'br.yml')
      writeFileSync(yaml, 'interfaces:\n  - name: hnro4\n    type: linux-bridge\n    state: up\n')
      for (const args of [
        ['net-define', '--netns', ns, xml('rost3', 'hnro3')],
        ['net-start', '--netns', ns, 'rost2'],
        ['net-destroy', '--netns', ns, 'rost1'],
        ['net-undefine', '--netns', ns, 'rost2'],
        ['net-autostart', '--netns', ns, 'rost2'],
        ['apply', '--netns', ns, yaml],
      ]) {
        const r = runReadOnly(rw, ro, args)
        assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, /^error: store '.*hostnet\.db' is read-only .*nothing was changed/, args.join(' '))
        assert.equal(r.stderr.split('\n').length, 2, `one line, no stack trace: ${r.stderr}`)
      }
      assert.equal(sha(join(rw, 'hostnet.db')), before, 'the store is as it was')
      assert.deepEqual(readdirSync(rw).sort(), files, 'no file was added or removed')
      assert.ok(linkExists(ns, 'hnro1'), 'the refused net-destroy left the running network up')
      assert.ok(!linkExists(ns, 'hnro2'), 'the refused net-start made no bridge')
      assert.ok(!linkExists(ns, 'hnro3'))
      assert.ok(!linkExists(ns, 'hnro4'), 'the refused apply made no bridge')

      // a directory with no store: nothing to read, and it cannot be made
      const empty = join(d.path, 'empty')
      mkdirSync(empty)
      const r = runReadOnly(empty, ro, ['net-list'])
      assert.equal(r.code, 7, r.stderr)
      assert.match(r.stderr, /no store .* state directory is read-only/)
      assert.deepEqual(readdirSync(empty), [])

      await ok(['net-destroy', 'rost1'])
    }, 'rost')
  } finally {
    d.remove()
  }
})
