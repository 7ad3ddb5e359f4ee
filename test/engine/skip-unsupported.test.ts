/**
 * --skip-unsupported through the CLI: without it a document with keys hostnet does not do is refused (exit 5, the
 * key named, nothing touched); with it those keys are left out and each is named on stderr, and the rest applies.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { runCli, tempDir } from './cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const DOC = `interfaces:
  - name: d0
    type: veth
    veth: {peer: d0p}
    mtu: 1400
    description: uplink to the lab switch
    802.1x: {identity: client.example.org, eap-methods: [peap]}
`

test('unsupported keys: refused naming the key, or left out and named with --skip-unsupported', { skip }, async () => {
  const dir = tempDir('hostnet-skip-')
  try {
    await withNetns(async (ns) => {
      const doc = join(dir.path, 'doc.yaml')
      writeFileSync(doc, DOC)
      const env = { HOSTNET_STATE_DIR: dir.path }
      const refused = await runCli(['apply', '--netns', ns, doc], env)
      assert.equal(refused.code, 5, refused.stderr)
      assert.match(refused.stderr, /description is not supported/)
      const nothing = await runCli(['show', '--netns', ns, 'd0', '--json'], env)
      assert.deepEqual(JSON.parse(nothing.stdout).interfaces, [], 'nothing was touched')
      const applied = await runCli(['apply', '--netns', ns, '--skip-unsupported', doc], env)
      assert.equal(applied.code, 0, applied.stderr)
      assert.match(applied.stderr, /skipped \/interfaces\/0\/description: interface 'd0': description is not supported/)
      assert.match(applied.stderr, /skipped \/interfaces\/0\/802\.1x: interface 'd0': 802\.1x is not supported/)
      const shown = JSON.parse((await runCli(['show', '--netns', ns, 'd0', '--json'], env)).stdout) as { interfaces: Array<{ name: string; mtu: number }> }
      assert.deepEqual(shown.interfaces.map((i) => [i.name, i.mtu]), [['d0', 1400]], 'the rest applied')
      const again = await runCli(['diff', '--netns', ns, '--skip-unsupported', doc], env)
      assert.equal(again.code, 0, again.stderr)
      assert.match(again.stdout, /already matches/)
    })
  } finally {
    dir.remove()
  }
})

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})
