/**
 * `hostnet xml normalize` end to end (./bin/hostnet): a libvirt input from the conformance corpus (read from the
 * shared folder at test time) prints libvirt's expected output byte for byte for each kind; invalid input exits
 * with status 2 and the error on stderr (or as JSON with --json); --inactive applies to networks and domain
 * interfaces.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const skip = conformanceAvailable() ? false : 'the libvirt conformance corpus is not available'
const tests = (): string => join(conformanceDir(), 'tests')

test('network: the corpus input normalizes to libvirt\'s output', { skip }, async () => {
  const input = join(tests(), 'networkxml2xmlin', 'dhcp6host-routed-network.xml')
  const expected = readFileSync(join(tests(), 'networkxml2xmlout', 'dhcp6host-routed-network.xml'), 'utf8')
  const r = await runCli(['xml', 'normalize', '--kind', 'network', input])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, expected)
})

test('networkport and interface: corpus files are fixed points', { skip }, async () => {
  for (const [kind, file] of [
    ['networkport', join(tests(), 'virnetworkportxml2xmldata', 'plug-direct.xml')],
    ['interface', join(tests(), 'interfaceschemadata', 'bridge-bond.xml')],
  ] as const) {
    assert.ok(existsSync(file), file)
    const r = await runCli(['xml', 'normalize', '--kind', kind, file])
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`)
    assert.equal(r.stdout, readFileSync(file, 'utf8'), kind)
  }
})

test('domain-interface: status form keeps <actual> and portid; --inactive drops them and the generated target', async () => {
  const dir = tempDir('hostnet-normalize-')
  try {
    const file = join(dir.path, 'nic.xml')
    writeFileSync(
      file,
      `<interface type='network'><mac address='52:54:00:11:22:33'/><source network='default' portid='8a0c1f0e-8c6a-4d3e-9a1b-2c3d4e5f6a7b'/>` +
        `<actual type='bridge'><source bridge='virbr0'/></actual><target dev='vnet0'/><model type='virtio'/></interface>`,
    )
    const live = await runCli(['xml', 'normalize', '--kind', 'domain-interface', file])
    assert.equal(live.code, 0, live.stderr)
    assert.match(live.stdout, /portid='8a0c1f0e-8c6a-4d3e-9a1b-2c3d4e5f6a7b'/)
    assert.match(live.stdout, /<actual type='bridge'>\n {4}<source bridge='virbr0'\/>\n {2}<\/actual>/)
    const inactive = await runCli(['xml', 'normalize', '--kind', 'domain-interface', '--inactive', file])
    assert.equal(inactive.code, 0, inactive.stderr)
    assert.equal(
      inactive.stdout,
      "<interface type='network'>\n  <mac address='52:54:00:11:22:33'/>\n  <source network='default'/>\n  <model type='virtio'/>\n</interface>\n",
    )
  } finally {
    dir.remove()
  }
})

test('invalid input: exit status 2, the error names the attribute and the network; nothing on stdout', async () => {
  const dir = tempDir('hostnet-normalize-')
  try {
    const file = join(dir.path, 'bad.xml')
    writeFileSync(file, "<network><name>red</name><ip address='10.0.0.1' prefix='33'/></network>")
    const r = await runCli(['xml', 'normalize', '--kind', 'network', file])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /33/)
    assert.match(r.stderr, /red/)
    const j = await runCli(['xml', 'normalize', '--kind', 'network', '--json', file])
    assert.equal(j.code, 2)
    const body = JSON.parse(j.stdout || j.stderr) as { error?: { kind?: string; message?: string } }
    assert.equal(body.error?.kind, 'invalid-argument', JSON.stringify(body))
    const kind = await runCli(['xml', 'normalize', '--kind', 'nope', file])
    assert.notEqual(kind.code, 0)
  } finally {
    dir.remove()
  }
})
