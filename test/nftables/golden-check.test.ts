/**
 * Every golden script of src/backend/nftables/testdata is valid for the kernel's nft (`nft -c`, in a scratch
 * namespace), applies, creates exactly the chains and rules its header counts in the target's `inet hostnet`
 * table, coexists with the others, and is removed again by removeNetworkFirewall.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyNetworkFirewall, checkNftScript, listHostnetFirewalls, removeNetworkFirewall } from '../../src/backend/nftables/apply.js'
import { renderNetworkFirewall } from '../../src/backend/nftables/render.js'
import { countNftObjects } from '../../src/backend/nftables/ruleset.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { repoRoot } from '../helpers/paths.js'
import { kernelChainCount, nftAvailable, rulesetOf } from './nft-ns.js'


const skip = canUseNetns() && nftAvailable() ? false : 'needs root, ip netns and nft'
const dir = join(repoRoot(), 'src/backend/nftables/testdata')
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.nft'))
  .map((f) => f.slice(0, -'.nft'.length))
  .sort()

test('golden scripts: nft -c accepts each; applied, the kernel holds exactly the counted objects', { skip }, async () => {
  assert.ok(cases.length >= 12)
  await withNetns(async (ns, target) => {
    const bridges: string[] = []
    for (const name of cases) {
      const script = readFileSync(join(dir, `${name}.nft`), 'utf8')
      const def = parseNetworkXml(readFileSync(join(dir, `${name}.xml`), 'utf8'))
      const ruleset = renderNetworkFirewall(def, { bridgeName: def.bridge?.name ?? '' })
      const before = rulesetOf(ns)
      await checkNftScript(target, script)
      assert.equal(rulesetOf(ns), before, `${name}: nft -c applied nothing`)
      await applyNetworkFirewall(target, script)
      await applyNetworkFirewall(target, script) // idempotent
      const counted = countNftObjects(ruleset)
      const header = /^# objects: (\d+) /.exec(script)
      assert.equal(Number(header?.[1]), counted.total, `${name}: header`)
      const owned = ruleset.owned.map((c) => c.name)
      if (counted.chains === 0) {
        assert.deepEqual(kernelChainCount(ns, owned), { chains: 0, rules: 0 }, `${name}: no chains`)
        continue
      }
      bridges.push(def.bridge!.name!)
      assert.deepEqual(kernelChainCount(ns, owned), { chains: counted.chains, rules: counted.rules }, name)
    }
    assert.deepEqual((await listHostnetFirewalls(target)).map((t) => t.bridgeName).sort(), [...bridges].sort())
    for (const b of bridges) await removeNetworkFirewall(target, b)
    assert.deepEqual(await listHostnetFirewalls(target), [])
    // only hostnet's (now empty) table is left
    assert.equal(rulesetOf(ns), 'table inet hostnet {\n}\n')
  }, 'golden')
})

test('no namespace is left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})
