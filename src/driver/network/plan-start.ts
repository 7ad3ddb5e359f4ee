/**
 * What starting a network means, decided from its definition alone (no I/O): the bridge to create, the sysctls
 * to write, whether it gets a firewall and a dnsmasq. libvirt's networkStartNetworkVirtual in data form.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { forwardCapabilities } from '../../model/network/capabilities.js'
import { networkIpHasDhcp, networkIpPrefix } from '../../model/network/ip.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { routePrefix } from '../../model/network/route.js'
import type { BridgeSpec } from './services.js'

export type StartKind = 'virtual' | 'existing-bridge' | 'external'

/** Which start path a network takes (libvirt: virtual for the L3 modes, bridge with a name, the rest external). */
export function startKind(def: NetworkDef): StartKind {
  if (forwardCapabilities(def.forward.mode).l3) return 'virtual'
  if (def.forward.mode === 'bridge' && def.bridge?.name !== undefined) return 'existing-bridge'
  return 'external'
}

/** The bridge name of a prepared L3 definition (define/create filled it in). */
export function requireBridgeName(def: NetworkDef): string {
  const name = def.bridge?.name
  if (name === undefined || name.includes('%')) {
    throw new HostnetError('bug', `network '${def.name}' has no bridge name defined`, { details: { object: networkObject(def.name) } })
  }
  return name
}

export function bridgeSpec(def: NetworkDef): BridgeSpec {
  const name = requireBridgeName(def)
  const addresses = def.ips.map((ip, i) => {
    const prefix = networkIpPrefix(ip)
    if (prefix === undefined) {
      throw new HostnetError('invalid-argument', `bridge '${name}' has an invalid netmask or IP address in network '${def.name}'`, {
        details: { path: `/network/ip[${i + 1}]`, object: networkObject(def.name) },
      })
    }
    return { addr: ip.address, prefix }
  })
  const routes = def.routes.map((r) => ({
    destination: { addr: r.address, prefix: routePrefix(r) },
    gateway: r.gateway,
    ...(r.metric === undefined ? {} : { metric: r.metric }),
  }))
  return {
    name,
    ...(def.mac === undefined ? {} : { mac: def.mac }),
    ...(def.mtu === undefined || def.mtu === 0 ? {} : { mtu: def.mtu }),
    stp: def.bridge?.stp ?? true,
    delaySec: def.bridge?.delaySec ?? 0,
    addresses,
    routes,
  }
}

/**
 * sysctls of the target a virtual network needs: IPv6 off on a bridge without IPv6 addresses (else on), no RAs
 * accepted and no autoconf on it; IP forwarding for every mode but isolated, per family present.
 */
export function startSysctls(def: NetworkDef, bridge: string): Array<[string, string]> {
  const v4 = def.ips.some((ip) => ip.address.family === 'ipv4')
  const v6 = def.ips.some((ip) => ip.address.family === 'ipv6')
  const conf = `net/ipv6/conf/${bridge}`
  const out: Array<[string, string]> = [
    [`${conf}/disable_ipv6`, v6 ? '0' : '1'],
    [`${conf}/accept_ra`, '0'],
    [`${conf}/autoconf`, '0'],
  ]
  if (def.forward.mode !== 'none') {
    if (v4) out.push(['net/ipv4/ip_forward', '1'])
    if (v6) out.push(['net/ipv6/conf/all/forwarding', '1'])
  }
  return out
}

/** Whether the network runs a dnsmasq: it has addresses, and DNS, DHCP or IPv6 router advertisements to serve. */
export function needsDnsmasq(def: NetworkDef): boolean {
  if (def.ips.length === 0) return false
  if (def.dns?.enable !== false) return true
  return def.ips.some((ip) => networkIpHasDhcp(ip) || ip.address.family === 'ipv6')
}

export function needsFirewall(def: NetworkDef): boolean {
  return forwardCapabilities(def.forward.mode).firewall
}
