/**
 * The black-box Kimchi suite: every endpoint and error code of the Kimchi networking API (shared/specs/kimchi-api.md)
 * over HTTP, against any base URL: hostnet's facade in a sandbox (./blackbox.test.ts), or any Kimchi server given by
 * KIMCHI_URL (see ./blackbox.test.ts). It includes Kimchi's own test scenarios: a network lifecycle with a Unicode
 * name and with an XML-special name, renames answering 303 (the old URI 404), macvtap/bridge with more than one
 * interface (KCHNET0030E), networks used by a template or a guest that cannot be deleted or deactivated, guest NICs
 * created, changed and deleted with generated MACs. Everything it makes is named with `prefix`, and removed.
 * @module
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Answer, KimchiClient } from './client.js'
import { kpath } from './client.js'
import { until } from '../api/lab.js'

export interface SuiteTarget {
  /** An admin of the server. */
  admin: KimchiClient
  /** A user who is not an admin (HTTP Basic), when there is one. */
  user?: KimchiClient
  /** No credentials. */
  anonymous: KimchiClient
  /** The user's credentials for wok's /login (session cookie), when there is a user. */
  login?: { username: string; password: string }
  /** Host NICs without addresses that the suite may build networks on (at least 3). */
  nics: string[]
  /** Whether the target's kernel has 802.1q VLANs. */
  vlans: boolean
  /** Whether guests can be defined (a libvirt with QEMU behind the server). */
  guests: boolean
  /** Whether a started guest net-boots (iPXE asks for a DHCP lease), so that `ips` can be awaited. */
  guestsBoot: boolean
  /** Names of everything the suite creates start with this. */
  prefix: string
  /** The libvirt domain XML of a guest (`virsh dumpxml`, `--inactive` when asked), when the caller can read it. */
  domainXml?: (vm: string, inactive: boolean) => string
  /** Remove a network behind Kimchi's back (another tool), to see `invalid.networks` on a template. */
  removeNetworkElsewhere?: (name: string) => Promise<void>
  /** Make a device (a bridge) by hand on the target, and remove it (to see KCHNET0010E). */
  addLink?: (name: string) => void
  /** Give a host NIC an address by hand, and take it away (a network whose subnet then collides cannot start). */
  addAddress?: (dev: string, cidr: string) => void
  delAddress?: (dev: string, cidr: string) => void
  delLink?: (name: string) => void
  /** Make an Open vSwitch bridge on the target and return its name, when the target has Open vSwitch. */
  ovsBridge?: () => Promise<string>
  /** A network's libvirt XML as the server keeps it (hostnet: its API), when the caller can read it. */
  networkXml?: (name: string) => Promise<string>
  /**
   * Define and start, outside Kimchi, a network whose ports carry a virtualport, a VLAN tag and bandwidth
   * (hostnet: an OVS bridge network with <vlan>, and <bandwidth> in its default portgroup); returns its name and what the NIC XML must hold.
   */
  richNetwork?: () => Promise<{ name: string; expect: string[] }>
  /** Make a Linux bridge by hand on the target (as a user with ip or ifupdown would) and return its name. */
  handBridge?: () => Promise<string>
}

const NETWORK_KEYS = ['autostart', 'connection', 'dhcp', 'in_use', 'interfaces', 'name', 'persistent', 'state', 'subnet', 'vms']
const MAC_RE = /^52:54:00:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/

/** The `<interface>` element of domain XML with this MAC, or undefined. */
export function nicXml(domainXml: string, mac: string): string | undefined {
  for (const m of domainXml.matchAll(/<interface\b[\s\S]*?<\/interface>/g)) if (m[0].toLowerCase().includes(`<mac address='${mac.toLowerCase()}'/>`)) return m[0]
  return undefined
}

/** A wok error: the status, and a reason starting with the code. */
export function assertError(a: Answer, status: number, code: string, what = ''): void {
  assert.equal(a.status, status, `${what} ${code}: ${a.status} ${a.text}`)
  assert.equal(typeof a.json, 'object', `${what}: a JSON error body (${a.text})`)
  assert.equal(a.json.code, String(status), `${what}: "code" is the status as a string`)
  assert.ok(typeof a.json.reason === 'string' && a.json.reason.startsWith(`${code}: `), `${what}: reason starts with '${code}: ' (${a.json.reason})`)
}

function ok(a: Answer, status: number, what = ''): any {
  assert.equal(a.status, status, `${what}: ${a.status} ${a.text}`)
  return a.json
}

/** Register the suite's tests (node:test, run in order); `target()` is called once the `before` hooks ran. */
export function kimchiSuite(target: () => SuiteTarget | undefined, skip: string | false): void {
  let t: SuiteTarget
  const n = (s: string): string => `${t.prefix}${s}`
  const net = (name: string, ...rest: string[]): string => kpath('networks', name, ...rest)
  const made = { networks: new Set<string>(), templates: new Set<string>(), vms: new Set<string>() }

  async function createNet(body: Record<string, unknown>): Promise<any> {
    const a = await t.admin.post(kpath('networks'), body)
    const r = ok(a, 201, `create ${JSON.stringify(body)}`)
    made.networks.add(String(body['name']))
    return r
  }

  test('kimchi: the target is there', { skip }, () => {
    const got = target()
    assert.ok(got !== undefined, 'the suite has a target')
    t = got
    assert.ok(t.nics.length >= 3, 'three free NICs')
  })

  test('kimchi: authentication and admin-only methods (wok: 401 without credentials, 403 for users)', { skip }, async () => {
    const anon = await t.anonymous.get(kpath('networks'))
    assertError(anon, 401, 'WOKAUTH0002E', 'no credentials')
    assert.match(String(anon.headers['www-authenticate']), /^Basic /)
    // the UI's requests get no Basic challenge (no browser dialog)
    const ui = await t.anonymous.get(kpath('networks'), { headers: { 'x-requested-with': 'XMLHttpRequest' } })
    assert.equal(ui.status, 401)
    assert.equal(ui.headers['www-authenticate'], undefined)
    assert.equal((await t.anonymous.get(kpath('networks'), { auth: { user: 'nobody-here', password: 'wrong' } })).status, 401)
    if (t.user === undefined) return
    const u = t.user
    assert.ok(Array.isArray(ok(await u.get(kpath('networks')), 200, 'user lists networks')))
    assert.ok(Array.isArray(ok(await u.get(kpath('ovsbridges')), 200, 'ovsbridges are open')))
    assertError(await u.post(kpath('networks'), { name: n('denied'), connection: 'isolated' }), 403, 'WOKAPI0009E', 'user creates a network')
    assertError(await u.get(kpath('interfaces')), 403, 'WOKAPI0009E', 'user lists host interfaces')
    assertError(await u.get(kpath('interfaces', t.nics[0]!)), 403, 'WOKAPI0009E', 'user reads a host interface')
    assertError(await u.get(kpath('templates')), 403, 'WOKAPI0009E', 'user lists templates')
    assertError(await u.post(kpath('templates'), { name: n('denied'), source_media: { type: 'netboot' } }), 403, 'WOKAPI0009E', 'user creates a template')
    if (t.login !== undefined) {
      const li = await t.anonymous.post('/login', t.login)
      assert.equal(li.status, 200, li.text)
      const cookie = String(li.headers['set-cookie']?.[0] ?? '').split(';')[0]!
      assert.ok(cookie.includes('='), 'a session cookie')
      assert.equal((await t.anonymous.get(kpath('networks'), { auth: null, cookie })).status, 200)
      assertError(await t.anonymous.get(kpath('interfaces'), { auth: null, cookie }), 403, 'WOKAPI0009E', 'session of a user')
      assert.equal((await t.anonymous.post('/logout', {}, { auth: null, cookie })).status, 200)
      assert.equal((await t.anonymous.get(kpath('networks'), { auth: null, cookie })).status, 401, 'the session ended')
    }
  })

  test('kimchi: bodies that are not JSON (WOKAPI0006E), other content types (415 WOKAPI0007E), unknown URIs', { skip }, async () => {
    assertError(await t.admin.call('POST', kpath('networks'), { raw: '{"name": ', type: 'application/json' }), 400, 'WOKAPI0006E')
    assertError(await t.admin.call('POST', kpath('networks'), { raw: 'name=x', type: 'application/x-www-form-urlencoded' }), 415, 'WOKAPI0007E')
    assertError(await t.admin.call('POST', kpath('networks'), { raw: '<network/>', type: 'application/xml' }), 415, 'WOKAPI0007E')
    assertError(await t.admin.get(net(n('missing'))), 404, 'KCHNET0002E')
    assertError(await t.admin.del(net(n('missing'))), 404, 'KCHNET0002E')
    assertError(await t.admin.post(net(n('missing'), 'activate')), 404, 'KCHNET0002E')
    assertError(await t.admin.post(net(n('missing'), 'deactivate')), 404, 'KCHNET0002E')
    assertError(await t.admin.put(net(n('missing')), { name: n('x') }), 404, 'KCHNET0002E')
    assertError(await t.admin.get(kpath('interfaces', 'no-such-nic0')), 404, 'KCHIFACE0001E')
    assertError(await t.admin.get(kpath('templates', n('missing'))), 404, 'WOKOBJST0001E')
  })

  test("kimchi: networks_create's schema, code by code (strict connection enum, vlan_id an integer)", { skip }, async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'KCHNET0016E'],
      [{ name: n('x') }, 'KCHNET0016E'],
      [{ connection: 'nat' }, 'KCHNET0016E'],
      [{ name: '', connection: 'nat' }, 'KCHNET0011E'],
      [{ name: 'a/b', connection: 'nat' }, 'KCHNET0011E'],
      [{ name: 'a"b', connection: 'nat' }, 'KCHNET0011E'],
      [{ name: 7, connection: 'nat' }, 'KCHNET0011E'],
      [{ name: n('x'), connection: 'natural' }, 'KCHNET0012E'],
      [{ name: n('x'), connection: 'NAT' }, 'KCHNET0012E'],
      [{ name: n('x'), connection: 'foo' }, 'KCHNET0012E'],
      [{ name: n('x'), connection: 'nat', subnet: 24 }, 'KCHNET0013E'],
      [{ name: n('x'), connection: 'bridge', interfaces: 'eth0' }, 'KCHNET0014E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [] }, 'KCHNET0014E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [t.nics[0]], vlan_id: '10' }, 'KCHNET0015E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [t.nics[0]], vlan_id: 0 }, 'KCHNET0015E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [t.nics[0]], vlan_id: 4095 }, 'KCHNET0015E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [t.nics[0]], vlan_id: 1.5 }, 'KCHNET0015E'],
      // the model's checks
      [{ name: n('x'), connection: 'nat', subnet: 'not-a-subnet' }, 'KCHNET0003E'],
      [{ name: n('x'), connection: 'isolated', subnet: '10.0.0.0/31' }, 'KCHNET0003E'],
      [{ name: n('x'), connection: 'bridge' }, 'KCHNET0004E'],
      [{ name: n('x'), connection: 'macvtap' }, 'KCHNET0004E'],
      [{ name: n('x'), connection: 'macvtap', interfaces: [t.nics[0], t.nics[1]] }, 'KCHNET0030E'],
      [{ name: n('x'), connection: 'bridge', interfaces: [t.nics[0], t.nics[1]] }, 'KCHNET0030E'],
      [{ name: n('x'), connection: 'macvtap', interfaces: [t.nics[0]], vlan_id: 10 }, 'KCHNET0028E'],
      [{ name: n('x'), connection: 'vepa', interfaces: [t.nics[0]], vlan_id: 10 }, 'KCHNET0028E'],
      [{ name: n('x'), connection: 'passthrough', interfaces: ['no-such-nic0'] }, 'KCHNET0028E'],
      [{ name: n('x'), connection: 'bridge', interfaces: ['no-such-nic0'] }, 'KCHNET0007E'],
    ]
    for (const [body, code] of cases) assertError(await t.admin.post(kpath('networks'), body), 400, code, JSON.stringify(body))
    const list = ok(await t.admin.get(kpath('networks')), 200) as Array<{ name: string }>
    assert.ok(!list.some((x) => x.name === n('x')), 'nothing was created by a refused request')
  })

  for (const [label, suffix] of [
    ['a Unicode name', 'kīмсhī-пet'],
    ['an XML-special name', "<!nat-network>&'"],
  ] as const) {
    test(`kimchi: network lifecycle with ${label} (create 201 inactive+autostart, activate, refusals, deactivate, delete 204, 404)`, { skip }, async () => {
      const name = n(suffix)
      // the UI sends interfaces: [null] for nat/isolated; unknown keys are ignored
      const r = await createNet({ name, connection: 'nat', interfaces: [null], ui_extra: 1 })
      assert.deepEqual(Object.keys(r).sort(), NETWORK_KEYS)
      assert.equal(r.name, name)
      assert.equal(r.connection, 'nat')
      assert.equal(r.state, 'inactive')
      assert.equal(r.autostart, true)
      assert.equal(r.persistent, true)
      assert.equal(r.in_use, false)
      assert.deepEqual(r.vms, [])
      assert.match(r.subnet, /^\d+\.\d+\.\d+\.0\/24$/, 'a /24 picked automatically')
      const [a, b, c] = r.subnet.split('.')
      assert.deepEqual(r.dhcp, { start: `${a}.${b}.${c}.129`, end: `${a}.${b}.${c}.254` }, 'the upper half of the /24, as Kimchi meant it')
      assert.equal(r.interfaces.length, 1, 'the network bridge')
      assertError(await t.admin.post(kpath('networks'), { name, connection: 'isolated' }), 400, 'KCHNET0001E', 'same name again')
      const list = ok(await t.admin.get(kpath('networks')), 200) as Array<{ name: string }>
      assert.ok(list.some((x) => x.name === name))
      const names = list.map((x) => x.name)
      assert.deepEqual(names, [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'sorted by name')
      const on = ok(await t.admin.post(net(name, 'activate'), {}), 200, 'activate')
      assert.equal(on.state, 'active')
      assertError(await t.admin.del(net(name)), 400, 'KCHNET0005E', 'delete an active network')
      assertError(await t.admin.put(net(name), { name: n('other') }), 400, 'KCHNET0005E', 'update an active network')
      // a second network does not get the same address space
      const other = await createNet({ name: n(`${suffix}-2`), connection: 'isolated' })
      assert.notEqual(other.subnet, r.subnet)
      assert.equal(ok(await t.admin.del(net(n(`${suffix}-2`))), 204), undefined)
      const off = ok(await t.admin.post(net(name, 'deactivate'), {}), 200, 'deactivate')
      assert.equal(off.state, 'inactive')
      const del = await t.admin.del(net(name))
      assert.equal(del.status, 204, del.text)
      assert.equal(del.text, '')
      assertError(await t.admin.get(net(name)), 404, 'KCHNET0002E', 'after delete')
      made.networks.delete(name)
    })
  }

  test("kimchi: subnets given (normalised, gateway .1, DHCP in the upper half) and PUT's rules (303 on rename, old URI 404)", { skip }, async () => {
    const name = n('iso')
    const r = await createNet({ name, connection: 'isolated', subnet: '10.201.7.33/255.255.255.0' })
    assert.equal(r.subnet, '10.201.7.0/24')
    assert.equal(r.connection, 'isolated')
    assert.deepEqual(r.dhcp, { start: '10.201.7.129', end: '10.201.7.254' })
    const small = await createNet({ name: n('small'), connection: 'nat', subnet: '10.201.8.8/29' })
    assert.equal(small.subnet, '10.201.8.8/29')
    assert.deepEqual(small.dhcp, { start: '10.201.8.13', end: '10.201.8.14' })
    assertError(await t.admin.put(net(name), { connection: 'nat' }), 400, 'KCHAPI0001E', 'connection cannot change')
    assertError(await t.admin.put(net(name), { vlan_id: 5 }), 400, 'KCHNET0032E', 'vlan_id on isolated')
    assertError(await t.admin.put(net(name), { interfaces: [t.nics[0]] }), 400, 'KCHNET0032E', 'interfaces on isolated')
    assertError(await t.admin.put(net(name), { vlan_id: 'x' }), 400, 'KCHNET0015E')
    assertError(await t.admin.put(net(name), { name: n('small') }), 400, 'KCHNET0001E', 'rename onto another network')
    ok(await t.admin.get(net(name)), 200, 'the refused rename left the network')
    const same = ok(await t.admin.put(net(name), { subnet: '10.201.9.0/24' }), 200, 'a new subnet')
    assert.equal(same.subnet, '10.201.9.0/24')
    assert.deepEqual(same.dhcp, { start: '10.201.9.129', end: '10.201.9.254' })
    const renamed = n('iso-renamed «ü»')
    const mv = await t.admin.put(net(name), { name: renamed })
    assert.equal(mv.status, 303, mv.text)
    assert.equal(mv.headers['location'], net(renamed))
    made.networks.delete(name)
    made.networks.add(renamed)
    assertError(await t.admin.get(net(name)), 404, 'KCHNET0002E', 'the old URI')
    const now = ok(await t.admin.get(net(renamed)), 200)
    assert.equal(now.subnet, '10.201.9.0/24')
    assert.equal(now.autostart, true, 'autostart carried over')
    assertError(await t.admin.put(net(renamed), { subnet: 'bad' }), 400, 'KCHNET0003E', 'a failed update')
    assert.equal(ok(await t.admin.get(net(renamed)), 200, 'the original is back after a failed update').subnet, '10.201.9.0/24')
    if (t.addAddress !== undefined && t.delAddress !== undefined) {
      t.addAddress(t.nics[2]!, '10.201.9.1/24')
      try {
        assertError(await t.admin.post(net(renamed, 'activate'), {}), 500, 'KCHNET0022E', 'the subnet collides with a host address')
      } finally {
        t.delAddress(t.nics[2]!, '10.201.9.1/24')
      }
      assert.equal(ok(await t.admin.get(net(renamed)), 200).state, 'inactive')
    }
    for (const x of [renamed, n('small')]) {
      assert.equal((await t.admin.del(net(x))).status, 204)
      made.networks.delete(x)
    }
  })

  test('kimchi: host interfaces (keys, _inuse, regex filters) and macvtap, vepa, passthrough networks over them', { skip }, async () => {
    const [a, b, c] = t.nics as [string, string, string]
    const one = ok(await t.admin.get(kpath('interfaces', a)), 200)
    assert.deepEqual(Object.keys(one).sort(), ['ipaddr', 'module', 'name', 'netmask', 'status', 'type'])
    assert.equal(one.name, a)
    assert.equal(one.type, 'nic')
    assert.ok(['up', 'down'].includes(one.status), one.status)
    const all = ok(await t.admin.get(kpath('interfaces')), 200) as Array<{ name: string; type: string }>
    for (const x of [a, b, c]) assert.ok(all.some((i) => i.name === x), `${x} listed`)
    const nicsOnly = ok(await t.admin.get(`${kpath('interfaces')}?type=${encodeURIComponent('^nic|bonding|vlan$')}`), 200) as Array<{ type: string }>
    assert.ok(nicsOnly.length > 0 && nicsOnly.every((i) => ['nic', 'bonding', 'vlan'].includes(i.type)))
    const noMlx = ok(await t.admin.get(`${kpath('interfaces')}?_inuse=false&module=${encodeURIComponent('^(?!mlx5_core|mlx5-core).*$')}`), 200) as Array<{ name: string }>
    assert.ok(noMlx.some((i) => i.name === a))
    assertError(await t.admin.get(`${kpath('interfaces')}?_inuse=maybe`), 400, 'KCHIFACE0002E')

    const mv = await createNet({ name: n('mv'), connection: 'macvtap', interfaces: [a] })
    assert.equal(mv.connection, 'macvtap')
    assert.deepEqual(mv.interfaces, [a])
    const vepa = await createNet({ name: n('vepa'), connection: 'vepa', interfaces: [b, c] })
    assert.equal(vepa.connection, 'vepa')
    assert.deepEqual(vepa.interfaces, [b, c])
    assertError(await t.admin.post(kpath('networks'), { name: n('mv2'), connection: 'macvtap', interfaces: [a] }), 400, 'KCHNET0006E', 'a used interface')
    assertError(await t.admin.post(kpath('networks'), { name: n('pt'), connection: 'passthrough', interfaces: [c] }), 400, 'KCHNET0006E', 'a used interface')
    const used = ok(await t.admin.get(`${kpath('interfaces')}?_inuse=true`), 200) as Array<{ name: string }>
    const free = ok(await t.admin.get(`${kpath('interfaces')}?_inuse=false`), 200) as Array<{ name: string }>
    for (const x of [a, b, c]) {
      assert.ok(used.some((i) => i.name === x), `${x} in use`)
      assert.ok(!free.some((i) => i.name === x), `${x} not free`)
    }
    assertError(await t.admin.put(net(n('mv')), { subnet: '10.9.0.0/24' }), 400, 'KCHNET0031E', 'subnet on macvtap')
    // editing a multi-NIC VEPA network round-trips (#1008)
    const vepa2 = ok(await t.admin.put(net(n('vepa')), { interfaces: [c, b] }), 200)
    assert.deepEqual(vepa2.interfaces, [c, b])
    assert.equal((await t.admin.del(net(n('vepa')))).status, 204)
    made.networks.delete(n('vepa'))
    const pt = await createNet({ name: n('pt'), connection: 'passthrough', interfaces: [b, c] })
    assert.equal(pt.connection, 'passthrough')
    const filtered = ok(await t.admin.get(`${kpath('networks')}?connection=passthrough`), 200) as Array<{ name: string }>
    assert.ok(filtered.length >= 1 && filtered.every((x) => x.name !== n('mv')))
    const byRegex = ok(await t.admin.get(`${kpath('networks')}?name=${encodeURIComponent(`${t.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(mv|pt)$`)}`), 200) as Array<{ name: string }>
    assert.deepEqual(byRegex.map((x) => x.name), [n('mv'), n('pt')])
    for (const x of [n('mv'), n('pt')]) {
      assert.equal((await t.admin.del(net(x))).status, 204)
      made.networks.delete(x)
    }
    const back = ok(await t.admin.get(`${kpath('interfaces')}?_inuse=false`), 200) as Array<{ name: string }>
    for (const x of [a, b, c]) assert.ok(back.some((i) => i.name === x), `${x} free again`)
  })

  test('kimchi: bridged networks over a NIC (hostnet makes the bridge, kb<nic>), with a VLAN id, and over a hand-made bridge', { skip }, async () => {
    const a = t.nics[0]!
    const br = await createNet({ name: n('br'), connection: 'bridge', interfaces: [a] })
    assert.equal(br.connection, 'bridge')
    assert.deepEqual(br.interfaces, [`kb${a.slice(-13)}`])
    const listed = ok(await t.admin.get(kpath('interfaces')), 200) as Array<{ name: string; type: string }>
    assert.ok(!listed.some((i) => i.name === a), 'the NIC is a bridge port now')
    assertError(await t.admin.post(kpath('networks'), { name: n('br2'), connection: 'bridge', interfaces: [`kb${a.slice(-13)}`] }), 400, 'KCHNET0006E', "a network's bridge is in use")
    // PUT: the bridge is made again over its NIC, now with a VLAN (where the kernel has 802.1q)
    const tagged = await t.admin.put(net(n('br')), { vlan_id: 987 })
    if (t.vlans) assert.deepEqual(ok(tagged, 200).interfaces, [`kb${a.slice(-8)}-987`])
    else {
      assertError(tagged, 500, 'KCHNET0025E', 'no 802.1q in this kernel')
      assert.deepEqual(ok(await t.admin.get(net(n('br'))), 200).interfaces, [`kb${a.slice(-13)}`], 'the original network is back, with its bridge')
      assert.ok(!(ok(await t.admin.get(kpath('interfaces')), 200) as Array<{ name: string }>).some((i) => i.name === a), 'the NIC is a port of the bridge again')
    }
    assert.equal((await t.admin.del(net(n('br')))).status, 204)
    made.networks.delete(n('br'))
    const again = ok(await t.admin.get(kpath('interfaces', a)), 200)
    assert.equal(again.type, 'nic', 'the NIC is itself again')
    if (t.addLink !== undefined && t.delLink !== undefined) {
      const c = t.nics[2]!
      t.addLink(`kb${c.slice(-13)}`)
      try {
        assertError(await t.admin.post(kpath('networks'), { name: n('br3'), connection: 'bridge', interfaces: [c] }), 400, 'KCHNET0010E', 'the bridge name is taken')
      } finally {
        t.delLink(`kb${c.slice(-13)}`)
      }
      assertError(await t.admin.get(net(n('br3'))), 404, 'KCHNET0002E', 'nothing defined')
    }
    if (t.handBridge !== undefined) {
      const hand = await t.handBridge()
      const seen = ok(await t.admin.get(kpath('interfaces', hand)), 200)
      assert.equal(seen.type, 'bridge')
      assert.ok((ok(await t.admin.get(`${kpath('interfaces')}?_inuse=false`), 200) as Array<{ name: string }>).some((i) => i.name === hand), 'a hand-made bridge is offered')
      assertError(await t.admin.post(kpath('networks'), { name: n('hand'), connection: 'bridge', interfaces: [hand], vlan_id: 3 }), 400, 'KCHNET0019E', 'a VLAN over a bridge')
      const on = await createNet({ name: n('hand'), connection: 'bridge', interfaces: [hand] })
      assert.deepEqual(on.interfaces, [hand])
      assert.equal(ok(await t.admin.post(net(n('hand'), 'activate'), {}), 200).state, 'active')
      ok(await t.admin.post(net(n('hand'), 'deactivate'), {}), 200)
      assert.equal((await t.admin.del(net(n('hand')))).status, 204)
      made.networks.delete(n('hand'))
      ok(await t.admin.get(kpath('interfaces', hand)), 200, 'a bridge hostnet did not make stays')
    }
  })

  test('kimchi: ovsbridges is a plain list of names; a bridged network over an OVS bridge', { skip }, async () => {
    const a = ok(await t.admin.get(kpath('ovsbridges')), 200)
    assert.ok(Array.isArray(a) && a.every((x: unknown) => typeof x === 'string'))
    if (t.ovsBridge === undefined) return
    const ovs = await t.ovsBridge()
    assert.ok((ok(await t.admin.get(kpath('ovsbridges')), 200) as string[]).includes(ovs), `${ovs} listed`)
    assert.equal(ok(await t.admin.get(kpath('interfaces', ovs)), 200).type, 'bridge')
    const r = await createNet({ name: n('ovs'), connection: 'bridge', interfaces: [ovs] })
    assert.deepEqual([r.connection, r.interfaces], ['bridge', [ovs]])
    if (t.networkXml !== undefined) {
      const x = await t.networkXml(n('ovs'))
      assert.ok(x.includes(`<bridge name='${ovs}'/>`) && x.includes("<virtualport type='openvswitch'/>") && x.includes("<forward mode='bridge'/>"), x)
    }
    assert.equal(ok(await t.admin.post(net(n('ovs'), 'activate'), {}), 200).state, 'active')
    ok(await t.admin.post(net(n('ovs'), 'deactivate'), {}), 200)
    assert.equal((await t.admin.del(net(n('ovs')))).status, 204)
    made.networks.delete(n('ovs'))
    assert.ok((ok(await t.admin.get(kpath('ovsbridges')), 200) as string[]).includes(ovs), 'an OVS bridge hostnet did not make stays')
  })

  test("kimchi: templates' networks and interfaces (validation, s390x-only interfaces, in_use, clone, invalid.networks)", { skip }, async () => {
    const base = { source_media: { type: 'netboot' }, memory: { current: 512, maxmemory: 512 } }
    await createNet({ name: n('tnet'), connection: 'isolated' })
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: n('t'), networks: [n('tnet')] }, 'KCHAPI0001E'], // no source_media
      [{ name: n('t'), ...base, networks: n('tnet') }, 'KCHTMPL0017E'],
      [{ name: n('t'), ...base, networks: [5] }, 'WOKAPI0008E'],
      [{ name: n('t'), ...base, networks: [n('nonet')] }, 'KCHTMPL0003E'],
      [{ name: n('t'), ...base, interfaces: 'eth0' }, 'KCHTMPL0037E'],
      [{ name: n('t'), ...base, interfaces: [{ type: 'macvtap', name: t.nics[0] }] }, 'KCHTMPL0039E'],
      [{ name: n('t'), ...base, unknown_key: 1 }, 'KCHAPI0001E'],
    ]
    for (const [body, code] of cases) assertError(await t.admin.post(kpath('templates'), body), 400, code, JSON.stringify(body))
    const tp = await t.admin.post(kpath('templates'), { name: n('t'), ...base, networks: [n('tnet')] })
    assert.equal(tp.status, 201, tp.text)
    made.templates.add(n('t'))
    assert.deepEqual(tp.json.networks, [n('tnet')])
    assert.deepEqual(tp.json.invalid, {})
    assert.equal(tp.json.interfaces, undefined, 'no interfaces off s390x')
    assertError(await t.admin.post(kpath('templates'), { name: n('t'), ...base }), 400, 'KCHTMPL0001E')
    const used = ok(await t.admin.get(net(n('tnet'))), 200)
    assert.equal(used.in_use, true, 'a network used by a template is in use')
    assertError(await t.admin.del(net(n('tnet'))), 400, 'KCHNET0017E', 'delete a network a template uses')
    assert.ok(JSON.parse(JSON.stringify((await t.admin.del(net(n('tnet')))).json)).reason.includes(n('t')), 'the reason names the template')
    ok(await t.admin.post(net(n('tnet'), 'activate'), {}), 200)
    assertError(await t.admin.post(net(n('tnet'), 'deactivate'), {}), 400, 'KCHNET0018E', 'deactivate a network a template uses')
    assertError(await t.admin.put(kpath('templates', n('t')), { networks: [n('nonet')] }), 400, 'KCHTMPL0003E')
    assertError(await t.admin.put(kpath('templates', n('t')), { interfaces: [{ type: 'ovs', name: 'br0' }] }), 400, 'KCHTMPL0039E')
    assertError(await t.admin.put(kpath('templates', n('t')), { networks: 'x' }), 400, 'KCHTMPL0017E')
    const cl = await t.admin.post(kpath('templates', n('t'), 'clone'), {})
    assert.equal(cl.status, 303, cl.text)
    const cloneUri = String(cl.headers['location'])
    const cloneName = decodeURIComponent(cloneUri.split('/').pop()!)
    made.templates.add(cloneName)
    assert.deepEqual(ok(await t.admin.get(cloneUri), 200).networks, [n('tnet')])
    assert.equal((await t.admin.del(cloneUri)).status, 204)
    made.templates.delete(cloneName)
    const none = ok(await t.admin.put(kpath('templates', n('t')), { networks: [] }), 200)
    assert.deepEqual(none.networks, [])
    assert.equal(ok(await t.admin.get(net(n('tnet'))), 200).in_use, false, 'no longer used')
    ok(await t.admin.post(net(n('tnet'), 'deactivate'), {}), 200)
    if (t.removeNetworkElsewhere !== undefined) {
      ok(await t.admin.put(kpath('templates', n('t')), { networks: [n('tnet')] }), 200)
      await t.removeNetworkElsewhere(n('tnet'))
      made.networks.delete(n('tnet'))
      assert.deepEqual(ok(await t.admin.get(kpath('templates', n('t'))), 200).invalid, { networks: [n('tnet')] })
    } else {
      assert.equal((await t.admin.del(net(n('tnet')))).status, 204)
      made.networks.delete(n('tnet'))
    }
    assert.equal((await t.admin.del(kpath('templates', n('t')))).status, 204)
    made.templates.delete(n('t'))
    assertError(await t.admin.get(kpath('templates', n('t'))), 404, 'WOKOBJST0001E')
  })

  test('kimchi: guests from a template and their NICs (generated MACs, 303 on a MAC change, hot-plug, in use by a VM)', { skip }, async (tc) => {
    if (!t.guests) return tc.skip('no libvirt behind the server')
    const vm = n('vm')
    const vmIfaces = (...rest: string[]): string => kpath('vms', vm, 'ifaces', ...rest)
    await createNet({ name: n('gnat'), connection: 'nat' })
    await createNet({ name: n('giso'), connection: 'isolated' })
    ok(await t.admin.post(kpath('templates'), { name: n('gt'), source_media: { type: 'netboot' }, memory: { current: 512, maxmemory: 512 }, networks: [n('gnat')] }), 201, 'template')
    made.templates.add(n('gt'))
    assertError(await t.admin.post(kpath('vms'), { name: vm, template: kpath('templates', n('gt')) }), 400, 'KCHTMPL0007E', 'the network is inactive')
    ok(await t.admin.post(net(n('gnat'), 'activate'), {}), 200)
    const task = await t.admin.post(kpath('vms'), { name: vm, template: kpath('templates', n('gt')) })
    assert.equal(task.status, 202, task.text)
    made.vms.add(vm)
    assert.equal(task.json.target_uri, kpath('vms', vm))
    const vmRep = ok(await t.admin.get(kpath('vms', vm)), 200)
    assert.equal(vmRep.state, 'shutoff')
    const first = ok(await t.admin.get(vmIfaces()), 200) as Array<Record<string, any>>
    assert.equal(first.length, 1, 'one NIC per template network')
    assert.match(first[0]!['mac'], MAC_RE)
    assert.equal(first[0]!['type'], 'network')
    assert.equal(first[0]!['network'], n('gnat'))
    assert.deepEqual(first[0]!['ips'], [], 'no IPs while shut off')
    const gnatBridge = ok(await t.admin.get(net(n('gnat'))), 200).interfaces[0] as string
    const stored = (mac: string, inactive = true): string | undefined => nicXml(t.domainXml!(vm, inactive), mac)
    if (t.domainXml !== undefined) {
      // hostnet's port resolved the NIC: libvirt gets a bridge interface, not one of its own networks
      const x = stored(first[0]!['mac'])
      assert.ok(x !== undefined, 'the NIC is in the stored domain XML')
      assert.match(x, /^<interface type='bridge'>/)
      assert.ok(x.includes(`<source bridge='${gnatBridge}'/>`), x)
      assert.ok(x.includes("<model type='virtio'/>"), x)
      assert.ok(!t.domainXml(vm, true).includes("<interface type='network'>"), 'no libvirt network NIC')
    }
    const used = ok(await t.admin.get(net(n('gnat'))), 200)
    assert.deepEqual(used.vms, [vm])
    assert.equal(used.in_use, true)
    assertError(await t.admin.del(net(n('gnat'))), 400, 'KCHNET0017E', 'delete a network a VM uses')
    assertError(await t.admin.post(net(n('gnat'), 'deactivate'), {}), 400, 'KCHNET0018E', 'deactivate a network a VM uses')
    // the template no longer needs the network: the VM alone keeps it in use
    ok(await t.admin.put(kpath('templates', n('gt')), { networks: [] }), 200)
    assertError(await t.admin.post(net(n('gnat'), 'deactivate'), {}), 400, 'KCHNET0018E', 'still used by the VM')

    const refused: Array<[Record<string, unknown>, number, string]> = [
      [{}, 400, 'KCHVMIF0007E'],
      [{ network: n('gnat') }, 400, 'KCHVMIF0007E'],
      [{ type: 'foo', network: n('gnat') }, 400, 'KCHVMIF0004E'],
      [{ type: 'networks', network: n('gnat') }, 400, 'KCHVMIF0004E'],
      [{ type: 'network', network: 5 }, 400, 'KCHVMIF0005E'],
      [{ type: 'network', network: n('gnat'), model: 'vmxnet9' }, 400, 'KCHVMIF0006E'],
      [{ type: 'network', network: n('gnat'), mac: '52:54:00:zz:00:01' }, 400, 'KCHVMIF0010E'],
      [{ type: 'network', network: n('gnat'), source: 5 }, 400, 'KCHVMIF0016E'],
      [{ type: 'network', network: n('gnat'), mode: 'private' }, 400, 'KCHVMIF0017E'],
      [{ type: 'network' }, 400, 'KCHVMIF0007E'],
      [{ type: 'network', network: n('nonet') }, 400, 'KCHVMIF0002E'],
      [{ type: 'macvtap', source: t.nics[0] }, 400, 'KCHVMIF0012E'],
      [{ type: 'ovs', source: 'ovsbr0' }, 400, 'KCHVMIF0012E'],
      [{ type: 'network', network: n('gnat'), source: t.nics[0] }, 400, 'KCHVMIF0013E'],
      [{ type: 'network', network: n('gnat'), mac: first[0]!['mac'] }, 400, 'KCHVMIF0009E'],
    ]
    for (const [body, status, code] of refused) assertError(await t.admin.post(vmIfaces(), body), status, code, JSON.stringify(body))
    assertError(await t.admin.post(kpath('vms', n('novm'), 'ifaces'), { type: 'network', network: n('gnat') }), 404, 'KCHVM0002E')
    assertError(await t.admin.get(kpath('vms', n('novm'))), 404, 'KCHVM0002E')

    // create with a generated MAC ('' means generate; the UI's ips key is ignored), and with a given one
    const gen = await t.admin.post(vmIfaces(), { type: 'network', network: n('giso'), mac: '', ips: [] })
    assertError(gen, 400, 'HOSTNET0002E', 'a NIC on an inactive hostnet network needs it active for its port')
    ok(await t.admin.post(net(n('giso'), 'activate'), {}), 200)
    const g = ok(await t.admin.post(vmIfaces(), { type: 'network', network: n('giso'), mac: '', ips: [] }), 201, 'generated MAC')
    assert.match(g.mac, MAC_RE)
    assert.notEqual(g.mac, first[0]!['mac'])
    assert.equal(g.model, 'virtio')
    if (t.domainXml !== undefined) {
      const giso = ok(await t.admin.get(net(n('giso'))), 200).interfaces[0] as string
      assert.ok(stored(g.mac)?.includes(`<source bridge='${giso}'/>`), 'attached to the configuration, on the network bridge')
    }
    const given = ok(await t.admin.post(vmIfaces(), { type: 'network', network: n('giso'), mac: '52:54:00:0a:0b:0c', model: 'e1000' }), 201, 'given MAC')
    assert.deepEqual({ mac: given.mac, model: given.model, network: given.network, type: given.type }, { mac: '52:54:00:0a:0b:0c', model: 'e1000', network: n('giso'), type: 'network' })
    assert.deepEqual(ok(await t.admin.get(net(n('giso'))), 200).vms, [vm])
    assert.equal((ok(await t.admin.get(vmIfaces()), 200) as unknown[]).length, 3)
    // PUT: only the MAC, only shut off, 303 to the new URI
    assertError(await t.admin.put(vmIfaces('52:54:00:ff:ff:fe'), { mac: '52:54:00:01:01:01' }), 404, 'KCHVMIF0001E', 'unknown MAC')
    assertError(await t.admin.put(vmIfaces(given.mac), {}), 400, 'KCHVMIF0008E', 'no mac')
    assertError(await t.admin.put(vmIfaces(given.mac), { mac: 'nope' }), 400, 'KCHVMIF0010E', 'malformed mac')
    assertError(await t.admin.put(vmIfaces(given.mac), { mac: given.mac }), 400, 'KCHVMIF0009E', 'the same MAC')
    assertError(await t.admin.put(vmIfaces(given.mac), { mac: g.mac }), 400, 'KCHVMIF0009E', "another NIC's MAC")
    const moved = await t.admin.put(vmIfaces(given.mac), { mac: '52:54:00:0a:0b:0d' })
    assert.equal(moved.status, 303, moved.text)
    assert.equal(moved.headers['location'], vmIfaces('52:54:00:0a:0b:0d'))
    assertError(await t.admin.get(vmIfaces(given.mac)), 404, 'KCHVMIF0001E', 'the old MAC')
    const after = ok(await t.admin.get(vmIfaces('52:54:00:0a:0b:0d')), 200)
    assert.deepEqual([after.network, after.model], [n('giso'), 'e1000'])
    if (t.domainXml !== undefined) {
      const x = t.domainXml(vm, true)
      assert.ok(x.includes("<mac address='52:54:00:0a:0b:0d'/>") && !x.includes('52:54:00:0a:0b:0c'), 'libvirt stores the new MAC only')
    }
    assert.equal((await t.admin.del(vmIfaces('52:54:00:0a:0b:0d'))).status, 204)
    assertError(await t.admin.del(vmIfaces('52:54:00:0a:0b:0d')), 404, 'KCHVMIF0001E', 'deleted')
    assert.equal((await t.admin.del(vmIfaces(g.mac))).status, 204)
    // a NIC on a macvtap network: libvirt gets the direct interface of the port's pool device
    await createNet({ name: n('gmv'), connection: 'macvtap', interfaces: [t.nics[1]] })
    ok(await t.admin.post(net(n('gmv'), 'activate'), {}), 200)
    const mvNic = ok(await t.admin.post(vmIfaces(), { type: 'network', network: n('gmv') }), 201, 'NIC on a macvtap network')
    assert.deepEqual([mvNic.type, mvNic.network], ['network', n('gmv')])
    assert.deepEqual(ok(await t.admin.get(net(n('gmv'))), 200).vms, [vm])
    if (t.domainXml !== undefined) {
      const x = stored(mvNic.mac) ?? ''
      assert.ok(x.startsWith("<interface type='direct'>") && x.includes(`<source dev='${t.nics[1]}' mode='bridge'/>`), x)
    }
    assert.equal((await t.admin.del(vmIfaces(mvNic.mac))).status, 204)
    assert.deepEqual(ok(await t.admin.get(net(n('gmv'))), 200).vms, [], 'its port went with the NIC')
    ok(await t.admin.post(net(n('gmv'), 'deactivate'), {}), 200)
    if (t.richNetwork !== undefined) {
      const rich = await t.richNetwork()
      made.networks.add(rich.name)
      const nic = ok(await t.admin.post(vmIfaces(), { type: 'network', network: rich.name }), 201, 'NIC on a network with virtualport, VLAN and bandwidth')
      if (t.domainXml !== undefined) {
        const x = stored(nic.mac) ?? ''
        for (const want of rich.expect) assert.ok(x.includes(want), `${want} in ${x}`)
      }
      assert.equal((await t.admin.del(vmIfaces(nic.mac))).status, 204)
      ok(await t.admin.post(net(rich.name, 'deactivate'), {}), 200)
    }
    if (t.domainXml !== undefined) assert.equal(stored(g.mac), undefined, 'detached from the configuration')
    assert.deepEqual(ok(await t.admin.get(net(n('giso'))), 200).vms, [], 'no NIC on giso any more')

    // running: MAC changes refused, hot-plug and hot-unplug work
    const started = ok(await t.admin.post(kpath('vms', vm, 'start'), {}), 200)
    assert.equal(started.state, 'running')
    assertError(await t.admin.put(vmIfaces(first[0]!['mac']), { mac: '52:54:00:0a:0b:0e' }), 400, 'KCHVMIF0011E', 'MAC change while running')
    const hot = ok(await t.admin.post(vmIfaces(), { type: 'network', network: n('giso') }), 201, 'hot-plug')
    assert.match(hot.mac, MAC_RE)
    if (t.domainXml !== undefined) {
      assert.ok(stored(hot.mac, false)?.includes("<target dev='"), 'plugged into the running guest (a tap device)')
      assert.ok(stored(hot.mac, true) !== undefined, 'and into its configuration')
    }
    assert.equal((await t.admin.del(vmIfaces(hot.mac))).status, 204, 'hot-unplug')
    if (t.domainXml !== undefined) assert.equal(stored(hot.mac, true), undefined, 'unplugged from the configuration')
    if (t.guestsBoot) {
      const mac = first[0]!['mac'] as string
      const ips = await until('a DHCP lease of the net-booting guest', async () => {
        const i = ok(await t.admin.get(vmIfaces(mac)), 200)
        return (i.ips as string[]).length > 0 ? (i.ips as string[]) : undefined
      }, 90_000)
      const [a, b, c] = (ok(await t.admin.get(net(n('gnat'))), 200).subnet as string).split('.')
      assert.ok(ips.every((ip) => ip.startsWith(`${a}.${b}.${c}.`)), `${ips.join(',')} in the network's subnet`)
    }
    ok(await t.admin.post(kpath('vms', vm, 'poweroff'), {}), 200)
    assert.equal((await t.admin.del(kpath('vms', vm))).status, 204)
    made.vms.delete(vm)
    assertError(await t.admin.get(kpath('vms', vm)), 404, 'KCHVM0002E')
    assert.equal(ok(await t.admin.get(net(n('gnat'))), 200).in_use, false, 'the guest is gone: not in use')
    ok(await t.admin.post(net(n('gnat'), 'deactivate'), {}), 200)
    ok(await t.admin.post(net(n('giso'), 'deactivate'), {}), 200)
  })

  test('kimchi: the default network is always in use (cannot be deactivated or deleted)', { skip }, async () => {
    const got = await t.admin.get(net('default'))
    if (got.status === 404) return // none on this server (an s390x one, or hostnet without one)
    const d = ok(got, 200)
    assert.equal(d.in_use, true)
    assertError(await t.admin.del(net('default')), 400, 'KCHNET0017E')
    if (d.state === 'active') assertError(await t.admin.post(net('default', 'deactivate'), {}), 400, 'KCHNET0018E')
  })

  test('kimchi: clean-up (everything the suite made is gone)', { skip }, async () => {
    for (const vm of made.vms) await t.admin.del(kpath('vms', vm))
    for (const tp of made.templates) await t.admin.del(kpath('templates', tp))
    for (const name of made.networks) {
      await t.admin.post(net(name, 'deactivate'), {})
      await t.admin.del(net(name))
    }
    const left = ok(await t.admin.get(kpath('networks')), 200) as Array<{ name: string }>
    assert.deepEqual(left.filter((x) => x.name.startsWith(t.prefix)).map((x) => x.name), [])
  })
}

/**
 * Kimchi's s390x rules, for a server whose architecture is s390x (hostnet: `serve --kimchi-arch s390x`): template
 * `interfaces` (macvtap/ovs, validated item by item), no default networks, guest NICs of type macvtap and ovs with
 * a source (`direct` and `bridge` + openvswitch in the domain XML).
 */
export function kimchiS390Suite(target: () => SuiteTarget | undefined, skip: string | false): void {
  let t: SuiteTarget
  const n = (s: string): string => `${t.prefix}s390-${s}`

  test('kimchi s390x: no default networks, template interfaces validated and kept, console', { skip }, async () => {
    const got = target()
    assert.ok(got !== undefined)
    t = got
    const d = await t.admin.get(kpath('networks', 'default'))
    if (d.status === 200) assert.equal(d.json.in_use || d.json.vms.length > 0, d.json.vms.length > 0, 'default is not protected on s390x')
    const base = { source_media: { type: 'netboot' }, memory: { current: 512, maxmemory: 512 } }
    const cases: Array<[unknown, string]> = [
      ['eth0', 'KCHTMPL0037E'],
      [[{ type: 'foo', name: 'x' }], 'KCHTMPL0034E'],
      [[{ type: 'macvtap' }], 'KCHTMPL0038E'],
      [[{ type: 'macvtap', name: 5 }], 'KCHTMPL0035E'],
      [[{ type: 'macvtap', name: t.nics[1], mode: 'private' }], 'KCHTMPL0036E'],
      [[{ type: 'ovs', name: 'ovsbr0', extra: 1 }], 'KCHTMPL0038E'],
    ]
    for (const [interfaces, code] of cases) assertError(await t.admin.post(kpath('templates'), { name: n('t'), ...base, interfaces }), 400, code, JSON.stringify(interfaces))
    const interfaces = [{ type: 'macvtap', name: t.nics[1], mode: 'bridge' }, { type: 'ovs', name: 'ovsbr0' }]
    const tp = await t.admin.post(kpath('templates'), { name: n('t'), ...base, interfaces })
    assert.equal(tp.status, 201, tp.text)
    assert.deepEqual(tp.json.networks, [], 'no default networks on s390x')
    assert.deepEqual(tp.json.interfaces, interfaces)
    assert.equal(typeof tp.json.console, 'string')
  })

  test('kimchi s390x: a guest from the template, macvtap and ovs NICs (KCHVMIF0014E, KCHVMIF0015E), domain XML', { skip }, async (tc) => {
    if (!t.guests) {
      await t.admin.del(kpath('templates', n('t')))
      return tc.skip('no libvirt behind the server')
    }
    const vm = n('vm')
    const ifaces = (...rest: string[]): string => kpath('vms', vm, 'ifaces', ...rest)
    try {
      assert.equal((await t.admin.post(kpath('vms'), { name: vm, template: kpath('templates', n('t')) })).status, 202)
      const list = ok(await t.admin.get(ifaces()), 200) as Array<Record<string, unknown>>
      const strip = (i: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(i).filter(([k]) => k !== 'mac' && k !== 'model'))
      assert.deepEqual(list.map(strip), [
        { type: 'macvtap', source: t.nics[1], mode: 'bridge' },
        { type: 'ovs', source: 'ovsbr0' },
      ])
      for (const i of list) assert.match(String(i['mac']), MAC_RE)
      if (t.domainXml !== undefined) {
        const x = t.domainXml(vm, true)
        assert.match(nicXml(x, String(list[0]!['mac'])) ?? '', new RegExp(`^<interface type='direct'>[\\s\\S]*<source dev='${t.nics[1]}' mode='bridge'/>`))
        const ovs = nicXml(x, String(list[1]!['mac'])) ?? ''
        assert.ok(ovs.startsWith("<interface type='bridge'>") && ovs.includes("<source bridge='ovsbr0'/>") && ovs.includes("<virtualport type='openvswitch'"), ovs)
      }
      assertError(await t.admin.post(ifaces(), { type: 'macvtap' }), 400, 'KCHVMIF0015E')
      assertError(await t.admin.post(ifaces(), { type: 'ovs', source: '' }), 400, 'KCHVMIF0015E')
      assertError(await t.admin.post(ifaces(), { type: 'network', network: 'default', source: t.nics[2] }), 400, 'KCHVMIF0014E')
      const mv = ok(await t.admin.post(ifaces(), { type: 'macvtap', source: t.nics[2], mode: 'vepa' }), 201, 'macvtap NIC')
      assert.deepEqual([mv.type, mv.source, mv.mode, mv.network], ['macvtap', t.nics[2], 'vepa', undefined])
      const ov = ok(await t.admin.post(ifaces(), { type: 'ovs', source: 'ovsbr1', model: 'virtio' }), 201, 'ovs NIC')
      assert.deepEqual([ov.type, ov.source, ov.model], ['ovs', 'ovsbr1', 'virtio'])
      if (t.domainXml !== undefined) {
        const x = t.domainXml(vm, true)
        assert.ok(nicXml(x, mv.mac)?.includes(`<source dev='${t.nics[2]}' mode='vepa'/>`))
        assert.ok(nicXml(x, ov.mac)?.includes("<source bridge='ovsbr1'/>"))
      }
      for (const mac of [mv.mac, ov.mac]) assert.equal((await t.admin.del(ifaces(mac))).status, 204)
      if (t.domainXml !== undefined) for (const mac of [mv.mac, ov.mac]) assert.equal(nicXml(t.domainXml(vm, true), mac), undefined)
    } finally {
      await t.admin.del(kpath('vms', vm))
      await t.admin.del(kpath('templates', n('t')))
    }
  })
}
