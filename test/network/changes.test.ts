/**
 * The change record of the network and port drivers (in-memory services): every verb, failure, recovery and
 * supervision step is recorded once, in order, with the actor who asked (per call, or the driver's default).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePortInput } from '../../src/driver/port/index.js'
import type { ChangeRecord } from '../../src/store/index.js'
import { DEAD_OWNER } from '../engine/helpers.js'
import { fixture, natXml, NS } from './fakes.js'

const KEY = 'netns:fake-ns'

function brief(records: readonly ChangeRecord[]): string[] {
  return records.map((r) => `${r.kind} ${r.object} ${r.actor} ${r.outcome}`)
}

function portXml(uuid: string): string {
  return `<networkport><uuid>${uuid}</uuid><owner><name>vm1</name><uuid>6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e01</uuid></owner><mac address='52:54:00:00:00:01'/></networkport>`
}

test('network verbs are recorded in order, each with the actor of its call', async () => {
  const f = fixture()
  try {
    const me = f.store.actor
    await f.driver.define(NS, natXml('a', '10.20.1'))
    await f.driver.define(NS, f.driver.dumpXml(NS, 'a', { inactive: true }), { actor: 'api:alice' })
    await f.driver.start(NS, 'a', { actor: 'api:alice' })
    f.driver.setAutostart(NS, 'a', true)
    f.driver.setAutostart(NS, 'a', true) // no change: not recorded
    await f.driver.destroy(NS, 'a', { actor: 'api:bob' })
    f.driver.undefine(NS, 'a')
    const recs = f.store.changes.list({ afterId: 0 })
    assert.deepEqual(brief(recs), [
      `network.defined a ${me} ok`,
      'network.defined a api:alice ok',
      'network.started a api:alice ok',
      `network.autostart-changed a ${me} ok`,
      'network.stopped a api:bob ok',
      `network.undefined a ${me} ok`,
    ])
    assert.ok(recs.every((r) => r.target === KEY))
    assert.equal(recs[0]?.detail?.['redefined'], undefined)
    assert.equal(recs[1]?.detail?.['redefined'], true)
    assert.equal(recs[2]?.detail?.['bridge'], 'virbr0')
    assert.deepEqual(recs[3]?.detail, { autostart: true })
    // a malformed actor is refused before anything changes
    await assert.rejects(f.driver.start(NS, 'zz', { actor: 'root; rm -rf' }), /invalid actor/)
  } finally {
    f.close()
  }
})

test('a failed start is recorded as failed with its reason; a transient network as transient', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.21.1'))
    f.world.failNext('firewall.apply')
    await assert.rejects(f.driver.start(NS, 'a'), /injected/)
    await f.driver.create(NS, natXml('t', '10.21.2'))
    await f.driver.destroy(NS, 't')
    const recs = f.store.changes.list({ afterId: 1 })
    assert.deepEqual(recs.map((r) => `${r.kind} ${r.object} ${r.outcome}`), ['network.started a failed', 'network.started t ok', 'network.stopped t ok'])
    assert.deepEqual(recs[0]?.detail?.['error'], { kind: 'backend-failure', message: 'injected failure: firewall.apply' })
    assert.equal(recs[1]?.detail?.['transient'], true)
    assert.equal(recs[2]?.detail?.['transient'], true)
  } finally {
    f.close()
  }
})

test('recovery, autostart and supervision record their own actors', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('a', '10.22.1'))
    f.world.hang = 'dhcp.start'
    void f.other(DEAD_OWNER).start(NS, 'a') // its process "dies" at dnsmasq
    await new Promise((r) => setTimeout(r, 20))
    f.world.hang = undefined
    const mark = f.store.changes.lastId()
    await f.driver.recover()
    f.driver.setAutostart(NS, 'a', true)
    await f.driver.autostartAll()
    f.world.daemons.delete('a') // dnsmasq died
    await f.driver.superviseDnsmasq()
    const recs = f.store.changes.list({ afterId: mark })
    assert.deepEqual(brief(recs).filter((l) => !l.startsWith('network.autostart')), [
      'network.stopped a recovery ok',
      'network.started a supervisor ok',
      'network.dnsmasq-restarted a supervisor ok',
    ])
    assert.match(String(recs[0]?.detail?.['reason']), /interrupted while starting/)
    assert.equal(recs.find((r) => r.kind === 'network.started')?.detail?.['autostart'], true)
  } finally {
    f.close()
  }
})

test('ports: created and deleted recorded with the actor of the call; a network stop records its ports going', async () => {
  const f = fixture()
  try {
    f.world.devices.add('br-ext')
    await f.driver.define(NS, `<network><name>ext</name><forward mode='bridge'/><bridge name='br-ext'/></network>`)
    await f.driver.start(NS, 'ext')
    const mark = f.store.changes.lastId()
    const u1 = '11111111-2222-4333-8444-555555555501'
    const u2 = '11111111-2222-4333-8444-555555555502'
    await f.driver.ports.create(NS, 'ext', { port: parsePortInput(portXml(u1)) }, { plug: false, actor: 'api:carol' })
    await f.driver.ports.create(NS, 'ext', { port: parsePortInput(portXml(u2)) }, { plug: false })
    await f.driver.ports.delete(NS, 'ext', u1, { actor: 'api:carol' })
    await assert.rejects(f.driver.ports.delete(NS, 'ext', u1), /does not exist/)
    await f.driver.destroy(NS, 'ext', { actor: 'api:dave' })
    const recs = f.store.changes.list({ afterId: mark })
    assert.deepEqual(brief(recs), [
      `port.created ${u1} api:carol ok`,
      `port.created ${u2} ${f.store.actor} ok`,
      `port.deleted ${u1} api:carol ok`,
      `port.deleted ${u2} api:dave ok`,
      'network.stopped ext api:dave ok',
    ])
    assert.equal(recs[0]?.detail?.['network'], 'ext')
    assert.equal(recs[3]?.detail?.['reason'], 'network stopped')
    assert.deepEqual(f.store.changes.list({ afterId: mark, kinds: ['port.deleted'] }).map((r) => r.object), [u1, u2])
  } finally {
    f.close()
  }
})
