/**
 * `hostnet history` end to end on a sandbox: every change made through ./bin/hostnet (apply, apply + commit,
 * apply + rollback, net-define / net-start / a sandbox guest's port / net-port-create / net-port-delete /
 * net-destroy / net-undefine) appears once, in order, with the actor `cli:<unix user>`, and the guest's DHCP lease
 * with the actor `dnsmasq` (its lease script); the filters (--target, --kind, --since, --limit) and bad input (exit 2).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { userInfo } from 'node:os'
import { canUseNetns } from '../helpers/netns.js'
import { runCli } from './cli-helpers.js'
import { waitFor, withKernelEnv } from './kernel-helpers.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

interface Rec {
  id: number
  timeMs: number
  target: string
  kind: string
  object: string
  actor: string
  outcome: string
  detail?: Record<string, unknown>
}

const PORT_UUID = 'c0ffee00-0000-4000-8000-000000000001'

test('history: CLI changes appear in order with the actor; filters; bad input', { skip }, async () => {
  await withKernelEnv(async (env) => {
    const args = ['--netns', env.ns, '--state-dir', env.stateDir]
    const ok = async (a: readonly string[]): Promise<string> => {
      const r = await runCli(a)
      assert.equal(r.code, 0, `${a.join(' ')}: ${r.stdout}${r.stderr}`)
      return r.stdout
    }
    const mtu = (n: number): string => env.file(`mtu${n}.yaml`, `interfaces: [{name: eth3, type: veth, mtu: ${n}}]\n`)
    const txn = async (a: readonly string[]): Promise<string> => String((JSON.parse(await ok([...a, '--json'])) as { transactionId: number }).transactionId)
    const t1 = await txn(['apply', mtu(1400), ...args])
    const t2 = await txn(['apply', mtu(1300), ...args, '--confirm-within', '60'])
    await ok(['commit', ...args])
    const t3 = await txn(['apply', mtu(1200), ...args, '--confirm-within', '60'])
    await ok(['rollback', ...args])
    const net = env.file('net.xml', `<network><name>hist</name><forward mode='nat'/><ip address='10.231.0.1' prefix='24'><dhcp><range start='10.231.0.10' end='10.231.0.20'/></dhcp></ip></network>`)
    await ok(['net-define', ...args, net])
    await ok(['net-start', ...args, 'hist'])
    // a guest gets a port and a DHCP lease from the network's dnsmasq, which records it through its lease script
    const guest = ['--sandbox', env.ns, '--state-dir', env.stateDir]
    await ok(['sandbox', 'guest', 'add', 'g1', '--network', 'hist', '--mac', '52:54:00:00:31:02', ...guest])
    const leased = await waitFor(async () => {
      const r = await runCli(['history', '--state-dir', env.stateDir, '--kind', 'dhcp', '--json'])
      return r.code === 0 && (JSON.parse(r.stdout) as Rec[]).length > 0
    }, 20_000)
    assert.ok(leased, 'the lease is recorded')
    await ok(['sandbox', 'guest', 'del', 'g1', ...guest])
    const port = env.file('port.xml', `<networkport><uuid>${PORT_UUID}</uuid><owner><name>vm1</name><uuid>aaaaaaaa-0000-4000-8000-000000000001</uuid></owner><mac address='52:54:00:00:31:01'/></networkport>`)
    await ok(['net-port-create', ...args, 'hist', port])
    await ok(['net-port-delete', ...args, 'hist', PORT_UUID])
    await ok(['net-destroy', ...args, 'hist'])
    await ok(['net-undefine', ...args, 'hist'])

    const sd = ['--state-dir', env.stateDir]
    const all = JSON.parse(await ok(['history', ...sd, '--json'])) as Rec[]
    const me = `cli:${userInfo().username}`
    const guestPort = all[7]?.object ?? '?'
    const key = `netns:${env.ns}`
    assert.deepEqual(
      all.map((r) => `${r.kind} ${r.object} ${r.actor} ${r.outcome}`),
      [
        `txn.applied ${t1} ${me} ok`,
        `txn.pending-confirm ${t2} ${me} ok`,
        `txn.committed ${t2} ${me} ok`,
        `txn.pending-confirm ${t3} ${me} ok`,
        `txn.rolled-back ${t3} ${me} ok`,
        `network.defined hist ${me} ok`,
        `network.started hist ${me} ok`,
        `port.created ${guestPort} ${me} ok`,
        'dhcp.lease-granted hist dnsmasq ok',
        `port.deleted ${guestPort} ${me} ok`,
        `port.created ${PORT_UUID} ${me} ok`,
        `port.deleted ${PORT_UUID} ${me} ok`,
        `network.stopped hist ${me} ok`,
        `network.undefined hist ${me} ok`,
      ],
    )
    assert.ok(all.every((r) => r.target === key))
    assert.ok(all.every((r, i) => i === 0 || (r.id > all[i - 1]!.id && r.timeMs >= all[i - 1]!.timeMs)), 'ids and times grow')
    assert.deepEqual(all[0]?.detail, { ops: 1, touched: ['eth3'], verified: true })
    assert.deepEqual(all[8]?.detail, { ip: all[8]?.detail?.['ip'], mac: '52:54:00:00:31:02', hostname: 'guest' })
    assert.match(String(all[8]?.detail?.['ip']), /^10\.231\.0\.\d+$/)
    assert.match(String(all[10]?.detail?.['device']), /^hnp/)

    // filters: kinds by family or name, target, since, limit (newest N, oldest first)
    const kinds = JSON.parse(await ok(['history', ...sd, '--kind', 'port', '--kind', 'txn.committed', '--json'])) as Rec[]
    assert.deepEqual(kinds.map((r) => r.kind), ['txn.committed', 'port.created', 'port.deleted', 'port.created', 'port.deleted'])
    const since = JSON.parse(await ok(['history', ...sd, '--target', key, '--since', String(all[11]!.id), '--json'])) as Rec[]
    assert.deepEqual(since.map((r) => r.kind), ['network.stopped', 'network.undefined'])
    const newest = JSON.parse(await ok(['history', ...sd, '--target', env.ns, '--limit', '2', '--json'])) as Rec[]
    assert.deepEqual(newest.map((r) => r.id), since.map((r) => r.id))
    assert.deepEqual(JSON.parse(await ok(['history', ...sd, '--target', 'host', '--json'])), [])
    const text = await ok(['history', ...sd, '--kind', 'network.started'])
    assert.match(text, /^Id +Time +Target +Kind +Object +Actor +Outcome +Detail\n/)
    assert.match(text, new RegExp(`\\n${all[6]!.id} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +${key} +network\\.started +hist +${me} +ok +bridge=virbr`))

    for (const bad of [['--kind', 'network.exploded'], ['--limit', '0'], ['--since', '-1'], ['--target', 'a/b']]) {
      const r = await runCli(['history', ...sd, ...bad])
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, bad[0] === '--kind' ? /unknown change kind 'network\.exploded'/ : new RegExp(`invalid ${bad[0]!} '`))
    }
  })
})
