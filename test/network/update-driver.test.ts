/**
 * net-update in the network driver against in-memory services: what each section asks of the running network
 * (hosts files and SIGHUP, a dnsmasq restart, the firewall rebuilt, nothing), a failed restart putting the old
 * definition and dnsmasq back with nothing stored, refusals touching nothing, and the change record.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import { fixture, natXml, NS } from './fakes.js'

const req = (command: 'add-last' | 'add-first' | 'modify' | 'delete', section: Parameters<ReturnType<typeof fixture>['driver']['update']>[2]['section'], xml: string) =>
  ({ command, section, xml, parentIndex: -1 }) as const

test('DHCP host: hosts files written and SIGHUP, no restart; range: dnsmasq restarted and the firewall kept when its rules do not change', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('n', '10.5.1'))
    await f.driver.start(NS, 'n')
    const pid = f.world.daemons.get('n')?.pid
    f.world.calls.length = 0
    const r = await f.driver.update(NS, 'n', req('add-last', 'ip-dhcp-host', "<host mac='52:54:00:00:00:01' name='h1' ip='10.5.1.5'/>"))
    assert.deepEqual(r, { name: 'n', live: true, config: false, dnsmasq: 'reload', firewall: false })
    assert.deepEqual(f.world.calls, ['dnsmasq hosts n', `dnsmasq hup ${pid}`])
    assert.deepEqual(f.world.hostsFiles.get('n'), ['h1'])
    f.world.calls.length = 0
    const range = await f.driver.update(NS, 'n', req('add-first', 'ip-dhcp-range', "<range start='10.5.1.200' end='10.5.1.210'/>"))
    assert.equal(range.dnsmasq, 'restart')
    assert.deepEqual(f.world.calls, ['dnsmasq stop n', 'dnsmasq start n'])
    assert.notEqual(f.world.daemons.get('n')?.pid, pid)
    assert.equal(f.driver.info(NS, 'n').dnsmasqPid, f.world.daemons.get('n')?.pid)
    assert.equal(f.driver.info(NS, 'n').state, 'active')
    const kinds = f.store.changes.list({ afterId: 0, kinds: ['network.updated'] }).map((c) => [c.object, c.detail?.['section'], c.detail?.['dnsmasq']])
    assert.deepEqual(kinds, [['n', 'ip-dhcp-host', 'reload'], ['n', 'ip-dhcp-range', 'restart']])
  } finally {
    f.close()
  }
})

test('a dnsmasq that fails to restart: the old definition and a dnsmasq for it come back, nothing stored, the failure recorded', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('n', '10.5.2'))
    await f.driver.start(NS, 'n')
    const before = f.driver.dumpXml(NS, 'n')
    f.world.failNext('dhcp.start')
    await assert.rejects(
      f.driver.update(NS, 'n', req('add-last', 'dns-txt', "<txt name='t' value='v'/>")),
      (e: unknown) => e instanceof HostnetError && /injected failure: dhcp.start/.test(e.message),
    )
    assert.equal(f.driver.dumpXml(NS, 'n'), before)
    assert.equal(f.driver.info(NS, 'n').state, 'active')
    assert.ok(f.world.daemons.has('n'), 'a dnsmasq for the old definition runs')
    assert.equal(f.driver.info(NS, 'n').dnsmasqPid, f.world.daemons.get('n')?.pid)
    const last = f.store.changes.list({ afterId: 0, kinds: ['network.updated'] }).at(-1)
    assert.equal(last?.outcome, 'failed')
  } finally {
    f.close()
  }
})

test('refusals change nothing and call no service; portgroups and config-only updates touch no process', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('n', '10.5.3'))
    await f.driver.start(NS, 'n')
    const live = f.driver.dumpXml(NS, 'n')
    const mark = f.store.changes.lastId()
    f.world.calls.length = 0
    for (const [r, kind] of [
      [req('add-last', 'ip-dhcp-host', "<host mac='52:54:00:00:00:01' ip='10.9.9.9'/>"), 'invalid-argument'],
      [req('modify', 'ip-dhcp-range', "<range start='10.5.3.10' end='10.5.3.100'/>"), 'not-supported'],
      [req('delete', 'dns-host', "<host ip='10.5.3.7'/>"), 'conflict'],
      [req('add-last', 'ip', "<ip address='10.6.0.1' prefix='24'/>"), 'not-supported'],
      [{ ...req('add-last', 'ip-dhcp-host', "<host mac='52:54:00:00:00:01' ip='10.5.3.9'/>"), parentIndex: 4 }, 'conflict'],
    ] as const) {
      await assert.rejects(f.driver.update(NS, 'n', r), (e: unknown) => e instanceof HostnetError && e.kind === kind)
    }
    await assert.rejects(f.driver.update(NS, 'nosuch', req('add-last', 'portgroup', "<portgroup name='p'/>")), (e: unknown) => e instanceof HostnetError && e.kind === 'not-found')
    assert.deepEqual(f.world.calls, [])
    assert.equal(f.driver.dumpXml(NS, 'n'), live)
    assert.equal(f.store.changes.lastId(), mark)
    const pg = await f.driver.update(NS, 'n', req('add-last', 'portgroup', "<portgroup name='p'/>"))
    const cfg = await f.driver.update(NS, 'n', req('add-last', 'dns-txt', "<txt name='t' value='v'/>"), { config: true })
    assert.deepEqual([pg.dnsmasq, cfg.dnsmasq, cfg.live, cfg.config], ['none', 'none', false, true])
    assert.deepEqual(f.world.calls, [])
    assert.match(f.driver.dumpXml(NS, 'n', { inactive: true }), /<txt name='t' value='v'\/>/)
    assert.doesNotMatch(f.driver.dumpXml(NS, 'n'), /<txt/)
  } finally {
    f.close()
  }
})
