import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import { RecordingRunner } from '../../sys/exec.js'
import { applyNetworkFirewall, chainNamesFromJson, checkNftScript, listHostnetFirewalls, removeNetworkFirewall } from './apply.js'
import { NftError, nftErrorLine, nftErrorMessage } from './nft-error.js'

const NS = { kind: 'netns', name: 'ns1' } as const

test('apply, check and remove run nft with the script on stdin, in the target namespace', async () => {
  const runner = new RecordingRunner()
  await applyNetworkFirewall(NS, 'SCRIPT\n', { runner })
  await checkNftScript({ kind: 'host' }, 'S2\n', { runner })
  await removeNetworkFirewall(NS, 'br_0', { runner })
  assert.deepEqual(
    runner.calls.map((c) => [c.argv, c.opts.netns, c.opts.input]),
    [
      [['nft', '-f', '-'], 'ns1', 'SCRIPT\n'],
      [['nft', '-c', '-f', '-'], undefined, 'S2\n'],
      [
        ['nft', '-f', '-'],
        'ns1',
        'table inet hostnet {}\n' +
          'add chain inet hostnet forward_br_5f0 { type filter hook forward priority filter; policy accept; }\n' +
          'flush chain inet hostnet forward_br_5f0\n' +
          'delete chain inet hostnet forward_br_5f0\n' +
          'add chain inet hostnet postrouting_br_5f0 { type nat hook postrouting priority srcnat; policy accept; }\n' +
          'flush chain inet hostnet postrouting_br_5f0\n' +
          'delete chain inet hostnet postrouting_br_5f0\n',
      ],
    ],
  )
})

const NFT_STDERR = `/dev/stdin:7:3-9: Error: syntax error, unexpected junk
\t\tbogus rule
\t\t^^^^^^^
`

test("nft's refusal becomes an NftError carrying nft's message and the script line", async () => {
  const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: NFT_STDERR }))
  await assert.rejects(applyNetworkFirewall(NS, 'x', { runner }), (e: unknown) => {
    assert.ok(e instanceof NftError)
    assert.equal(e.kind, 'backend-failure')
    assert.equal(e.line, 7)
    assert.equal(e.nftMessage, '/dev/stdin:7:3-9: Error: syntax error, unexpected junk')
    assert.match(e.message, /^nft could not apply the firewall script in network namespace 'ns1': .*unexpected junk$/)
    return true
  })
})

test('a missing namespace, a missing nft and no permission get their own kinds', async () => {
  const cases: Array<[string, string]> = [
    ['Cannot open network namespace "ns1": No such file or directory', 'not-found'],
    ['exec of "nft" failed: No such file or directory', 'dependency'],
    ['netlink: Error: cache initialization failed: Operation not permitted', 'permission'],
  ]
  for (const [stderr, kind] of cases) {
    const runner = new RecordingRunner(() => ({ exitCode: 1, stderr }))
    await assert.rejects(applyNetworkFirewall(NS, 'x', { runner }), (e: unknown) => e instanceof HostnetError && e.kind === kind, kind)
  }
})

test('listHostnetFirewalls keeps the canonical chains of inet hostnet, grouped by the bridge they decode to', async () => {
  const json = JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6' } },
      { chain: { family: 'inet', table: 'hostnet', name: 'forward_virbr0', handle: 1 } },
      { chain: { family: 'inet', table: 'filter', name: 'forward_virbr1', handle: 2 } },
      { chain: { family: 'ip', table: 'hostnet', name: 'forward_virbr2', handle: 3 } },
      { chain: { family: 'inet', table: 'hostnet', name: 'postrouting_virbr0', handle: 4 } },
      { chain: { family: 'inet', table: 'hostnet', name: 'forward_br_5f0', handle: 5 } },
      { chain: { family: 'inet', table: 'hostnet', name: 'forward_bad_zz', handle: 6 } },
    ],
  })
  const runner = new RecordingRunner(() => ({ stdout: json }))
  assert.deepEqual(await listHostnetFirewalls(NS, { runner }), [
    { bridgeName: 'br_0', chains: ['forward_br_5f0'] },
    { bridgeName: 'virbr0', chains: ['forward_virbr0', 'postrouting_virbr0'] },
  ])
  assert.deepEqual(runner.calls[0]?.argv, ['nft', '-j', 'list', 'chains', 'inet'])
  assert.deepEqual(chainNamesFromJson(''), [])
  assert.throws(() => chainNamesFromJson('{'), (e: unknown) => e instanceof HostnetError && e.kind === 'backend-failure')
  assert.throws(() => chainNamesFromJson('{}'), /no 'nftables' array/)
})

test('nft messages: Error lines joined, else the first line', () => {
  assert.equal(nftErrorMessage('a\nx: Error: one\ny: Error: two\n'), 'x: Error: one; y: Error: two')
  assert.equal(nftErrorMessage('\nsomething odd\n'), 'something odd')
  assert.equal(nftErrorLine('no location'), undefined)
  assert.equal(nftErrorLine('/dev/stdin:12:1-2: Error: x'), 12)
})
