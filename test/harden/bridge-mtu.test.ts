/**
 * Issue 16, defect 4: a bridge whose MTU is lower than its ports' verified never (created with its MTU, ports
 * attached after: the kernel lowers or raises a bridge to its ports' lowest MTU as each joins, unless the MTU was
 * set on its own). The plan sets it again once the ports joined; apply verifies, and a port joining later in
 * another apply leaves it too. Real kernel, through the CLI.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, withNetns } from '../helpers/netns.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const mtuOf = (ns: string, dev: string): number => (JSON.parse(execFileSync('ip', ['-n', ns, '-json', 'link', 'show', 'dev', dev], { encoding: 'utf8' })) as Array<{ mtu: number }>)[0]!.mtu

test('a bridge with a lower MTU than its ports keeps it and verifies, also when a port joins later', { skip }, async () => {
  const dir = tempDir('hostnet-bridge-mtu-')
  try {
    await withNetns(async (ns) => {
      for (const [a, b] of [['v0', 'p0'], ['v1', 'p1']]) execFileSync('ip', ['-n', ns, 'link', 'add', a!, 'type', 'veth', 'peer', 'name', b!])
      const apply = async (ports: string[]): Promise<void> => {
        const doc = join(dir.path, 'd.yaml')
        const list = ports.map((p) => `{name: ${p}}`).join(', ')
        writeFileSync(doc, `interfaces:\n  - {name: hbr0, type: linux-bridge, state: up, mtu: 1400, bridge: {port: [${list}]}}\n`)
        const r = await runCli(['apply', '--netns', ns, '--state-dir', join(dir.path, 's'), doc])
        assert.equal(r.code, 0, r.stderr)
      }
      await apply(['v0'])
      assert.equal(mtuOf(ns, 'hbr0'), 1400)
      assert.equal(mtuOf(ns, 'v0'), 1500)
      await apply(['v0', 'v1'])
      assert.equal(mtuOf(ns, 'hbr0'), 1400)
    }, 'mtu')
  } finally {
    dir.remove()
  }
})
