/**
 * The network driver on the real kernel, nftables and dnsmasq, in namespaces this file creates: start makes the
 * bridge, its firewall table and dnsmasq; destroy removes exactly those; failed starts (dnsmasq refusing its
 * configuration, a firewall failure, an overlapping subnet) leave no trace; recovery tears down the network of
 * a process that died half-way.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { HostnetError } from '../../src/errors.js'
import type { NetworkServices } from '../../src/driver/network/services.js'
import { NetworkDriver } from '../../src/driver/network/driver.js'
import { networkRunDir, realNetworkServices } from '../../src/driver/network/index.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { DEAD_OWNER } from '../engine/helpers.js'
import { natXml } from './fakes.js'
import { ip, links, NetworkLab, nftChains, processesIn, sysctlIn } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

async function withLab(fn: (lab: NetworkLab) => Promise<void>): Promise<void> {
  const lab = await NetworkLab.open({ outside: false })
  try {
    await fn(lab)
  } finally {
    await lab.close()
  }
}

test('start creates bridge, firewall and dnsmasq; destroy removes exactly them', { skip }, () =>
  withLab(async (lab) => {
    ip(lab.host, 'link', 'add', 'keep0', 'type', 'veth', 'peer', 'name', 'keep1')
    execFileSync('ip', ['netns', 'exec', lab.host, 'nft', 'add', 'table', 'inet', 'keepme'])
    const before = { links: links(lab.host), chains: nftChains(lab.host) }
    await lab.driver.define(lab.target, natXml('nat1', '10.201.0'))
    await lab.driver.start(lab.target, 'nat1')
    assert.deepEqual(links(lab.host), [...before.links, 'virbr0'].sort())
    assert.match(ip(lab.host, 'addr', 'show', 'dev', 'virbr0'), /inet 10\.201\.0\.1\/24/)
    assert.deepEqual(nftChains(lab.host), [...before.chains, 'inet hostnet forward_virbr0', 'inet hostnet postrouting_virbr0'].sort())
    assert.deepEqual(processesIn(lab.host), ['dnsmasq'])
    assert.equal(sysctlIn(lab.host, 'net.ipv4.ip_forward'), '1')
    assert.equal(sysctlIn(lab.host, 'net.ipv6.conf.virbr0.disable_ipv6'), '1')
    const live = lab.driver.dumpXml(lab.target, 'nat1')
    assert.match(live, /<bridge name='virbr0' stp='on' delay='0'\/>/)
    assert.match(live, /<mac address='52:54:00:/)
    await lab.driver.destroy(lab.target, 'nat1')
    assert.deepEqual(links(lab.host), before.links)
    assert.deepEqual(nftChains(lab.host), before.chains)
    assert.deepEqual(processesIn(lab.host), [])
    // and again: the same bridge name, MAC and subnet come back
    await lab.driver.start(lab.target, 'nat1')
    assert.match(ip(lab.host, 'link', 'show', 'dev', 'virbr0'), new RegExp(lab.driver.dumpXml(lab.target, 'nat1').match(/52:54:00:[0-9a-f:]{8}/)![0]))
    await lab.driver.destroy(lab.target, 'nat1', { deferDelete: true })
    assert.equal(links(lab.host).filter((l) => l.startsWith('hngc')).length, 1, 'a retired bridge waits for deletion')
    assert.equal(await lab.driver.collectGarbage(lab.target), 1)
    assert.deepEqual(links(lab.host), before.links)
  }),
)

test('dnsmasq refusing its configuration fails the start, and nothing is left', { skip }, () =>
  withLab(async (lab) => {
    const before = { links: links(lab.host), chains: nftChains(lab.host) }
    const bad = natXml('bad', '10.202.0').replace('<network>', "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>")
      .replace('</network>', "<dnsmasq:options><dnsmasq:option value='no-such-option=1'/></dnsmasq:options>\n</network>")
    await lab.driver.define(lab.target, bad)
    await assert.rejects(lab.driver.start(lab.target, 'bad'), (e: unknown) => e instanceof HostnetError && /dnsmasq/.test(e.message))
    assert.deepEqual(links(lab.host), before.links)
    assert.deepEqual(nftChains(lab.host), before.chains)
    assert.deepEqual(processesIn(lab.host), [])
    assert.equal(lab.driver.info(lab.target, 'bad').state, 'inactive')
  }),
)

test('a firewall failure after the bridge exists undoes everything; an overlapping subnet is refused untouched', { skip }, () =>
  withLab(async (lab) => {
    const real = realNetworkServices({ backend: new Iproute2Backend(), stateDir: lab.dir })
    const failing: NetworkServices = {
      ...real,
      firewall: { ...real.firewall, apply: async () => Promise.reject(new HostnetError('backend-failure', 'nft exploded')), remove: (t, b) => real.firewall.remove(t, b), objectCount: () => 0 },
    }
    const driver = new NetworkDriver({ store: lab.store, services: failing })
    const before = { links: links(lab.host), chains: nftChains(lab.host) }
    await driver.define(lab.target, natXml('a', '10.203.0'))
    await assert.rejects(driver.start(lab.target, 'a'), /nft exploded/)
    assert.deepEqual(links(lab.host), before.links)
    assert.deepEqual(processesIn(lab.host), [])
    await lab.driver.start(lab.target, 'a')
    await lab.driver.define(lab.target, natXml('b', '10.203.0').replace("prefix='24'", "prefix='25'"))
    const mid = { links: links(lab.host), chains: nftChains(lab.host), procs: processesIn(lab.host) }
    await assert.rejects(lab.driver.start(lab.target, 'b'), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict' && /overlaps/.test(e.message))
    assert.deepEqual({ links: links(lab.host), chains: nftChains(lab.host), procs: processesIn(lab.host) }, mid)
  }),
)

test('recovery tears down a network whose starting process died after the bridge and firewall', { skip }, () =>
  withLab(async (lab) => {
    const real = realNetworkServices({ backend: new Iproute2Backend(), stateDir: lab.dir })
    const hanging: NetworkServices = { ...real, dhcp: { ...real.dhcp, start: () => new Promise(() => undefined) } }
    const crashed = new NetworkDriver({ store: lab.store, services: hanging, owner: DEAD_OWNER })
    const before = { links: links(lab.host), chains: nftChains(lab.host) }
    await crashed.define(lab.target, natXml('c', '10.204.0'))
    void crashed.start(lab.target, 'c')
    for (let i = 0; i < 100 && !nftChains(lab.host).includes('inet hostnet forward_virbr0'); i++) await new Promise((r) => setTimeout(r, 20))
    assert.ok(links(lab.host).includes('virbr0'))
    assert.equal(lab.driver.info(lab.target, 'c').state, 'starting')
    const report = await lab.driver.recover()
    assert.deepEqual(report.recovered, [`netns:${lab.host}/c`])
    assert.deepEqual(links(lab.host), before.links)
    assert.deepEqual(nftChains(lab.host), before.chains)
    assert.equal(lab.driver.info(lab.target, 'c').state, 'inactive')
  }),
)

test('a network name with quotes and # is data: its dnsmasq files are encoded inside the state directory', { skip }, () =>
  withLab(async (lab) => {
    const name = `q"'#x`
    await lab.driver.define(lab.target, natXml('q&quot;&apos;#x', '10.205.0'))
    await lab.driver.start(lab.target, name)
    const dir = networkRunDir(lab.dir, lab.target)
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.conf')), ['q&quot;&apos;&#35;x.conf'])
    assert.deepEqual(processesIn(lab.host), ['dnsmasq'])
    await lab.driver.destroy(lab.target, name)
    assert.deepEqual(processesIn(lab.host), [])
    await assert.rejects(lab.driver.define(lab.target, natXml('../x', '10.206.0')), (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument')
  }),
)
