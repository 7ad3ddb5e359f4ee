/**
 * Issue 16, defect 6: a network's dnsmasq files do not outlive it. A start that fails leaves none of them (no
 * `.conf`, `.hostsfile`, `.addnhosts`, `.pid`); undefining a network (or stopping a transient one) removes its lease
 * database, so a later network of the same name does not show the old network's leases. Real kernel and dnsmasq.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, existsSync, readdirSync } from 'node:fs'
import { networkRunDir } from '../../src/driver/network/index.js'
import { canUseNetns } from '../helpers/netns.js'
import { NetworkLab } from '../network/lab.js'
import { natXml } from '../network/fakes.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

/** The network's files in the run directory (dnsmasq's log, a test aid, left aside). */
function filesOf(dir: string, name: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && !f.endsWith('.log')).sort()
}

test('a failed start leaves no dnsmasq file; undefine and a stopped transient network take their leases along', { skip }, async () => {
  const lab = await NetworkLab.open({ outside: false })
  try {
    const dir = networkRunDir(lab.dir, lab.target)
    const bad = natXml('bad', '10.45.1')
      .replace('<network>', "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>")
      .replace('</network>', "<dnsmasq:options><dnsmasq:option value='no-such-option=1'/></dnsmasq:options>\n</network>")
    await lab.driver.define(lab.target, bad)
    await assert.rejects(lab.driver.start(lab.target, 'bad'), /dnsmasq/)
    assert.deepEqual(filesOf(dir, 'bad'), [])

    // a lease of the first network 'n'
    await lab.driver.define(lab.target, natXml('n', '10.45.2'))
    await lab.driver.start(lab.target, 'n')
    assert.deepEqual(filesOf(dir, 'n'), ['n.addnhosts', 'n.conf', 'n.hostsfile', 'n.leases', 'n.pid'])
    appendFileSync(`${dir}/n.leases`, `${Math.floor(Date.now() / 1000) + 3600} 52:54:00:45:02:10 10.45.2.10 old-guest *\n`)
    assert.equal((await lab.driver.leases(lab.target, 'n')).length, 1)
    await lab.driver.destroy(lab.target, 'n')
    assert.deepEqual(filesOf(dir, 'n'), ['n.leases'], 'a stopped persistent network keeps its leases')
    lab.driver.undefine(lab.target, 'n')
    assert.deepEqual(filesOf(dir, 'n'), [])
    // a new network of the same name starts without them
    await lab.driver.define(lab.target, natXml('n', '10.45.3'))
    await lab.driver.start(lab.target, 'n')
    assert.deepEqual(await lab.driver.leases(lab.target, 'n'), [])
    await lab.driver.destroy(lab.target, 'n')
    lab.driver.undefine(lab.target, 'n')

    // a transient network: gone when stopped, and its leases with it
    await lab.driver.create(lab.target, natXml('t', '10.45.4'))
    appendFileSync(`${dir}/t.leases`, `${Math.floor(Date.now() / 1000) + 3600} 52:54:00:45:04:10 10.45.4.10 old-guest *\n`)
    await lab.driver.destroy(lab.target, 't')
    assert.deepEqual(filesOf(dir, 't'), [])
  } finally {
    await lab.close()
  }
})
