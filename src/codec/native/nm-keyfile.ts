/**
 * NetworkManager keyfiles: one `NAME.nmconnection` per interface (under /etc/NetworkManager/system-connections,
 * mode 0600), matched by interface name; ports name their controller and port type and carry no IP settings.
 * The connection UUID is derived from the interface name, so the same document gives the same files.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { bondOptions, cannotExpress, cidr, isDefaultRoute, type IfaceView, type NativeFile } from './view.js'

type Keys = Array<[string, string | number | boolean | undefined]>

const NM_TYPE: Partial<Record<Iface['type'], string>> = {
  ethernet: 'ethernet',
  veth: 'veth',
  'linux-bridge': 'bridge',
  bond: 'bond',
  vlan: 'vlan',
  'mac-vlan': 'macvlan',
  'mac-vtap': 'macvlan',
  vxlan: 'vxlan',
  dummy: 'dummy',
  vrf: 'vrf',
  tap: 'tun',
}

const MACVLAN_MODE: Record<string, number> = { vepa: 1, bridge: 2, private: 3, passthru: 4, source: 5 }

/** A stable UUID (version 4 layout) from the name: FNV-1a over the name with four seeds. */
export function nameUuid(name: string): string {
  const words = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x7f4a7c15].map((seed) => {
    let h = seed >>> 0
    for (const ch of `hostnet:${name}`) {
      h ^= ch.codePointAt(0) as number
      h = Math.imul(h, 0x01000193) >>> 0
    }
    return h.toString(16).padStart(8, '0')
  })
  const hex = words.join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function section(name: string, keys: Keys): string {
  const kept = keys.filter(([, v]) => v !== undefined)
  return kept.length === 0 ? '' : `[${name}]\n${kept.map(([k, v]) => `${k}=${String(v)}`).join('\n')}\n\n`
}

function typeSection(i: Iface): string {
  switch (i.type) {
    case 'linux-bridge': {
      const o = i.bridge?.options ?? {}
      return section('bridge', [['stp', o.stp], ['forward-delay', o.forwardDelaySec], ['hello-time', o.helloTimeSec], ['max-age', o.maxAgeSec], ['priority', o.priority], ['ageing-time', o.macAgeingTimeSec], ['multicast-snooping', o.multicastSnooping], ['vlan-filtering', o.vlanFiltering]])
    }
    case 'bond':
      return section('bond', [['mode', i.bond?.mode], ...bondOptions(i)])
    case 'vlan':
      return section('vlan', [['id', i.vlan?.id], ['parent', i.vlan?.baseIface], ['protocol', i.vlan?.protocol === '802.1ad' ? '802.1ad' : undefined]])
    case 'mac-vlan':
    case 'mac-vtap':
      return section('macvlan', [['mode', i.macvlan?.mode === undefined ? undefined : MACVLAN_MODE[i.macvlan.mode]], ['parent', i.macvlan?.baseIface], ['tap', i.type === 'mac-vtap' ? true : undefined]])
    case 'vxlan': {
      const x = i.vxlan ?? {}
      return section('vxlan', [['id', x.id], ['remote', x.remote ?? x.group], ['local', x.local], ['destination-port', x.destinationPort], ['parent', x.baseIface], ['learning', x.learning]])
    }
    case 'vrf':
      return section('vrf', [['table', i.vrf?.tableId]])
    case 'veth':
      return section('veth', [['peer', i.veth?.peer]])
    case 'tap':
      return section('tun', [['mode', i.tap?.mode === 'tun' ? 1 : 2], ['multi-queue', i.tap?.multiQueue], ['owner', i.tap?.owner], ['group', i.tap?.group]])
    default:
      return ''
  }
}

function ipSection(family: 'ipv4' | 'ipv6', v: IfaceView): string {
  const addrs = family === 'ipv4' ? v.v4 : v.v6
  const dhcp = family === 'ipv4' ? v.dhcp4 : v.dhcp6
  const cfg = family === 'ipv4' ? v.iface.ipv4 : v.iface.ipv6
  const routes = v.routes.filter((r) => r.destination.includes(':') === (family === 'ipv6'))
  const keys: Keys = [['method', dhcp ? 'auto' : addrs.length > 0 ? 'manual' : cfg?.enabled === true || routes.length > 0 ? 'link-local' : 'disabled']]
  if (family === 'ipv4' && keys[0]?.[1] === 'link-local') keys[0] = ['method', routes.length > 0 ? 'manual' : 'disabled']
  addrs.forEach((a, n) => keys.push([`address${n + 1}`, cidr(a)]))
  let n = 0
  for (const r of routes) {
    if (isDefaultRoute(r) && r.tableId === undefined) {
      keys.push(['gateway', r.nextHopAddress])
      continue
    }
    n++
    keys.push([`route${n}`, [r.destination, r.nextHopAddress ?? '', r.metric ?? ''].join(',').replace(/,+$/, '')])
    if (r.tableId !== undefined) keys.push([`route${n}_options`, `table=${r.tableId}`])
  }
  return section(family, keys)
}

export function renderNmKeyfiles(views: readonly IfaceView[]): NativeFile[] {
  return views.map((v) => {
    const i = v.iface
    const type = NM_TYPE[i.type] ?? cannotExpress('nm-keyfile', i)
    const port = v.controller !== undefined && (v.controllerType === 'linux-bridge' || v.controllerType === 'bond' || v.controllerType === 'vrf')
    let text = section('connection', [
      ['id', i.name],
      ['uuid', nameUuid(i.name)],
      ['type', type],
      ['interface-name', i.name],
      ['autoconnect', i.state === 'down' ? false : undefined],
      ['controller', port ? v.controller : undefined],
      ['port-type', port ? (v.controllerType === 'linux-bridge' ? 'bridge' : v.controllerType) : undefined],
    ])
    text += section('ethernet', [['mtu', i.mtu], ['cloned-mac-address', i.mac]])
    text += typeSection(i)
    const bp = v.bridgePort
    if (bp !== undefined && v.controllerType === 'linux-bridge') text += section('bridge-port', [['hairpin-mode', bp.hairpin], ['path-cost', bp.stpPathCost], ['priority', bp.stpPriority]])
    if (!port) text += ipSection('ipv4', v) + ipSection('ipv6', v)
    return { path: `${i.name}.nmconnection`, text: text.replace(/\n\n$/, '\n') }
  })
}
