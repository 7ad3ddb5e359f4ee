import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CommandError, HostnetError } from '../../errors.js'
import { LauncherRunner } from './launcher.js'

test('LauncherRunner runs argv like systemRunner: output, input, exit codes, errors, timeouts, parallel runs', async () => {
  const r = new LauncherRunner()
  try {
    assert.deepEqual(await r.run(['echo', 'hi there']), { stdout: 'hi there\n', stderr: '', exitCode: 0 })
    assert.equal((await r.run(['cat'], { input: 'é\n'.repeat(3) })).stdout, 'é\n'.repeat(3))
    assert.deepEqual(await r.run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { allowFailure: true }), { stdout: 'out\n', stderr: 'err\n', exitCode: 3 })
    await assert.rejects(r.run(['false']), (e: unknown) => e instanceof CommandError && e.exitCode === 1)
    await assert.rejects(r.run(['hostnet-no-such-command']), (e: unknown) => e instanceof HostnetError && e.kind === 'dependency')
    await assert.rejects(r.run(['sleep', '5'], { timeoutMs: 50 }), (e: unknown) => e instanceof HostnetError && e.kind === 'timeout')
    assert.equal((await r.run(['head', '-c', '3000000', '/dev/zero'])).stdout.length, 3_000_000)
    const many = await Promise.all(Array.from({ length: 8 }, (_, k) => r.run(['echo', String(k)])))
    assert.deepEqual(many.map((x) => x.stdout.trim()), ['0', '1', '2', '3', '4', '5', '6', '7'])
    assert.equal((await r.run(['env'], { env: { HOSTNET_LAUNCHER_TEST: 'yes' } })).stdout.includes('HOSTNET_LAUNCHER_TEST=yes'), true)
  } finally {
    r.close()
  }
  const parts: string[] = []
  const streamed = await r.runStreaming(['sh', '-c', 'for i in 1 2 3; do echo "$i é"; sleep 0.02; done'], {}, (t) => parts.push(t))
  assert.equal(streamed.stdout, '')
  assert.equal(parts.join(''), '1 é\n2 é\n3 é\n')
  assert.ok(parts.length >= 2, 'stdout came in pieces while the command ran')
  // a closed runner starts a new launcher when used again; closing lets the commands under way finish
  assert.equal((await r.run(['echo', 'again'])).stdout, 'again\n')
  const late = r.run(['sh', '-c', 'sleep 0.1; echo late'])
  r.close()
  assert.equal((await late).stdout, 'late\n')
})
