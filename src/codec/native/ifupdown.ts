/**
 * Debian's ifupdown: one `/etc/network/interfaces` (or a file under interfaces.d). Bridges (bridge-utils), bonds
 * (ifenslave) and VLANs (vlan) have their own options; the link types ifupdown has no options for (dummy, veth,
 * macvlan, macvtap, vxlan, vrf, tap) are made by `pre-up ip link add ...` and removed by `post-down`, as Debian
 * admins write them. Routes other than the default one are `post-up ip route add ...` lines.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { bondOptions, cannotExpress, cidr, isDefaultRoute, isV6, type IfaceView, type NativeFile } from './view.js'

function linkAdd(i: Iface): string | undefined {
  switch (i.type) {
    case 'dummy':
      return `ip link add ${i.name} type dummy`
    case 'veth':
      return `ip link add ${i.name} type veth peer name ${i.veth?.peer ?? `${i.name}p`}`
    case 'mac-vlan':
    case 'mac-vtap':
      return `ip link add link ${i.macvlan?.baseIface ?? ''} name ${i.name} type ${i.type === 'mac-vlan' ? 'macvlan' : 'macvtap'}${i.macvlan?.mode === undefined ? '' : ` mode ${i.macvlan.mode}`}`
    case 'vxlan': {
      const x = i.vxlan ?? {}
      const parts = [`ip link add ${i.name} type vxlan id ${x.id ?? 0}`]
      if (x.remote !== undefined) parts.push(`remote ${x.remote}`)
      if (x.group !== undefined) parts.push(`group ${x.group}`)
      if (x.local !== undefined) parts.push(`local ${x.local}`)
      if (x.baseIface !== undefined) parts.push(`dev ${x.baseIface}`)
      parts.push(`dstport ${x.destinationPort ?? 4789}`)
      if (x.learning === false) parts.push('nolearning')
      return parts.join(' ')
    }
    case 'vrf':
      return `ip link add ${i.name} type vrf table ${i.vrf?.tableId ?? 0}`
    case 'tap':
      return `ip tuntap add dev ${i.name} mode ${i.tap?.mode ?? 'tap'}${i.tap?.multiQueue === true ? ' multi_queue' : ''}`
    default:
      return undefined
  }
}

function stanza(v: IfaceView, ports: ReadonlyMap<string, string[]>, family: 'inet' | 'inet6', views: readonly IfaceView[]): string[] {
  const i = v.iface
  const portOptions = views.filter((p) => p.controller === i.name && p.bridgePort !== undefined).map((p) => [p.iface.name, p.bridgePort as NonNullable<IfaceView['bridgePort']>] as const)
  const addrs = family === 'inet' ? v.v4 : v.v6
  const dhcp = family === 'inet' ? v.dhcp4 : v.dhcp6
  const method = dhcp ? (family === 'inet' ? 'dhcp' : 'auto') : addrs.length > 0 ? 'static' : 'manual'
  const lines = [`iface ${i.name} ${family} ${method}`]
  const opt = (k: string, val: string | number | boolean | undefined): void => {
    if (val !== undefined) lines.push(`    ${k} ${typeof val === 'boolean' ? (val ? 'on' : 'off') : String(val)}`)
  }
  for (const a of addrs) opt('address', cidr(a))
  if (family === 'inet') {
    opt('mtu', i.mtu)
    if (i.mac !== undefined) opt('hwaddress', `ether ${i.mac}`)
    const add = linkAdd(i)
    if (add !== undefined) {
      opt('pre-up', add)
      opt('post-down', `ip link del ${i.name}`)
    }
    if (i.type === 'linux-bridge') {
      const o = i.bridge?.options ?? {}
      opt('bridge_ports', (ports.get(i.name) ?? []).join(' ') || 'none')
      opt('bridge_stp', o.stp)
      opt('bridge_fd', o.forwardDelaySec)
      opt('bridge_hello', o.helloTimeSec)
      opt('bridge_maxage', o.maxAgeSec)
      opt('bridge_bridgeprio', o.priority)
      opt('bridge_ageing', o.macAgeingTimeSec)
      for (const [port, po] of portOptions) {
        if (po.stpPathCost !== undefined) opt('bridge_pathcost', `${port} ${po.stpPathCost}`)
        if (po.stpPriority !== undefined) opt('bridge_portprio', `${port} ${po.stpPriority}`)
        if (po.hairpin !== undefined) opt('bridge_hairpin', `${port} ${po.hairpin ? 'on' : 'off'}`)
      }
    }
    if (i.type === 'bond') {
      opt('bond-slaves', (ports.get(i.name) ?? []).join(' ') || 'none')
      opt('bond-mode', i.bond?.mode)
      for (const [k, val] of bondOptions(i)) opt(`bond-${k.replace(/_/g, '-')}`, val)
    }
    if (i.type === 'vlan') opt('vlan-raw-device', i.vlan?.baseIface)
    if (v.controllerType === 'vrf') opt('post-up', `ip link set ${i.name} master ${v.controller ?? ''}`)
  }
  for (const r of v.routes.filter((x) => isV6(x.destination) === (family === 'inet6'))) {
    if (isDefaultRoute(r) && r.tableId === undefined && r.metric === undefined && r.nextHopAddress !== undefined) opt('gateway', r.nextHopAddress)
    else {
      const parts = [`ip${family === 'inet6' ? ' -6' : ''} route add ${r.destination}`]
      if (r.nextHopAddress !== undefined) parts.push(`via ${r.nextHopAddress}`)
      parts.push(`dev ${i.name}`)
      if (r.metric !== undefined) parts.push(`metric ${r.metric}`)
      if (r.tableId !== undefined) parts.push(`table ${r.tableId}`)
      opt('post-up', parts.join(' '))
    }
  }
  return lines
}

export function renderIfupdown(views: readonly IfaceView[]): NativeFile[] {
  const ports = new Map<string, string[]>()
  for (const v of views) if (v.controller !== undefined && v.controllerType !== 'vrf') ports.set(v.controller, [...(ports.get(v.controller) ?? []), v.iface.name])
  const blocks: string[] = ['# generated by hostnet gen-conf']
  for (const v of views) {
    const i = v.iface
    if (i.type === 'ovs-bridge' || i.type === 'ovs-interface' || i.type === 'loopback' || i.type === 'unknown') cannotExpress('ifupdown', i)
    const lines: string[] = []
    if (i.state !== 'down') lines.push(`auto ${i.name}`)
    lines.push(...stanza(v, ports, 'inet', views))
    if (v.v6.length > 0 || v.dhcp6 || v.routes.some((r) => isV6(r.destination))) lines.push(...stanza(v, ports, 'inet6', views))
    blocks.push(lines.join('\n'))
  }
  return [{ path: 'interfaces', text: `${blocks.join('\n\n')}\n` }]
}
