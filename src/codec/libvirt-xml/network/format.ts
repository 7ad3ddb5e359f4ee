/**
 * NetworkDef → `<network>` text, byte-identical to libvirt's virNetworkDefFormatBuf (v9.9.0). Element order:
 * name, uuid, title, description, metadata, forward, bridge, mtu, mac, domain, dns, vlan, bandwidth, port, ip*,
 * route*, virtualport, portgroup*, dnsmasq:options.
 * @module
 */
import { el, textEl, writeXml } from '../../xml/write.js'
import type { OutAttr } from '../../xml/write.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import { formatBandwidth } from '../netdev/bandwidth.js'
import { formatPortIsolated } from '../netdev/port-isolated.js'
import { yesNo } from '../netdev/props.js'
import { formatVirtualPort } from '../netdev/virtualport.js'
import { formatVlan } from '../netdev/vlan.js'
import { formatBridge, formatDomain } from './bridge.js'
import { formatDns } from './dns.js'
import { formatForward } from './forward.js'
import { formatNetworkIp } from './ip.js'
import { DNSMASQ_NS, formatDnsmasqOptions, formatMetadata } from './namespaces.js'
import { formatPortGroup } from './portgroup.js'
import { formatRoute } from './route.js'

export interface NetworkFormatOptions {
  /** VIR_NETWORK_XML_INACTIVE: no `connections`, no pool generated from a `<pf>`. */
  inactive?: boolean
}

export function formatNetworkDef(def: NetworkDef, opts: NetworkFormatOptions = {}): string {
  const inactive = opts.inactive ?? false
  const hasOptions = def.dnsmasqOptions !== undefined && def.dnsmasqOptions.length > 0
  const attrs: OutAttr[] = [
    ['xmlns:dnsmasq', hasOptions ? DNSMASQ_NS : undefined],
    ['connections', !inactive && def.connections ? def.connections : undefined],
    ['ipv6', def.ipv6 ? 'yes' : undefined],
    ['trustGuestRxFilters', yesNo(def.trustGuestRxFilters)],
  ]
  const root = el('network', attrs, [
    textEl('name', def.name),
    textEl('uuid', def.uuid),
    textEl('title', def.title),
    textEl('description', def.description),
    formatMetadata(def.metadata),
    formatForward(def.forward, { inactive }),
    formatBridge(def.bridge, def.forward),
    def.mtu ? el('mtu', [['size', def.mtu]]) : undefined,
    def.mac !== undefined && el('mac', [['address', def.mac]]),
    formatDomain(def.domain),
    formatDns(def.dns),
    formatVlan(def.vlan),
    formatBandwidth(def.bandwidth),
    formatPortIsolated(def.isolatedPort),
    ...def.ips.map(formatNetworkIp),
    ...def.routes.map(formatRoute),
    formatVirtualPort(def.virtualPort),
    ...def.portGroups.map(formatPortGroup),
    formatDnsmasqOptions(def.dnsmasqOptions),
  ])
  return writeXml(root)
}
