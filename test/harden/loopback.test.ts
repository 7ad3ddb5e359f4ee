/**
 * Issue 16, defect 13: loopback keeps its own addresses. `iface-start lo` from interface XML with another address
 * removed 127.0.0.1/8 (and restoring it failed, the kernel adds it back when lo comes up); an address list given
 * for lo, in interface XML or a desired-state document, is now taken with 127.0.0.1/8 and ::1/128. Real kernel,
 * through the CLI.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, withNetns } from '../helpers/netns.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

function loAddresses(ns: string): string[] {
  const l = JSON.parse(execFileSync('ip', ['-n', ns, '-json', 'address', 'show', 'dev', 'lo'], { encoding: 'utf8' })) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>
  return l[0]!.addr_info.map((a) => `${a.local}/${a.prefixlen}`).sort()
}

test("loopback keeps 127.0.0.1/8 and ::1/128 when interface XML or a document gives it addresses", { skip }, async () => {
  const dir = tempDir('hostnet-loopback-')
  try {
    await withNetns(async (ns) => {
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
      const state = ['--netns', ns, '--state-dir', join(dir.path, 's')]
      const xml = join(dir.path, 'lo.xml')
      writeFileSync(xml, `<interface type='ethernet' name='lo'><start mode='onboot'/><protocol family='ipv4'><ip address='10.9.9.9' prefix='32'/></protocol></interface>\n`)
      for (const args of [['iface-define', ...state, xml], ['iface-start', ...state, 'lo']]) {
        const r = await runCli(args)
        assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`)
      }
      assert.deepEqual(loAddresses(ns), ['10.9.9.9/32', '127.0.0.1/8', '::1/128'])

      const doc = join(dir.path, 'lo.yaml')
      writeFileSync(doc, `interfaces:\n  - name: lo\n    type: loopback\n    state: up\n    ipv4: {enabled: true, address: [{ip: 10.9.9.10, prefix-length: 32}]}\n    ipv6: {enabled: true, address: []}\n`)
      const r = await runCli(['apply', ...state, doc])
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(loAddresses(ns), ['10.9.9.10/32', '127.0.0.1/8', '::1/128'])
    }, 'lo')
  } finally {
    dir.remove()
  }
})
