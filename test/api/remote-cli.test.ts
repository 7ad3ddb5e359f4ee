/**
 * The remote CLI (`hostnet --url unix:SOCKET ...`) prints what the local CLI prints and exits with the same
 * status, for net-list, net-dumpxml, net-port-create, apply (and a few errors), on the same host and store.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, bridgeXml, natXml, portXml } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: ApiLab

before(async () => {
  if (skip === false) lab = await ApiLab.open()
})

after(async () => {
  if (skip !== false) return
  await lab.close()
  assert.deepEqual(leakedNetns(), [])
})

/** Local: the store directly; remote: the same verb through the API of serve. */
async function both(args: string[]): Promise<{ local: { code: number | null; stdout: string; stderr: string }; remote: { code: number | null; stdout: string; stderr: string } }> {
  const local = await lab.cli([...args, '--netns', lab.ns, '--state-dir', lab.dir])
  const remote = await lab.cli(['--url', `unix:${lab.socket('rw')}`, ...args, '--netns', lab.ns])
  return { local, remote }
}

function file(name: string, text: string): string {
  const p = join(lab.dir, name)
  writeFileSync(p, text)
  return p
}

test('net-define, net-start, net-list, net-dumpxml, net-info: same output and status, local and remote', { skip }, async () => {
  const nat = file('nat.xml', natXml('rnat', '10.235.0'))
  const d = await lab.cli(['--url', `unix:${lab.socket('rw')}`, 'net-define', '--netns', lab.ns, nat])
  assert.equal(d.code, 0, d.stderr)
  assert.equal(d.stdout, `Network rnat defined from ${nat}\n`)
  assert.equal((await lab.cli(['net-start', ...lab.t, 'rnat'])).code, 0)
  for (const args of [['net-list'], ['net-list', '--all'], ['net-list', '--json'], ['net-dumpxml', 'rnat'], ['net-dumpxml', '--inactive', 'rnat'], ['net-dumpxml', '--json', 'rnat'], ['net-info', 'rnat']]) {
    const { local, remote } = await both(args)
    assert.equal(local.code, 0, `${args.join(' ')}: ${local.stderr}`)
    assert.deepEqual(remote, local, args.join(' '))
  }
  // net-update: done locally, then the same update remotely is refused the same way; a remote one done, locally refused
  const upd = (ip: string): string[] => ['net-update', 'rnat', 'add', 'dns-host', `<host ip='${ip}'><hostname>h</hostname></host>`]
  const local1 = await lab.cli([...upd('10.235.0.7'), ...lab.t])
  assert.deepEqual([local1.code, local1.stdout], [0, 'Updated network rnat live state\n'], local1.stderr)
  const remote1 = await lab.cli(['--url', `unix:${lab.socket('rw')}`, ...upd('10.235.0.8'), '--netns', lab.ns])
  assert.deepEqual(remote1, { ...local1, stdout: local1.stdout })
  const refused = await both(upd('10.235.0.8'))
  assert.equal(refused.local.code, 4, refused.local.stderr)
  assert.deepEqual(refused.remote, refused.local)
  for (const args of [['net-info', 'nosuch'], ['net-start', 'rnat'], ['net-dumpxml', 'nosuch']]) {
    const { local, remote } = await both(args)
    assert.notEqual(local.code, 0)
    assert.deepEqual(remote, local, args.join(' '))
  }
  const viewer = await lab.cli(['--url', `unix:${lab.socket('ro')}`, 'net-destroy', '--netns', lab.ns, 'rnat'])
  assert.equal(viewer.code, 7, 'a viewer socket: permission denied, exit 7')
  assert.match(viewer.stderr, /viewer/)
  assert.equal((await lab.cli(['net-destroy', ...lab.t, 'rnat'])).code, 0)
  assert.equal((await lab.cli(['net-undefine', ...lab.t, 'rnat'])).code, 0)
})

test('net-port-create: same output, local and remote (the port UUID and device aside)', { skip }, async () => {
  assert.equal((await lab.cli(['net-define', ...lab.t, file('br.xml', bridgeXml('rbr'))])).code, 0)
  assert.equal((await lab.cli(['net-start', ...lab.t, 'rbr'])).code, 0)
  const u1 = 'a1aaaaaa-0000-4000-8000-000000000001'
  const u2 = 'a2aaaaaa-0000-4000-8000-000000000002'
  const p1 = file('p1.xml', portXml(u1, '52:54:00:bb:00:01'))
  const p2 = file('p2.xml', portXml(u2, '52:54:00:bb:00:02'))
  const local = await lab.cli(['net-port-create', ...lab.t, 'rbr', p1])
  const remote = await lab.cli(['--url', `unix:${lab.socket('rw')}`, 'net-port-create', '--netns', lab.ns, 'rbr', p2])
  assert.equal(local.code, 0, local.stderr)
  assert.equal(remote.code, 0, remote.stderr)
  const norm = (s: string, u: string, p: string): string => s.replaceAll(u, 'UUID').replaceAll(p, 'FILE').replace(/hnp[0-9a-f]+/g, 'DEV')
  assert.equal(norm(remote.stdout, u2, p2), norm(local.stdout, u1, p1))
  assert.match(local.stdout, /^Network port .* created from .* \(device hnp[0-9a-f]+\)\n$/)
  const lj = await lab.cli(['net-port-create', '--json', '--no-plug', ...lab.t, 'rbr', file('p3.xml', portXml('a3aaaaaa-0000-4000-8000-000000000003', '52:54:00:bb:00:03'))])
  const rj = await lab.cli(['--url', `unix:${lab.socket('rw')}`, 'net-port-create', '--json', '--no-plug', '--netns', lab.ns, 'rbr', file('p4.xml', portXml('a4aaaaaa-0000-4000-8000-000000000004', '52:54:00:bb:00:04'))])
  const strip = (s: string): unknown => {
    const v = JSON.parse(s) as Record<string, unknown>
    return { ...v, uuid: 'U', mac: 'M' }
  }
  assert.deepEqual(strip(rj.stdout), strip(lj.stdout))
  const list = await both(['net-port-list', 'rbr'])
  assert.deepEqual(list.remote, list.local)
  const dump = await both(['net-port-dumpxml', 'rbr', u1])
  assert.deepEqual(dump.remote, dump.local)
  const bad = await both(['net-port-create', 'rbr', file('bad.xml', '<networkport><uuid>x</uuid></networkport>')])
  assert.equal(bad.local.code, 2)
  assert.deepEqual(bad.remote, bad.local)
  assert.equal((await lab.cli(['net-destroy', ...lab.t, 'rbr'])).code, 0)
  assert.equal((await lab.cli(['net-undefine', ...lab.t, 'rbr'])).code, 0)
})

test('apply and diff: same output, local and remote (transaction ids aside)', { skip }, async () => {
  const up = file('up.yaml', 'interfaces:\n  - name: brr1\n    type: linux-bridge\n    state: up\n    mtu: 1450\n')
  const down = file('down.yaml', 'interfaces:\n  - name: brr1\n    type: linux-bridge\n    state: absent\n')
  const ids = (s: string): string => s.replace(/transaction \d+/g, 'transaction N').replace(/"transactionId": \d+/g, '"transactionId": N')
  const diff = await both(['diff', up])
  assert.equal(diff.local.code, 0, diff.local.stderr)
  assert.deepEqual(diff.remote, diff.local)
  const local = await lab.cli(['apply', ...lab.t, up])
  assert.equal(local.code, 0, local.stderr)
  assert.equal((await lab.cli(['apply', ...lab.t, down])).code, 0)
  const remote = await lab.cli(['--url', `unix:${lab.socket('rw')}`, 'apply', '--netns', lab.ns, up])
  assert.equal(remote.code, 0, remote.stderr)
  assert.equal(ids(remote.stdout), ids(local.stdout))
  assert.match(local.stdout, /^applied \d+ operations? to network namespace/)
  const again = await both(['apply', up])
  assert.deepEqual(again.remote, again.local, 'already matches: the same line')
  const show = await both(['show', 'brr1'])
  assert.deepEqual(show.remote, show.local)
  const bad = await both(['apply', file('bad.yaml', 'interfaces:\n  - name: brr1\n    type: linux-bridge\n    mtu: 99999999\n')])
  assert.equal(bad.local.code, 2)
  assert.deepEqual(bad.remote, bad.local)
  const env = await lab.cli(['apply', '--netns', lab.ns, '--json', down], { HOSTNET_URL: `unix:${lab.socket('rw')}` })
  assert.equal(env.code, 0, env.stderr)
  assert.equal(JSON.parse(env.stdout).status, 'committed', 'HOSTNET_URL works as --url')
})
