/**
 * Red Hat's ifcfg files (initscripts, NetworkManager's ifcfg-rh): `ifcfg-NAME` per interface and `route-NAME` /
 * `route6-NAME` for its routes (under /etc/sysconfig/network-scripts). The format knows Ethernet, Bridge, Bond and
 * VLAN devices; other types are refused as not-supported, naming the interface.
 * @module
 */
import { bondOptions, cannotExpress, type IfaceView, type NativeFile } from './view.js'

const q = (s: string): string => (/^[A-Za-z0-9_.:/@-]*$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`)

export function renderIfcfg(views: readonly IfaceView[]): NativeFile[] {
  const files: NativeFile[] = []
  for (const v of views) {
    const i = v.iface
    const keys: Array<[string, string | number | undefined]> = [['DEVICE', i.name]]
    switch (i.type) {
      case 'ethernet':
      case 'veth':
        keys.push(['TYPE', 'Ethernet'])
        if (i.type === 'veth') cannotExpress('ifcfg', i)
        break
      case 'linux-bridge': {
        const o = i.bridge?.options ?? {}
        keys.push(['TYPE', 'Bridge'], ['STP', o.stp === undefined ? undefined : o.stp ? 'yes' : 'no'], ['DELAY', o.forwardDelaySec])
        const opts = [o.priority === undefined ? '' : `priority=${o.priority}`, o.helloTimeSec === undefined ? '' : `hello_time=${o.helloTimeSec * 100}`, o.maxAgeSec === undefined ? '' : `max_age=${o.maxAgeSec * 100}`].filter((x) => x !== '')
        if (opts.length > 0) keys.push(['BRIDGING_OPTS', opts.join(' ')])
        break
      }
      case 'bond':
        keys.push(['TYPE', 'Bond'], ['BONDING_MASTER', 'yes'], ['BONDING_OPTS', [`mode=${i.bond?.mode ?? 'balance-rr'}`, ...bondOptions(i).map(([k, val]) => `${k}=${val}`)].join(' ')])
        break
      case 'vlan':
        keys.push(['TYPE', 'Vlan'], ['VLAN', 'yes'], ['PHYSDEV', i.vlan?.baseIface], ['VLAN_ID', i.vlan?.id])
        if (i.vlan?.protocol === '802.1ad') cannotExpress('ifcfg', i, 'VLAN protocol 802.1ad')
        break
      default:
        cannotExpress('ifcfg', i)
    }
    keys.push(['ONBOOT', i.state === 'down' ? 'no' : 'yes'], ['BOOTPROTO', v.dhcp4 ? 'dhcp' : 'none'], ['MTU', i.mtu], ['MACADDR', i.mac])
    if (v.controller !== undefined) {
      if (v.controllerType === 'linux-bridge') keys.push(['BRIDGE', v.controller])
      else if (v.controllerType === 'bond') keys.push(['MASTER', v.controller], ['SLAVE', 'yes'])
      else cannotExpress('ifcfg', i, `a port of ${v.controllerType ?? 'an unknown controller'}`)
    }
    v.v4.forEach((a, n) => keys.push([`IPADDR${n}`, a.ip], [`PREFIX${n}`, a.prefixLength]))
    if (v.v6.length > 0 || v.dhcp6) {
      keys.push(['IPV6INIT', 'yes'], ['IPV6_AUTOCONF', v.dhcp6 ? 'yes' : 'no'])
      const [first, ...rest] = v.v6
      if (first !== undefined) keys.push(['IPV6ADDR', `${first.ip}/${first.prefixLength}`])
      if (rest.length > 0) keys.push(['IPV6ADDR_SECONDARIES', rest.map((a) => `${a.ip}/${a.prefixLength}`).join(' ')])
    }
    files.push({ path: `ifcfg-${i.name}`, text: keys.filter(([, val]) => val !== undefined).map(([k, val]) => `${k}=${q(String(val))}`).join('\n') + '\n' })
    for (const fam of ['4', '6'] as const) {
      const routes = v.routes.filter((r) => r.destination.includes(':') === (fam === '6'))
      if (routes.length === 0) continue
      const lines = routes.map((r) => [r.destination === '0.0.0.0/0' || r.destination === '::/0' ? 'default' : r.destination, r.nextHopAddress === undefined ? '' : `via ${r.nextHopAddress}`, `dev ${i.name}`, r.metric === undefined ? '' : `metric ${r.metric}`, r.tableId === undefined ? '' : `table ${r.tableId}`].filter((x) => x !== '').join(' '))
      files.push({ path: `route${fam === '6' ? '6' : ''}-${i.name}`, text: `${lines.join('\n')}\n` })
    }
  }
  return files
}
