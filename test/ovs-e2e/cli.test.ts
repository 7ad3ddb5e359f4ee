/**
 * The command line with OVS: `sandbox create --ovs` starts a private OVS recorded in the state dir, `apply`
 * and `show` on `--netns` use it, `ovs-show` prints bridges, VLANs and bond status, `--ovsdb` points elsewhere,
 * and `sandbox destroy` stops it (no daemon, no namespace left).
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, tempDir } from '../engine/cli-helpers.js'
import { processesMentioning } from '../ovsdb/helpers.js'
import { SKIP_OVS_E2E } from './lab.js'

const DOC = `interfaces:
  - name: br0
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port:
        - {name: br0}
        - {name: bond0, link-aggregation: {mode: active-backup, port: [{name: eth0}, {name: eth1}]}}
        - {name: vm1, vlan: {mode: access, tag: 10}}
        - {name: up1, vlan: {mode: trunk, trunk-tags: [{id: 10}, {id-range: {min: 20, max: 22}}]}}
  - {name: br0, type: ovs-interface, ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}}
`

const dir = SKIP_OVS_E2E ? undefined : tempDir('hostnet-ovs-cli-')
after(() => dir?.remove())

test('sandbox --ovs, apply, show, ovs-show and destroy', { skip: SKIP_OVS_E2E }, async () => {
  const stateDir = join(dir!.path, 'state')
  const name = `hnc${process.pid % 100000}`
  const env = { HOSTNET_STATE_DIR: stateDir }
  const doc = join(dir!.path, 'ovs.yaml')
  writeFileSync(doc, DOC)
  const created = await runCli(['sandbox', 'create', '--name', name, '--ovs', '--json'], env)
  try {
    assert.equal(created.code, 0, created.stderr)
    assert.equal((JSON.parse(created.stdout) as { ovs: { address: string } }).ovs.address, `unix:${stateDir}/ovs/${name}/db.sock`)
    const applied = await runCli(['apply', '--netns', name, doc], env)
    assert.equal(applied.code, 0, applied.stderr)
    assert.match(applied.stdout, /apply 5 Open vSwitch changes in one transaction/)
    const show = await runCli(['show', '--netns', name, '--json'], env)
    const state = JSON.parse(show.stdout) as { interfaces: Array<{ name: string; type: string; controller?: string }> }
    assert.deepEqual(state.interfaces.filter((i) => i.controller === 'br0').map((i) => `${i.name}:${i.type}`).sort(), ['br0:ovs-interface', 'eth0:veth', 'eth1:veth', 'up1:ovs-interface', 'vm1:ovs-interface'])
    assert.ok(state.interfaces.some((i) => i.name === 'br0' && i.type === 'ovs-bridge'))
    const text = await runCli(['ovs-show', '--netns', name], env)
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /bridge br0 \(datapath netdev/)
    assert.match(text.stdout, /port bond0: all VLANs; bond active-backup, active member eth[01]/)
    assert.match(text.stdout, /port up1: trunk, trunks 10,20,21,22/)
    assert.match(text.stdout, /port vm1: access, tag 10/)
    const json = JSON.parse((await runCli(['ovs-show', '--netns', name, '--json'], env)).stdout) as { bridges: Array<{ ports: Array<{ name: string; bond?: { activeMember?: string } }> }> }
    assert.ok(['eth0', 'eth1'].includes(json.bridges[0]?.ports.find((p) => p.name === 'bond0')?.bond?.activeMember ?? ''))
    assert.equal((await runCli(['apply', '--netns', name, doc], env)).stdout.includes('nothing to do'), true)
    const elsewhere = await runCli(['ovs-show', '--netns', name, '--ovsdb', `unix:${dir!.path}/none.sock`], env)
    assert.equal(elsewhere.code, 6, 'dependency')
    assert.match(elsewhere.stderr, /not reachable/)
  } finally {
    const destroyed = await runCli(['sandbox', 'destroy', '--name', name], env)
    assert.equal(destroyed.code, 0, destroyed.stderr)
    assert.match(destroyed.stdout, /its Open vSwitch/)
  }
  assert.equal(existsSync(join(stateDir, 'ovs', name)), false)
  assert.deepEqual(processesMentioning([join(stateDir, 'ovs')]), [])
})
