import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RecordingRunner } from '../../sys/exec.js'
import type { IdResolver } from './query-sections.js'
import { queryScopedState } from './query-scope.js'

const ids: IdResolver = { userId: () => undefined, groupId: () => undefined }
const target = { kind: 'netns', name: 'ns1' } as const
const v0p = { ifindex: 5, ifname: 'v0p', link: 'v0', flags: ['UP'], mtu: 1500, address: '02:00:00:00:00:01', linkinfo: { info_kind: 'veth' }, addr_info: [] }

function runner(find: { stdout?: string; stderr?: string; exitCode?: number }): RecordingRunner {
  return new RecordingRunner((argv) => {
    if (argv.includes('find')) return find
    if (argv.includes('route') && argv.at(-1) === 'v0p') return { stdout: '[{"dst":"10.9.0.0/16","gateway":"10.0.0.1","flags":[]},{"dst":"10.8.0.0/16","protocol":"2","flags":[]}]\n' }
    if (argv.at(-1) === 'v0p') return { stdout: `${JSON.stringify([v0p])}\n` }
    return { exitCode: 1, stderr: `Device "${argv.at(-1)}" does not exist.\n` }
  })
}

test('queryScopedState: named, kernel-filtered reads; sysfs links; missing names; routes of the read protocols', async () => {
  const r = runner({ stderr: "find: '/sys/class/net/nosuch/': No such file or directory\n", exitCode: 1 })
  const s = await queryScopedState(r, target, ['v0p', 'nosuch'], ids, { maxInterfaces: 8 })
  assert.deepEqual(s?.interfaces.map((i) => i.name), ['v0p'])
  assert.deepEqual(s?.routes, [{ destination: '10.9.0.0/16', nextHopAddress: '10.0.0.1', nextHopInterface: 'v0p' }])
  assert.ok(r.calls.every((c) => !c.argv.includes('-batch')), 'no batch reads (the kernel does not filter those)')
  assert.ok(r.calls.some((c) => c.argv.join(' ') === 'ip -n ns1 -json -details address show dev v0p'))
})

test('queryScopedState: gives up (the caller reads everything) when sysfs cannot be read or disagrees with ip', async () => {
  const mount = runner({ stderr: 'mount of /sys failed: Operation not permitted\n', exitCode: 1 })
  assert.equal(await queryScopedState(mount, target, ['v0p'], ids, { maxInterfaces: 8 }), undefined)
  const gone = runner({ stderr: "find: '/sys/class/net/v0p/': No such file or directory\n", exitCode: 1 })
  assert.equal(await queryScopedState(gone, target, ['v0p'], ids, { maxInterfaces: 8 }), undefined)
  const big = runner({ stdout: '/sys/class/net/v0p/upper_a\n/sys/class/net/v0p/upper_b\n/sys/class/net/v0p/lower_c\n' })
  assert.equal(await queryScopedState(big, target, ['v0p'], ids, { maxInterfaces: 3 }), undefined)
})
