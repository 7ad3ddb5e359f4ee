/**
 * The main job end to end: `hostnet demo` (what `scripts/main.sh` runs) in its sandbox with a state directory of
 * its own; every step reports what it should, a second run starts afresh, and destroying the sandbox removes
 * every namespace it made.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { canUseNetns } from '../helpers/netns.js'
import { runCli, tempDir } from './cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'
// a name of its own: concurrent runs (another checkout, scripts/main.sh) use theirs
const SANDBOX = `hnt-demo${process.pid % 100000}`

function sandboxNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n === SANDBOX || n.startsWith(`${SANDBOX}-`))
}

test('hostnet demo: every step, twice; the sandbox goes with sandbox destroy', { skip }, async () => {
  const dir = tempDir('hostnet-demo-')
  try {
    for (let run = 1; run <= 2; run++) {
      const r = await runCli(['demo', '--sandbox', SANDBOX, '--state-dir', dir.path])
      assert.equal(r.code, 0, `run ${run}: ${r.stderr}\n${r.stdout}`)
      for (const expected of [
        /applied and verified \d+ operations as transaction \d+/,
        /refused with exit status 2: interface 'eth3\.4095'/,
        /guest nat1 on demo-nat: DHCP lease 192\.168\.150\.\d+\/24, router 192\.168\.150\.1/,
        /files\.demo\.test: 192\.168\.150\.10/,
        /the outside saw 203\.0\.113\.1, the host's own address \(masquerade\)/,
        /iso1 -> 203\.0\.113\.2: no way out/,
        /net-start refused with exit status 4: subnet 192\.168\.150\.128\/25/,
        /<interface dev='eth2' connections='2'\/>/,
        /<actual type='direct'>\n\s+<source dev='eth2' mode='vepa'\/>/,
      ]) {
        assert.match(r.stdout, expected, `run ${run}`)
      }
    }
  } finally {
    await runCli(['sandbox', 'destroy', '--name', SANDBOX, '--state-dir', dir.path])
    dir.remove()
  }
  assert.deepEqual(sandboxNamespaces(), [])
  // the networks' dnsmasq went with the sandbox (it would otherwise keep the deleted namespace alive)
  const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir.path))
  assert.deepEqual(left, [])
})
