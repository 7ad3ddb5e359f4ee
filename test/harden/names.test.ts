/**
 * Issue 16, defects 1 (reserved names) and 5 (bridge and interface names): one device-name rule on every path.
 * Names that break a tool further down (a '%' the kernel reads as a template, ',' '"' '#' in dnsmasq's
 * configuration, a leading quote in `ip -batch`, `all` and `default` the kernel's own sysctl directories) and the
 * prefixes hostnet reserves for its own devices (`hngc`, `hnp`) are refused where the name comes in, as invalid
 * input (exit 2), never at start (where they gave exit 70, 9, 5 or 1).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError } from '../../src/errors.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { parseInterfaceXml } from '../../src/codec/libvirt-xml/interface.js'
import { ifNameProblem, parseIfName, userIfNameProblem } from '../../src/model/values/ifname.js'
import { fixture, natXml, NS } from '../network/fakes.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const BAD_BRIDGES = ['x%d%d', '%s', 'br%x', 'br,x', 'br"x', 'br#x', 'all', 'default', "'br", '"br', '-br', 'br*', 'hngc0123456789', 'hnp0123456789ab', 'hnpx']

function invalid(e: unknown, re: RegExp): boolean {
  assert.ok(e instanceof HostnetError, `not a HostnetError: ${String(e)}`)
  assert.equal(e.kind, 'invalid-argument', e.message)
  assert.match(e.message, re)
  return true
}

test('the device-name rule: letters, digits, _ . - only; not all/default; reserved prefixes only for hostnet', () => {
  for (const good of ['eth0', 'br-ex.100', 'virbr0', 'ovs_br0', 'é'.repeat(7), 'a'.repeat(15)]) assert.equal(userIfNameProblem(good), undefined, good)
  for (const bad of ['br%d', 'a,b', 'a"b', "a'b", 'a#b', 'a*', 'a\\b', 'a@b', 'a$b', 'all', 'default', '-x', 'a\u00a0b', 'a\ufffdb']) {
    assert.notEqual(ifNameProblem(bad), undefined, bad)
  }
  // hostnet's own names pass the syntax rule (it renders them) but are refused from users
  assert.equal(ifNameProblem('hnp0123456789ab'), undefined)
  assert.match(userIfNameProblem('hnp0123456789ab') ?? '', /reserves/)
  assert.match(userIfNameProblem('hngc0123456789') ?? '', /reserves/)
  assert.throws(() => parseIfName('br%x'), (e) => invalid(e, /invalid interface name 'br%x': contains '%'/))
})

test('network bridge names are checked at define: a bad name or template is invalid input, nothing is stored', async () => {
  const f = fixture()
  try {
    for (const [i, name] of BAD_BRIDGES.entries()) {
      const xml = natXml(`n${i}`, `10.7.${i}`, `<bridge name='${name.replace(/'/g, '&apos;')}'/>`)
      await assert.rejects(() => f.driver.define(NS, xml), (e) => invalid(e, /invalid bridge name/), name)
    }
    // a bridge mode network's existing bridge and a pool's devices follow the same rule
    const bridged = `<network><name>b</name><forward mode='bridge'/><bridge name='all'/></network>`
    await assert.rejects(() => f.driver.define(NS, bridged), (e) => invalid(e, /invalid bridge name 'all'/))
    const pool = `<network><name>p</name><forward mode='vepa'><interface dev='eth,1'/></forward></network>`
    await assert.rejects(() => f.driver.define(NS, pool), (e) => invalid(e, /invalid <forward> interface 'eth,1'/))
    assert.equal(f.driver.list(NS, { all: true }).length, 0)
    // libvirt's template still works, and the instance it yields is a valid name
    const t = await f.driver.define(NS, natXml('t', '10.8.1', "<bridge name='lab%d'/>"))
    assert.equal(t.bridge?.name, 'lab0')
  } finally {
    f.close()
  }
})

test('interface names in desired-state documents and interface XML follow the same rule', () => {
  for (const name of ['all', 'default', 'br%x', 'hngc0123456789', 'hnp0123456789ab', 'a,b']) {
    assert.throws(() => parseDesiredState(`interfaces:\n  - {name: '${name}', type: linux-bridge, state: up}\n`), (e) => invalid(e, /invalid name/), name)
    assert.throws(() => parseDesiredState(`interfaces:\n  - {name: br0, type: linux-bridge, state: up, bridge: {port: [{name: '${name}'}]}}\n`), (e) => invalid(e, /invalid bridge.port\[0\].name/), name)
    assert.throws(() => parseInterfaceXml(`<interface type='bridge' name='${name}'><bridge/></interface>`), (e) => invalid(e, /invalid/), name)
  }
})

test('CLI: bad names exit 2 before anything is touched (net-define, apply, net-port-create --ifname)', async () => {
  const dir = tempDir('hostnet-names-')
  try {
    const state = ['--state-dir', join(dir.path, 'state')]
    const net = join(dir.path, 'net.xml')
    writeFileSync(net, `<network><name>x</name><forward mode='nat'/><bridge name='x%d%d'/><ip address='10.9.1.1' prefix='24'/></network>`)
    const define = await runCli(['net-define', '--netns', 'hostnet-names-absent', ...state, net])
    assert.equal(define.code, 2, define.stderr)
    assert.match(define.stderr, /invalid bridge name 'x%d%d'/)
    const doc = join(dir.path, 'doc.yaml')
    writeFileSync(doc, 'interfaces:\n  - {name: default, type: linux-bridge, state: up}\n')
    const apply = await runCli(['apply', '--netns', 'hostnet-names-absent', ...state, doc])
    assert.equal(apply.code, 2, apply.stderr)
    assert.match(apply.stderr, /invalid name 'default'/)
    const port = join(dir.path, 'port.xml')
    writeFileSync(port, `<networkport><uuid>5d744f21-ba4a-4d6e-bdb4-3a3e2e3f4c1a</uuid><owner><name>g</name><uuid>4d744f21-ba4a-4d6e-bdb4-3a3e2e3f4c1a</uuid></owner><mac address='52:54:00:00:00:01'/></networkport>`)
    const create = await runCli(['net-port-create', '--netns', 'hostnet-names-absent', ...state, '--ifname', 'hnp0123456789ab', 'x', port])
    assert.equal(create.code, 2, create.stderr)
    assert.match(create.stderr, /reserves/)
  } finally {
    dir.remove()
  }
})
