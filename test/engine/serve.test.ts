import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openStore } from '../../src/store/index.js'
import { CONFIRM_TIMER_ROLE } from '../../src/txn/index.js'
import { runCli, spawnCli, tempDir } from './cli-helpers.js'
import { waitFor } from './kernel-helpers.js'

test('hostnet serve: holds the lock and a pid file, a second one is refused (exit 4), SIGTERM stops it cleanly', async () => {
  const dir = tempDir('hostnet-serve-')
  const daemon = spawnCli(['serve', '--state-dir', dir.path, '--poll-ms', '50'])
  const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)))
  try {
    const pidFile = join(dir.path, 'serve.pid')
    assert.ok(await waitFor(() => existsSync(pidFile), 10_000), 'pid file written')
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(daemon.pid))
    const store = openStore(dir.path)
    try {
      assert.equal(store.daemons.holder(CONFIRM_TIMER_ROLE)?.pid, daemon.pid)
    } finally {
      store.close()
    }
    const second = await runCli(['serve', '--state-dir', dir.path])
    assert.equal(second.code, 4)
    assert.match(second.stderr, new RegExp(`already running .*\\(pid ${daemon.pid}\\)`))
    daemon.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.equal(existsSync(pidFile), false, 'pid file removed')
    const after = openStore(dir.path)
    try {
      assert.equal(after.daemons.holder(CONFIRM_TIMER_ROLE), undefined)
    } finally {
      after.close()
    }
  } finally {
    if (daemon.exitCode === null) daemon.kill('SIGKILL')
    dir.remove()
  }
})

test('hostnet serve --exit-when-idle exits at once when nothing waits for confirmation', async () => {
  const dir = tempDir('hostnet-serve-')
  try {
    const r = await runCli(['serve', '--state-dir', dir.path, '--exit-when-idle'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(existsSync(join(dir.path, 'serve.pid')), false)
  } finally {
    dir.remove()
  }
})
