/**
 * The kept `nft -i` session of long-lived network drivers: scripts apply as with `nft -f`, nft's errors come
 * back as errors of the right script, changes made by other processes in between are seen, and a namespace
 * replaced under the same name gets a new session.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { HostnetError } from '../../src/errors.js'
import { NftSessions, oneLineScript } from '../../src/backend/nftables/session.js'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { nftTables } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const replace = (t: string, verdict: string): string =>
  `table inet ${t} {}\ndelete table inet ${t}\ntable inet ${t} {\n\tcomment "a; b"\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tiifname "x" counter ${verdict}\n\t}\n}\n`

test('scripts become one interactive line; multi-line strings and comments do not', () => {
  assert.equal(oneLineScript('table inet a {\n\tchain c {\n\t\tcounter accept\n\t}\n}\n'), 'table inet a { chain c { counter accept; }; }')
  assert.equal(oneLineScript('table inet a {\n# note\n}\n'), undefined)
  assert.equal(oneLineScript('table inet a {\ncomment "x\ny"\n}\n'), undefined)
})

test('a session applies scripts, reports errors per script, and sees changes made by others', { skip }, async () => {
  const ns = await makeNetns('nft')
  const s = new NftSessions()
  const t = { kind: 'netns' as const, name: ns }
  try {
    assert.equal(await s.run(t, replace('hostnet_a', 'accept')), 'ok')
    assert.equal(await s.run(t, replace('hostnet_b', 'accept')), 'ok')
    await assert.rejects(s.run(t, replace('hostnet_c', 'bogus')), (e: unknown) => e instanceof HostnetError && /syntax error/.test(e.message))
    assert.equal(await s.run(t, replace('hostnet_d', 'drop')), 'ok', 'the session goes on after an error')
    execFileSync('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'hostnet_a'])
    execFileSync('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'inet', 'hostnet_x'])
    assert.equal(await s.run(t, replace('hostnet_a', 'drop')), 'ok')
    assert.equal(await s.run(t, 'table inet hostnet_x {}\ndelete table inet hostnet_x\n'), 'ok')
    assert.deepEqual(nftTables(ns), ['inet hostnet_a', 'inet hostnet_b', 'inet hostnet_d'])
    assert.match(execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'hostnet_a'], { encoding: 'utf8' }), /counter packets 0 bytes 0 drop/)
    // the namespace is replaced under the same name: the old session must not be used
    await deleteNetns(ns)
    await createNetns(ns)
    assert.equal(await s.run(t, replace('hostnet_n', 'accept')), 'ok')
    assert.deepEqual(nftTables(ns), ['inet hostnet_n'])
  } finally {
    s.closeAll()
    await removeNetns(ns)
  }
})
