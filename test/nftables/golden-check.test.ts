/**
 * Every golden script of src/backend/nftables/testdata is valid for the kernel's nft (`nft -c`, in a scratch
 * namespace), applies, creates exactly the objects its header counts, coexists with the others, and is
 * removed again by removeNetworkFirewall.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyNetworkFirewall, checkNftScript, listHostnetTables, removeNetworkFirewall } from '../../src/backend/nftables/apply.js'
import { renderNetworkFirewall } from '../../src/backend/nftables/render.js'
import { countNftObjects } from '../../src/backend/nftables/ruleset.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { repoRoot } from '../helpers/paths.js'
import { kernelObjectCount, nftAvailable, rulesetOf } from './nft-ns.js'

/** Whether the namespace holds the table (exact name: hostnet_virbr1 is a prefix of hostnet_virbr10). */
function hasTable(ns: string, table: string): boolean {
  return rulesetOf(ns).split('\n').includes(`table inet ${table} {`)
}

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
      await checkNftScript(target, script)
      assert.equal(hasTable(ns, ruleset.table), false, `${name}: nft -c applied nothing`)
      await applyNetworkFirewall(target, script)
      await applyNetworkFirewall(target, script) // idempotent
      const counted = countNftObjects(ruleset)
      const header = /^# objects: (\d+) /.exec(script)
      assert.equal(Number(header?.[1]), counted.total, `${name}: header`)
      if (counted.tables === 0) {
        assert.equal(hasTable(ns, ruleset.table), false, `${name}: no table`)
        continue
      }
      bridges.push(def.bridge!.name!)
      assert.deepEqual(kernelObjectCount(ns, 'inet', ruleset.table), { tables: 1, chains: counted.chains, rules: counted.rules }, name)
    }
    assert.deepEqual((await listHostnetTables(target)).map((t) => t.bridgeName).sort(), [...bridges].sort())
    for (const b of bridges) await removeNetworkFirewall(target, b)
    assert.deepEqual(await listHostnetTables(target), [])
    assert.equal(rulesetOf(ns), '')
  }, 'golden')
})

test('no namespace is left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})
