/**
 * fast-check arbitraries for host-interface planning: random desired documents over a fixed universe of names
 * (each name has a fixed type, so documents never change types), on top of a small host with four ethernets.
 * Many generated documents are invalid on purpose; property tests skip those the planner refuses.
 */
import fc from 'fast-check'
import type { BondMode, BridgeOptions, BridgePortOptions, Iface, IfaceType, IpAddress, MacvlanMode } from '../../src/model/host/iface.js'
import type { Route } from '../../src/model/host/route.js'
import type { DesiredState, HostState } from '../../src/model/host/state.js'

export const HOST: HostState = {
  interfaces: [
    { name: 'lo', type: 'loopback', state: 'up', mtu: 65536, mac: '00:00:00:00:00:00', controller: null, ipv4: { addresses: [{ ip: '127.0.0.1', prefixLength: 8 }] } },
    { name: 'eth0', type: 'ethernet', state: 'up', mtu: 1500, mac: '52:54:00:00:00:10', controller: null, ipv4: { addresses: [{ ip: '192.0.2.10', prefixLength: 24 }] } },
    { name: 'eth1', type: 'ethernet', state: 'up', mtu: 1500, mac: '52:54:00:00:00:11', controller: null },
    { name: 'eth2', type: 'ethernet', state: 'up', mtu: 9000, mac: '52:54:00:00:00:12', controller: null },
    { name: 'eth3', type: 'ethernet', state: 'down', mtu: 1500, mac: '52:54:00:00:00:13', controller: null },
  ],
  routes: [{ destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'eth0', metric: 0, tableId: 254 }],
}

/** name → type, and for children the bases they may sit on. */
const UNIVERSE: ReadonlyArray<{ name: string; type: IfaceType; bases?: string[]; peer?: string }> = [
  { name: 'eth1', type: 'ethernet' },
  { name: 'eth2', type: 'ethernet' },
  { name: 'eth3', type: 'ethernet' },
  { name: 'br0', type: 'linux-bridge' },
  { name: 'br1', type: 'linux-bridge' },
  { name: 'bond0', type: 'bond' },
  { name: 'va', type: 'veth', peer: 'vb' },
  { name: 'vb', type: 'veth', peer: 'va' },
  { name: 'vc', type: 'veth', peer: 'vd' },
  { name: 'vd', type: 'veth', peer: 'vc' },
  { name: 'vl10', type: 'vlan', bases: ['eth1', 'bond0', 'br0'] },
  { name: 'vl20', type: 'vlan', bases: ['eth2', 'br1', 'vl10'] },
  { name: 'mv0', type: 'mac-vlan', bases: ['eth1', 'br0'] },
  { name: 'mt0', type: 'mac-vtap', bases: ['eth2', 'bond0'] },
  { name: 'vx0', type: 'vxlan', bases: ['eth0'] },
  { name: 'd0', type: 'dummy' },
  { name: 'd1', type: 'dummy' },
  { name: 'vrf0', type: 'vrf' },
  { name: 'tap0', type: 'tap' },
]
const CONTROLLERS = ['br0', 'br1', 'bond0', 'vrf0']
/** Types whose creation needs their section (mostly given, sometimes left out to test partial edits). */
const NEEDS_SECTION = new Set<IfaceType>(['veth', 'vlan', 'mac-vlan', 'mac-vtap', 'vxlan', 'vrf'])
const PORT_CAPABLE = new Set(['eth1', 'eth2', 'eth3', 'va', 'vc', 'd0', 'd1', 'tap0', 'vl10', 'vl20', 'bond0', 'mv0'])

/** Per-interface subnet, so that addresses never collide across interfaces. */
function subnetOf(name: string): number {
  return UNIVERSE.findIndex((u) => u.name === name) + 1
}

function addressesArb(name: string): fc.Arbitrary<{ v4: IpAddress[]; v6: IpAddress[] }> {
  const n = subnetOf(name)
  const v4 = [1, 2, 3].map((h): IpAddress => ({ ip: `10.${n}.0.${h}`, prefixLength: 24 }))
  const v6 = [1, 2].map((h): IpAddress => ({ ip: `fd00:${n}::${h}`, prefixLength: 64 }))
  return fc.record({ v4: fc.subarray(v4), v6: fc.subarray(v6) })
}

const maybe = <T>(a: fc.Arbitrary<T>, freq = 1): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq })

/** A plain object without undefined values (fast-check records may have a null prototype). */
function plain<T extends object>(o: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out as T
}

function sectionArb(u: (typeof UNIVERSE)[number]): fc.Arbitrary<Partial<Iface>> {
  switch (u.type) {
    case 'linux-bridge':
      return fc.record({ stp: maybe(fc.boolean()), priority: maybe(fc.constantFrom(4096, 32768)), macAgeingTimeSec: maybe(fc.constantFrom(0, 300)) }, { requiredKeys: [] })
        .map((o): Partial<Iface> => ({ bridge: { options: plain(o) as BridgeOptions } }))
    case 'bond':
      return fc.record({ mode: maybe(fc.constantFrom<BondMode>('active-backup', '802.3ad')), miimon: maybe(fc.constantFrom(100, 200)) })
        .map(({ mode, miimon }): Partial<Iface> => ({ bond: { ...(mode ? { mode } : {}), ...(miimon ? { options: { miimon } } : {}) } }))
    case 'vlan':
      return fc.record({ base: fc.constantFrom(...u.bases!), id: fc.constantFrom(10, 11, 20) }).map(({ base, id }) => ({ vlan: { baseIface: base, id } }))
    case 'mac-vlan':
    case 'mac-vtap':
      return fc.record({ base: fc.constantFrom(...u.bases!), mode: fc.constantFrom<MacvlanMode>('bridge', 'vepa', 'private') }).map(({ base, mode }) => ({ macvlan: { baseIface: base, mode } }))
    case 'vxlan':
      return fc.record({ id: fc.constantFrom(100, 101), remote: fc.constantFrom('198.51.100.7', '198.51.100.8') }).map(({ id, remote }) => ({ vxlan: { id, remote, baseIface: 'eth0', destinationPort: 4789 } }))
    case 'veth':
      return fc.constant({ veth: { peer: u.peer! } })
    case 'vrf':
      return fc.constantFrom(10, 20).map((tableId) => ({ vrf: { tableId } }))
    case 'tap':
      return fc.record({ mode: fc.constantFrom<'tap' | 'tun'>('tap', 'tun'), multiQueue: fc.boolean() }).map((tap) => ({ tap: plain(tap) }))
    default:
      return fc.constant({})
  }
}

const portOptionsArb: fc.Arbitrary<BridgePortOptions> = fc
  .record({ hairpin: fc.boolean(), isolated: fc.boolean(), stpPathCost: fc.constantFrom(10, 100) }, { requiredKeys: [] })
  .map((o) => plain(o))

function presentArb(u: (typeof UNIVERSE)[number]): fc.Arbitrary<Iface> {
  const isChild = u.bases !== undefined
  return fc
    .record({
      state: maybe(fc.constantFrom<'up' | 'down'>('up', 'down')),
      mtu: maybe(isChild ? fc.constant(1400) : fc.constantFrom(1400, 1500, 9000), 2),
      mac: maybe(fc.integer({ min: 1, max: 250 }).map((b) => `02:00:00:00:00:${b.toString(16).padStart(2, '0')}`), 4),
      controller: PORT_CAPABLE.has(u.name) ? maybe(fc.constantFrom<string | null>(null, ...CONTROLLERS.filter((c) => c !== u.name)), 2) : fc.constant(undefined),
      bridgePort: maybe(portOptionsArb, 4),
      addrs: maybe(addressesArb(u.name), 2),
      section: maybe(sectionArb(u), NEEDS_SECTION.has(u.type) ? 25 : 2),
    })
    .map((r) => {
      const i: Iface = { name: u.name, type: u.type, ...(r.section ?? {}) }
      if (r.state !== undefined) i.state = r.state
      if (r.mtu !== undefined) i.mtu = r.mtu
      if (r.mac !== undefined) i.mac = r.mac
      if (r.controller !== undefined) i.controller = r.controller
      if (r.bridgePort !== undefined && r.controller !== undefined && r.controller !== null && r.controller.startsWith('br')) i.bridgePort = r.bridgePort
      if (r.addrs !== undefined) {
        i.ipv4 = { enabled: true, addresses: r.addrs.v4 }
        i.ipv6 = { enabled: true, addresses: r.addrs.v6 }
      }
      return i
    })
}

function entryArb(u: (typeof UNIVERSE)[number]): fc.Arbitrary<Iface | undefined> {
  const absent = fc.constant<Iface>({ name: u.name, type: u.type, state: 'absent' })
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: u.type === 'ethernet' ? 0 : 1, arbitrary: absent },
    { weight: 4, arbitrary: presentArb(u) },
  )
}

function routesArb(): fc.Arbitrary<Route[]> {
  const templates: Route[] = [
    { destination: '10.200.0.0/16', nextHopAddress: '192.0.2.254', nextHopInterface: 'eth0' },
    { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'eth0', state: 'absent' },
    { destination: '10.201.0.0/16', nextHopAddress: `10.${subnetOf('br0')}.0.254`, nextHopInterface: 'br0' },
    { destination: '10.202.0.0/16', nextHopInterface: 'd0' },
    { destination: 'fd99::/64', nextHopAddress: 'fe80::1', nextHopInterface: 'va' },
    { destination: '*', nextHopInterface: 'br0', state: 'absent' },
  ]
  return fc.subarray(templates)
}

/** Entries a base or controller needs to exist when a document names it (what creating it takes). */
function minimalEntry(name: string): Iface | undefined {
  const u = UNIVERSE.find((x) => x.name === name)
  if (u === undefined || u.type === 'ethernet') return undefined
  if (u.type === 'vlan') return { name, type: 'vlan', vlan: { baseIface: u.bases![0]!, id: 30 } }
  if (u.type === 'vrf') return { name, type: 'vrf', vrf: { tableId: 10 } }
  return { name, type: u.type }
}

/** Make most documents self-contained: add the controllers and bases they name, drop routes via unnamed links. */
function repair(list: Iface[], routes: Route[]): { interfaces: Iface[]; routes: Route[] } {
  const byName = new Map(list.map((i) => [i.name, i]))
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!
    if (i.state === 'absent') continue
    const base = i.vlan?.baseIface ?? i.macvlan?.baseIface
    for (const need of [i.controller ?? undefined, base]) {
      if (need === undefined || (byName.has(need) && byName.get(need)!.state !== 'absent')) continue
      const e = minimalEntry(need)
      if (e === undefined) continue
      const at = list.findIndex((x) => x.name === need)
      if (at >= 0) list[at] = e
      else list.push(e)
      byName.set(need, e)
    }
  }
  const kept = routes.filter((r) => r.nextHopInterface === 'eth0' || r.state === 'absent' || (byName.get(r.nextHopInterface!)?.state ?? 'absent') !== 'absent')
  return { interfaces: list, routes: kept }
}

/** A random desired document (often invalid). Documents list their interfaces in a random order. */
export const desiredArb: fc.Arbitrary<DesiredState> = fc
  .record({ entries: fc.tuple(...UNIVERSE.map(entryArb)), routes: routesArb(), order: fc.nat() })
  .map(({ entries, routes: rs, order }) => {
    const { interfaces: list, routes } = repair(entries.filter((e): e is Iface => e !== undefined), rs)
    const k = list.length === 0 ? 0 : order % list.length
    const interfaces = [...list.slice(k), ...list.slice(0, k)]
    return routes.length === 0 ? { interfaces } : { interfaces, routes: { config: routes } }
  })
