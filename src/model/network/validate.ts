/**
 * Define-time validation of a network (the host-independent part of libvirt's networkValidate, spec §2.2, §5,
 * §9). Not applied by the XML parser: libvirt's xml2xml corpus contains networks that parse but would not
 * define (8021Qbh-net, openvswitch-net, passthrough-pf, passthrough-address-crash). Host-dependent checks
 * (bridge name in use, free virbrN, PCI devices being SR-IOV VFs) belong to the driver.
 *
 * Throws ValidationError (kind invalid-argument) for malformed definitions and HostnetError kind
 * 'not-supported' for settings the forward mode cannot do.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { vlanAllowedForNetwork, vlanIsSet } from '../netdev/vlan.js'
import { forwardCapabilities } from './capabilities.js'
import { dnsHasRecords } from './dns.js'
import { networkIpHasDhcp } from './ip.js'
import { networkObject } from './network-def.js'
import type { NetworkDef } from './network-def.js'
import type { PortGroup } from './portgroup.js'

function unsupported(def: NetworkDef, message: string, path: string): never {
  throw new HostnetError('not-supported', message, { details: { path, object: networkObject(def.name) } })
}

function checkL3OnlyElements(def: NetworkDef): void {
  const mode = def.forward.mode
  if (forwardCapabilities(mode).l3) return
  const what = `in network '${def.name}' with forward mode='${mode}'`
  if (def.mac !== undefined) unsupported(def, `Unsupported <mac> element ${what}`, '/network/mac')
  if (def.ips.length > 0) unsupported(def, `Unsupported <ip> element ${what}`, '/network/ip')
  if (dnsHasRecords(def.dns)) unsupported(def, `Unsupported <dns> element ${what}`, '/network/dns')
  if (def.domain !== undefined) unsupported(def, `Unsupported <domain> element ${what}`, '/network/domain')
}

function bandwidthAllowed(def: NetworkDef): boolean {
  const caps = forwardCapabilities(def.forward.mode, { hasBridgeName: def.bridge?.name !== undefined })
  return caps.bandwidth
}

function checkPool(def: NetworkDef): void {
  const f = def.forward
  if (f.mode === 'hostdev' && f.interfaces.length > 0) {
    unsupported(
      def,
      `hostdev network '${def.name}' lists '${f.interfaces[0]!.dev}' in the device pool, but hostdev networks require all devices to be listed by PCI address, not network device name`,
      '/network/forward/interface',
    )
  }
  if (f.mode !== 'hostdev' && f.addresses.length > 0) {
    unsupported(
      def,
      `network '${def.name}' has forward mode '${f.mode}' but lists a device by PCI address in the device pool; this is only supported for networks with forward mode 'hostdev'`,
      '/network/forward/address',
    )
  }
  const kinds = (f.pf !== undefined ? 1 : 0) + (f.interfaces.length > 0 ? 1 : 0) + (f.addresses.length > 0 ? 1 : 0)
  if (kinds > 1) {
    unsupported(
      def,
      `<address>, <interface>, and <pf> elements of <forward> in network '${def.name}' are mutually exclusive`,
      '/network/forward',
    )
  }
}

function checkDhcpCount(def: NetworkDef): void {
  let v4 = false
  let v6 = false
  def.ips.forEach((ip, i) => {
    if (!networkIpHasDhcp(ip)) return
    const v6ip = ip.address.family === 'ipv6'
    if (v6ip ? v6 : v4) {
      const fam = v6ip ? 'IPv6' : 'IPv4'
      unsupported(
        def,
        `Multiple ${fam} dhcp sections found in network '${def.name}' -- dhcp is supported only for a single ${fam} address on each network`,
        `/network/ip[${i + 1}]/dhcp`,
      )
    }
    if (v6ip) v6 = true
    else v4 = true
  })
}

function checkPortGroups(def: NetworkDef): void {
  const mode = def.forward.mode
  const vlanAllowed = vlanAllowedForNetwork(mode, def.virtualPort?.type)
  const vlanUsed = vlanIsSet(def.vlan)
  let badVlanUse = false
  let defaultGroup: PortGroup | undefined
  const seen = new Set<string>()
  def.portGroups.forEach((pg, i) => {
    const path = `/network/portgroup[${i + 1}]`
    if (vlanUsed || vlanIsSet(pg.vlan)) {
      // anyone using this portgroup gets a vlan tag: it must end up on a device that can do that
      if (pg.virtualPort !== undefined) {
        if (mode !== 'bridge' || pg.virtualPort.type !== 'openvswitch') badVlanUse = true
      } else if (!vlanAllowed) badVlanUse = true
    }
    if (pg.isDefault) {
      if (defaultGroup !== undefined) {
        throw new ValidationError(
          `network '${def.name}' has multiple default <portgroup> elements (${defaultGroup.name} and ${pg.name}), but only one default is allowed`,
          { path: `${path}/@default`, object: networkObject(def.name) },
        )
      }
      defaultGroup = pg
    }
    if (seen.has(pg.name)) {
      throw new ValidationError(`multiple <portgroup> elements with the same name (${pg.name}) in network '${def.name}'`, {
        path: `${path}/@name`,
        value: pg.name,
        object: networkObject(def.name),
      })
    }
    seen.add(pg.name)
    if (pg.bandwidth !== undefined && mode === 'hostdev') {
      unsupported(
        def,
        `Unsupported <bandwidth> element in a <portgroup> in hostdev network '${def.name}'`,
        `${path}/bandwidth`,
      )
    }
    if (pg.bandwidth !== undefined && !bandwidthAllowed(def)) {
      unsupported(
        def,
        `Unsupported <bandwidth> element in network '${def.name}' in portgroup '${pg.name}' with forward mode='${mode}'`,
        `${path}/bandwidth`,
      )
    }
  })
  if (badVlanUse || (vlanUsed && !vlanAllowed && defaultGroup === undefined)) {
    unsupported(
      def,
      `<vlan> element specified for network '${def.name}', whose type doesn't support vlan configuration`,
      '/network/vlan',
    )
  }
}

/** Define-time validation; returns normally when `def` may be defined. */
export function validateNetworkDef(def: NetworkDef): void {
  if (def.name.includes('\n')) {
    throw new ValidationError(`invalid char in name: newline in network '${def.name}'`, {
      path: '/network/name',
      value: def.name,
    })
  }
  checkL3OnlyElements(def)
  if (def.bandwidth !== undefined && !bandwidthAllowed(def)) {
    unsupported(
      def,
      `Unsupported network-wide <bandwidth> element in network '${def.name}' with forward mode='${def.forward.mode}'`,
      '/network/bandwidth',
    )
  }
  checkPool(def)
  checkDhcpCount(def)
  checkPortGroups(def)
}
