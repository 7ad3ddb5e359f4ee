/**
 * hostnet's chains beside other people's tables: removing or replacing one network's firewall leaves every other
 * network's chains and every other table alone; a script that fails changes nothing; errors carry nft's message.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyNetworkFirewall, listHostnetFirewalls, removeNetworkFirewall } from '../../src/backend/nftables/apply.js'
import { NftError } from '../../src/backend/nftables/nft-error.js'
import { renderNetworkFirewall } from '../../src/backend/nftables/render.js'
import { renderNftScript } from '../../src/backend/nftables/ruleset.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { HostnetError } from '../../src/errors.js'
import { canUseNetns, leakedNetns, uniqueNetnsName, withNetns } from '../helpers/netns.js'
import { networkChains, nftAvailable, nftIn, rulesetOf } from './nft-ns.js'

const skip = canUseNetns() && nftAvailable() ? false : 'needs root, ip netns and nft'

/** The administrator's own rules: a table in each of two families, with a forward hook of their own. */
const FOREIGN = `table inet admin {
  chain admin_forward { type filter hook forward priority 10; policy accept; ip saddr 192.0.2.66 counter drop; }
}
table ip nat {
  chain admin_post { type nat hook postrouting priority 100; policy accept; oifname "wan0" masquerade; }
}
`

function script(mode: string, bridge: string, subnet: string, op: 'replace' | 'delete' = 'replace'): string {
  const xml = `<network><name>n-${bridge}</name><forward mode='${mode}'/><bridge name='${bridge}'/><ip address='${subnet}' prefix='24'/></network>`
  return renderNftScript(renderNetworkFirewall(parseNetworkXml(xml), { bridgeName: bridge }), op)
}

function table(ns: string, family: string, name: string): string {
  return nftIn(ns, ['-s', 'list', 'table', family, name])
}

const VIRBR1 = ['forward_virbr1', 'postrouting_virbr1']

test("removing a network's firewall leaves another network's table and foreign tables untouched", { skip }, async () => {
  await withNetns(async (ns, target) => {
    nftIn(ns, ['-f', '-'], FOREIGN)
    await applyNetworkFirewall(target, script('nat', 'virbr0', '192.168.122.1'))
    await applyNetworkFirewall(target, script('route', 'virbr1', '192.168.123.1'))
    const other = networkChains(ns, VIRBR1)
    assert.match(other, /forward_virbr1/)
    const foreign = [table(ns, 'inet', 'admin'), table(ns, 'ip', 'nat')]
    assert.deepEqual((await listHostnetFirewalls(target)).map((t) => t.bridgeName), ['virbr0', 'virbr1'])

    await removeNetworkFirewall(target, 'virbr0')
    await removeNetworkFirewall(target, 'virbr0') // idempotent
    assert.deepEqual((await listHostnetFirewalls(target)).map((t) => t.bridgeName), ['virbr1'])
    assert.equal(networkChains(ns, VIRBR1), other)
    assert.deepEqual([table(ns, 'inet', 'admin'), table(ns, 'ip', 'nat')], foreign)

    // replacing one network's ruleset (here by another mode) touches nothing else either
    await applyNetworkFirewall(target, script('nat', 'virbr1', '192.168.123.1'))
    assert.notEqual(networkChains(ns, VIRBR1), other)
    assert.deepEqual([table(ns, 'inet', 'admin'), table(ns, 'ip', 'nat')], foreign)
  }, 'tables')
})

test('replace is idempotent: applying the same script twice gives the same ruleset', { skip }, async () => {
  await withNetns(async (ns, target) => {
    const s = script('nat', 'virbr0', '192.168.122.1')
    await applyNetworkFirewall(target, s)
    const once = rulesetOf(ns)
    await applyNetworkFirewall(target, s)
    assert.equal(rulesetOf(ns), once)
    assert.match(once, /masquerade to :1024-65535/)
  }, 'idem')
})

test('a script that fails, in nft or in the kernel, changes nothing', { skip }, async () => {
  await withNetns(async (ns, target) => {
    nftIn(ns, ['-f', '-'], FOREIGN)
    await applyNetworkFirewall(target, script('nat', 'virbr0', '192.168.122.1'))
    const before = rulesetOf(ns)
    const replacement = script('route', 'virbr0', '10.1.0.1')
    const badLine = replacement.split('\n').length
    const syntax = `${replacement}add rule inet hostnet forward_virbr0 bogus\n`
    await assert.rejects(applyNetworkFirewall(target, syntax), (e: unknown) => {
      assert.ok(e instanceof NftError, String(e))
      assert.equal(e.kind, 'backend-failure')
      assert.equal(e.line, badLine)
      assert.match(e.nftMessage, /Error: syntax error/)
      return true
    })
    assert.equal(rulesetOf(ns), before)
    // valid syntax, refused when the kernel runs the transaction: the chains' deletion is rolled back too
    const kernel = `${replacement}delete chain inet hostnet forward_missing\n`
    const refused = (e: unknown) => e instanceof NftError && /Could not process rule: No such file/.test(e.message)
    await assert.rejects(applyNetworkFirewall(target, kernel), refused)
    assert.equal(rulesetOf(ns), before)
    const invalid = (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument'
    await assert.rejects(removeNetworkFirewall(target, 'a"b'), invalid)
    assert.equal(rulesetOf(ns), before)
  }, 'atomic')
})

test('a namespace that does not exist is a not-found error', { skip }, async () => {
  const target = { kind: 'netns', name: uniqueNetnsName('missing') } as const
  const notFound = (e: unknown) => e instanceof HostnetError && e.kind === 'not-found'
  await assert.rejects(applyNetworkFirewall(target, script('nat', 'virbr0', '192.168.122.1')), notFound)
  await assert.rejects(listHostnetFirewalls(target), notFound)
})

test('no namespace is left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})
