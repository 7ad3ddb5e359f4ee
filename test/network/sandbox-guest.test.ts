/**
 * Trying it as a new user would: a sandbox, a NAT network in it, `sandbox guest add` (veth into the bridge, DHCP
 * lease), `guest list`, `guest reach` (the outside sees the host's address), `guest del`, and `sandbox destroy`
 * removing the sandbox, its outside and its guests.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listNetns } from '../../src/sys/netns.js'
import { destroySandbox } from '../../src/lab/sandbox.js'
import { canUseNetns, uniqueNetnsName } from '../helpers/netns.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'
import { processesIn } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
const sb = uniqueNetnsName('sb')

after(async () => {
  if (skip !== false) return
  await destroySandbox(sb)
  assert.deepEqual(listNetns().filter((n) => n.startsWith(sb)), [])
})

test('sandbox guest add/list/reach/del on a NAT network, and sandbox destroy removes it all', { skip }, async () => {
  const dir = tempDir('hostnet-guest-')
  const sd = ['--state-dir', dir.path]
  try {
    assert.equal((await runCli(['sandbox', 'create', '--name', sb])).code, 0)
    const xml = `<network><name>gnat</name><forward mode='nat'/><bridge stp='off'/>
      <ip address='192.168.160.1' prefix='24'><dhcp><range start='192.168.160.50' end='192.168.160.60'/>
      <host mac='52:54:00:00:16:01' ip='192.168.160.7'/></dhcp></ip></network>`
    writeFileSync(join(dir.path, 'n.xml'), xml)
    assert.equal((await runCli(['net-define', '--netns', sb, ...sd, join(dir.path, 'n.xml')])).code, 0)
    const inactive = await runCli(['sandbox', 'guest', 'add', 'g1', '--network', 'gnat', '--sandbox', sb, ...sd])
    assert.equal(inactive.code, 4, inactive.stderr)
    assert.equal((await runCli(['net-start', '--netns', sb, ...sd, 'gnat'])).code, 0)
    const add = await runCli(['sandbox', 'guest', 'add', 'g1', '--network', 'gnat', '--sandbox', sb, '--mac', '52:54:00:00:16:01', '--json', ...sd])
    assert.equal(add.code, 0, add.stderr)
    assert.equal((JSON.parse(add.stdout) as { lease: { ip: string } }).lease.ip, '192.168.160.7')
    const list = JSON.parse((await runCli(['sandbox', 'guest', 'list', '--sandbox', sb, '--json'])).stdout) as Array<{ name: string; address: string; bridge: string }>
    assert.deepEqual(list.map((g) => [g.name, g.address, g.bridge]), [['g1', '192.168.160.7/24', 'virbr0']])
    // list and reach take --state-dir as add and del do (issue 14)
    const listSd = await runCli(['sandbox', 'guest', 'list', '--sandbox', sb, '--json', ...sd])
    assert.equal(listSd.code, 0, listSd.stderr)
    assert.deepEqual(JSON.parse(listSd.stdout), list)
    const reach = await runCli(['sandbox', 'guest', 'reach', 'g1', '--sandbox', sb, ...sd])
    assert.equal(reach.code, 0, reach.stdout + reach.stderr)
    assert.match(reach.stdout, /the outside saw it as 203\.0\.113\.1/)
    assert.equal((await runCli(['sandbox', 'guest', 'add', 'Bad_Name', '--network', 'gnat', '--sandbox', sb, ...sd])).code, 2)
    assert.equal((await runCli(['sandbox', 'guest', 'del', 'g1', '--sandbox', sb, ...sd])).code, 0)
    assert.ok(!listNetns().includes(`${sb}-g-g1`))
    assert.equal((await runCli(['net-destroy', '--netns', sb, ...sd, 'gnat'])).code, 0)
    assert.deepEqual(processesIn(sb), [])
    const destroyed = await runCli(['sandbox', 'destroy', '--name', sb])
    assert.match(destroyed.stdout, new RegExp(`${sb}-out`))
  } finally {
    dir.remove()
  }
})
