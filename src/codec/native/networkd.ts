/**
 * systemd-networkd: a `.netdev` per virtual device and a `.network` per interface (under /etc/systemd/network).
 * A child (VLAN, MACVLAN, MACVTAP, VXLAN) is named in its base's `.network`, a port's controller in its own.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { bondOptions, cannotExpress, cidr, type IfaceView, type NativeFile } from './view.js'

type Section = [string, Array<[string, string | number | boolean | undefined]>]

const yn = (b: boolean): string => (b ? 'yes' : 'no')

function render(sections: readonly Section[]): string {
  return sections
    .map(([name, keys]) => [name, keys.filter(([, v]) => v !== undefined)] as const)
    .filter(([, keys]) => keys.length > 0)
    .map(([name, keys]) => `[${name}]\n${keys.map(([k, v]) => `${k}=${typeof v === 'boolean' ? yn(v) : String(v)}`).join('\n')}\n`)
    .join('\n')
}

const BOND_KEYS: Record<string, [string, (v: string) => string]> = {
  miimon: ['MIIMonitorSec', (v) => `${v}ms`],
  updelay: ['UpDelaySec', (v) => `${v}ms`],
  downdelay: ['DownDelaySec', (v) => `${v}ms`],
  xmit_hash_policy: ['TransmitHashPolicy', (v) => v],
  lacp_rate: ['LACPTransmitRate', (v) => v],
  ad_select: ['AdSelect', (v) => v],
  arp_interval: ['ARPIntervalSec', (v) => `${v}ms`],
  arp_ip_target: ['ARPIPTargets', (v) => v.split(',').join(' ')],
  min_links: ['MinLinks', (v) => v],
  fail_over_mac: ['FailOverMACPolicy', (v) => v],
  primary_reselect: ['PrimaryReselectPolicy', (v) => v],
}

function kindSections(i: Iface): Section[] | undefined {
  switch (i.type) {
    case 'linux-bridge': {
      const o = i.bridge?.options ?? {}
      return [['Bridge', [['STP', o.stp], ['ForwardDelaySec', o.forwardDelaySec], ['HelloTimeSec', o.helloTimeSec], ['MaxAgeSec', o.maxAgeSec], ['Priority', o.priority], ['AgeingTimeSec', o.macAgeingTimeSec], ['MulticastSnooping', o.multicastSnooping], ['VLANFiltering', o.vlanFiltering]]]]
    }
    case 'bond': {
      const keys: Section[1] = [['Mode', i.bond?.mode]]
      for (const [k, v] of bondOptions(i)) {
        if (k === 'primary') continue // PrimarySlave= on the port's .network
        const m = BOND_KEYS[k]
        if (m === undefined) cannotExpress('networkd', i, `bond option '${k}'`)
        keys.push([m[0], m[1](v)])
      }
      return [['Bond', keys]]
    }
    case 'vlan':
      return [['VLAN', [['Id', i.vlan?.id], ['Protocol', i.vlan?.protocol === '802.1ad' ? '802.1ad' : undefined]]]]
    case 'mac-vlan':
    case 'mac-vtap':
      return [[i.type === 'mac-vlan' ? 'MACVLAN' : 'MACVTAP', [['Mode', i.macvlan?.mode === 'passthru' ? 'passthru' : i.macvlan?.mode]]]]
    case 'vxlan': {
      const x = i.vxlan ?? {}
      return [['VXLAN', [['VNI', x.id], ['Remote', x.remote], ['Local', x.local], ['Group', x.group], ['DestinationPort', x.destinationPort], ['MacLearning', x.learning]]]]
    }
    case 'vrf':
      return [['VRF', [['Table', i.vrf?.tableId]]]]
    case 'veth':
      return [['Peer', [['Name', i.veth?.peer]]]]
    case 'tap':
      return [[i.tap?.mode === 'tun' ? 'Tun' : 'Tap', [['MultiQueue', i.tap?.multiQueue], ['User', i.tap?.owner], ['Group', i.tap?.group]]]]
    case 'dummy':
      return []
    default:
      return undefined
  }
}

const NETDEV_KIND: Partial<Record<Iface['type'], string>> = {
  'linux-bridge': 'bridge',
  bond: 'bond',
  vlan: 'vlan',
  'mac-vlan': 'macvlan',
  'mac-vtap': 'macvtap',
  vxlan: 'vxlan',
  vrf: 'vrf',
  veth: 'veth',
  dummy: 'dummy',
}

const CHILD_KEY: Partial<Record<Iface['type'], string>> = { vlan: 'VLAN', 'mac-vlan': 'MACVLAN', 'mac-vtap': 'MACVTAP', vxlan: 'VXLAN' }
const CONTROLLER_KEY: Partial<Record<Iface['type'], string>> = { 'linux-bridge': 'Bridge', bond: 'Bond', vrf: 'VRF' }

const baseOf = (i: Iface): string | undefined => i.vlan?.baseIface ?? i.macvlan?.baseIface ?? i.vxlan?.baseIface

export function renderNetworkd(views: readonly IfaceView[]): NativeFile[] {
  const files: NativeFile[] = []
  const children = new Map<string, Array<[string, string]>>()
  for (const v of views) {
    const base = baseOf(v.iface)
    const key = CHILD_KEY[v.iface.type]
    if (base !== undefined && key !== undefined) children.set(base, [...(children.get(base) ?? []), [key, v.iface.name]])
  }
  for (const v of views) {
    const i = v.iface
    if (i.type === 'ovs-bridge' || i.type === 'ovs-interface' || i.type === 'loopback' || i.type === 'unknown') cannotExpress('networkd', i)
    const kind = i.type === 'tap' ? (i.tap?.mode === 'tun' ? 'tun' : 'tap') : NETDEV_KIND[i.type]
    if (kind !== undefined) {
      const extra = kindSections(i) ?? cannotExpress('networkd', i)
      files.push({ path: `10-${i.name}.netdev`, text: render([['NetDev', [['Name', i.name], ['Kind', kind], ['MTUBytes', i.mtu], ['MACAddress', i.mac]]], ...extra]) })
    }
    const controllerKey = v.controllerType === undefined ? undefined : CONTROLLER_KEY[v.controllerType]
    const network: Section[1] = []
    if (v.controller !== undefined && controllerKey !== undefined) network.push([controllerKey, v.controller])
    if (v.controllerType === 'bond' && views.find((x) => x.iface.name === v.controller)?.iface.bond?.options?.['primary'] === i.name) network.push(['PrimarySlave', true])
    if (v.dhcp4 || v.dhcp6) network.push(['DHCP', v.dhcp4 && v.dhcp6 ? 'yes' : v.dhcp4 ? 'ipv4' : 'ipv6'])
    for (const a of [...v.v4, ...v.v6]) network.push(['Address', cidr(a)])
    for (const [k, child] of children.get(i.name) ?? []) network.push([k, child])
    if (i.type === 'linux-bridge' || (kind !== undefined && v.controller === undefined)) network.push(['ConfigureWithoutCarrier', true])
    const port = v.bridgePort
    const sections: Section[] = [
      ['Match', [['Name', i.name]]],
      ['Link', [['MTUBytes', kind === undefined ? i.mtu : undefined], ['MACAddress', kind === undefined ? i.mac : undefined], ['ActivationPolicy', i.state === 'down' ? 'down' : undefined]]],
      ['Network', network],
      ['Bridge', port === undefined ? [] : [['HairPin', port.hairpin], ['Isolated', port.isolated], ['Cost', port.stpPathCost], ['Priority', port.stpPriority], ['Learning', port.learning], ['UnicastFlood', port.unicastFlood]]],
    ]
    let text = render(sections)
    for (const r of v.routes) text += `\n${render([['Route', [['Destination', r.destination], ['Gateway', r.nextHopAddress], ['Metric', r.metric], ['Table', r.tableId]]]])}`
    files.push({ path: `10-${i.name}.network`, text })
  }
  return files
}
