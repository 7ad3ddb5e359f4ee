/** `hostnet debug dnsmasq-conf`, run as a user runs it (bin/hostnet, no shell). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, tempDir } from '../engine/cli-helpers.js'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'

const skip = conformanceAvailable() ? false : 'libvirt conformance corpus not available'
const corpus = (name: string): string => join(conformanceDir(), 'tests', 'networkxml2confdata', name)

test('prints the config and, with --hostsfile, the hosts file as libvirt writes them', { skip }, async () => {
  const conf = await runCli(['debug', 'dnsmasq-conf', corpus('dhcp6-nat-network.xml'), '--dnsmasq-version', '2.67'])
  assert.equal(conf.code, 0, conf.stderr)
  assert.equal(conf.stdout, readFileSync(corpus('dhcp6-nat-network.conf'), 'utf8'))
  const hosts = await runCli(['debug', 'dnsmasq-conf', corpus('dhcp6-nat-network.xml'), '--hostsfile'])
  assert.equal(hosts.stdout, readFileSync(corpus('dhcp6-nat-network.hostsfile'), 'utf8'))
  const none = await runCli(['debug', 'dnsmasq-conf', corpus('isolated-network.xml'), '--hostsfile'])
  assert.deepEqual([none.code, none.stdout], [0, ''])
})

test('--json, --config-dir, --bridge, --pid-file; errors exit with their kind', async () => {
  const dir = tempDir('hnt-debug-cli-')
  try {
    const xml = join(dir.path, 'n.xml')
    writeFileSync(
      xml,
      "<network><name>n</name><forward mode='nat'/><bridge name='virbr%d'/><dns><host ip='10.3.0.9'><hostname>h</hostname></host></dns>" +
        "<ip address='10.3.0.1' prefix='24'><dhcp><host mac='52:54:00:00:00:09' ip='10.3.0.9'/></dhcp></ip></network>",
    )
    const noBridge = await runCli(['debug', 'dnsmasq-conf', xml])
    assert.equal(noBridge.code, 2)
    assert.match(noBridge.stderr, /network 'n' has no bridge device name \(only the template 'virbr%d'\): give --bridge NAME/)
    const r = await runCli(['debug', 'dnsmasq-conf', xml, '--bridge', 'virbr7', '--config-dir', '/srv/d', '--pid-file', '/run/n.pid', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as Record<string, string | null>
    assert.match(out['conf']!, /^pid-file=\/run\/n\.pid\nexcept-interface=lo\nbind-dynamic\ninterface=virbr7\n/m)
    assert.equal(out['hostsfile'], '52:54:00:00:00:09,10.3.0.9\n')
    assert.equal(out['addnhosts'], '10.3.0.9\th\t\n')
    assert.equal(out['hostsfilePath'], '/srv/d/n.hostsfile')
    const old = await runCli(['debug', 'dnsmasq-conf', xml, '--bridge', 'virbr7', '--dnsmasq-version', '2.48'])
    assert.equal(old.code, 5) // not-supported
  } finally {
    dir.remove()
  }
})
