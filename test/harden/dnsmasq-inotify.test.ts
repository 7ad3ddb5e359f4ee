/**
 * Issue 16, the scale ceiling, last resort: each network with DHCP or DNS runs a dnsmasq that watches resolv.conf
 * with an inotify instance of its own, and at the kernel's default `fs.inotify.max_user_instances` (128) a host ran
 * out at about 120 networks with a bare "failed to create inotify". The start now fails with a message that says
 * why and names the setting to raise (its current value read from /proc), and leaves none of its files. The limit
 * is global to the machine, so the failure is dnsmasq's own message from a runner, not an exhausted kernel.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError, CommandError } from '../../src/errors.js'
import { inotifyHint, startDnsmasq } from '../../src/backend/dnsmasq/index.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import type { Runner } from '../../src/sys/exec.js'
import { tempDir } from '../engine/cli-helpers.js'

const NET = `<network><name>many</name><forward mode='nat'/><bridge name='hnm0'/><ip address='10.50.0.1' prefix='24'><dhcp><range start='10.50.0.10' end='10.50.0.20'/></dhcp></ip></network>`

test('a dnsmasq out of inotify instances: the start names the limit and how to raise it, and leaves no file', async () => {
  const dir = tempDir('hostnet-inotify-')
  try {
    const stderr = 'dnsmasq: failed to create inotify: Too many open files\n'
    const runner: Runner = {
      run: (argv) => Promise.reject(new CommandError(argv, 5, stderr)),
    }
    const def = parseNetworkXml(NET)
    await assert.rejects(
      () => startDnsmasq(def, { runDir: join(dir.path, 'run'), bridgeName: 'hnm0', dnsmasqVersion: '2.89', runner }),
      (e: unknown) => {
        assert.ok(e instanceof HostnetError, String(e))
        assert.match(e.message, /^cannot start dnsmasq for network 'many': dnsmasq: failed to create inotify: Too many open files \(each network with DHCP or DNS runs a dnsmasq holding one inotify instance, and this host's fs\.inotify\.max_user_instances = \d+ is used up: raise it, e\.g\. 'sysctl -w fs\.inotify\.max_user_instances=8192'/)
        return true
      },
    )
    assert.deepEqual(readdirSync(join(dir.path, 'run')), [])

    // the value is the machine's; another failure gets no hint
    const sysctl = join(dir.path, 'max_user_instances')
    writeFileSync(sysctl, '128\n')
    assert.match(inotifyHint('dnsmasq: failed to create inotify: Too many open files', sysctl), /fs\.inotify\.max_user_instances = 128 is used up/)
    assert.equal(inotifyHint('dnsmasq: failed to bind DHCP server socket: Address in use', sysctl), '')
  } finally {
    dir.remove()
  }
})
