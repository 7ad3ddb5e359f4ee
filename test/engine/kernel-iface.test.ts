/** The libvirt interface XML path against the real kernel: define, start, dumpxml, destroy, undefine. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from './cli-helpers.js'
import { project, withKernelEnv } from './kernel-helpers.js'

const BR_XML = `<interface type='bridge' name='br5'>
  <start mode='onboot'/>
  <mtu size='1400'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.5' prefix='24'/>
  </protocol>
  <bridge stp='off' delay='0'>
    <interface type='ethernet' name='eth1'>
    </interface>
  </bridge>
</interface>
`

test('iface-define + iface-start of a bridge over a veth, iface-dumpxml, iface-destroy, iface-undefine', async () => {
  await withKernelEnv(async (env) => {
    const t = ['--netns', env.ns, '--state-dir', env.stateDir]
    const before = project(await env.backend.query(env.target))
    const def = await runCli(['iface-define', ...t, env.file('br5.xml', BR_XML)])
    assert.equal(def.code, 0, def.stderr)
    assert.match(def.stdout, /Interface br5 defined/)
    assert.deepEqual(project(await env.backend.query(env.target)), before, 'define touches nothing')
    const listed = await runCli(['iface-list', ...t, '--all', '--json'])
    assert.deepEqual((JSON.parse(listed.stdout) as Array<{ name: string; state: string }>).find((e) => e.name === 'br5'), { name: 'br5', state: 'inactive', mac: '', defined: true })

    const start = await runCli(['iface-start', ...t, 'br5'])
    assert.equal(start.code, 0, start.stderr)
    const live = await env.backend.query(env.target)
    const br5 = live.interfaces.find((i) => i.name === 'br5')
    assert.equal(br5?.state, 'up')
    assert.equal(br5?.mtu, 1400)
    assert.deepEqual(br5?.ipv4?.addresses, [{ ip: '192.0.2.5', prefixLength: 24 }])
    assert.equal(live.interfaces.find((i) => i.name === 'eth1')?.controller, 'br5')

    const dump = await runCli(['iface-dumpxml', ...t, 'br5'])
    assert.equal(dump.code, 0, dump.stderr)
    assert.match(dump.stdout, /^<interface type='bridge' name='br5'>\n  <mtu size='1400'\/>/)
    assert.match(dump.stdout, /<ip address='192.0.2.5' prefix='24'\/>/)
    assert.match(dump.stdout, /<bridge stp='off' delay='0'>\n    <interface type='ethernet' name='eth1'>/)
    const inactive = await runCli(['iface-dumpxml', ...t, 'br5', '--inactive'])
    assert.equal(inactive.stdout, BR_XML)
    const active = await runCli(['iface-list', ...t])
    assert.match(active.stdout, /br5\s+active/)

    const destroy = await runCli(['iface-destroy', ...t, 'br5'])
    assert.equal(destroy.code, 0, destroy.stderr)
    const after = await env.backend.query(env.target)
    assert.equal(after.interfaces.find((i) => i.name === 'br5'), undefined, 'the bridge the start created is gone')
    assert.equal(after.interfaces.find((i) => i.name === 'eth1')?.controller ?? null, null)

    const undef = await runCli(['iface-undefine', ...t, 'br5'])
    assert.equal(undef.code, 0, undef.stderr)
    const gone = await runCli(['iface-dumpxml', ...t, 'br5', '--inactive'])
    assert.equal(gone.code, 3)
    const again = await runCli(['iface-start', ...t, 'br5'])
    assert.equal(again.code, 3)
    assert.match(again.stderr, /no interface with matching name 'br5'/)
  })
})

test('iface-define refuses bad XML with exit 2 naming the interface and attribute', async () => {
  await withKernelEnv(async (env) => {
    const bad = `<interface type='vlan' name='eth0.5000'><vlan tag='5000'><interface name='eth0'/></vlan></interface>`
    const r = await runCli(['iface-define', '--netns', env.ns, '--state-dir', env.stateDir, env.file('bad.xml', bad)])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /tag/)
    assert.match(r.stderr, /eth0\.5000/)
  })
})
