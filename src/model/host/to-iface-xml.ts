/**
 * A live interface (from a host state) → libvirt interface XML (netcf format), for `iface-dumpxml`: the live
 * state described the way `iface-define` takes it. Pure.
 *
 * Bridges become `type='bridge'` with their ports as members, bonds `type='bond'` with their ports as slaves,
 * VLANs `type='vlan'`; every other kind (ethernet, veth, ...) is shown as `type='ethernet'`. Static addresses
 * and a default route through the interface fill `<protocol>`; operational state fills `<link state>`.
 * @module
 */
import { cut, HostnetError, ValidationError } from '../../errors.js'
import { kernelIfNameProblem, type IfName } from '../values/ifname.js'
import { parseIpAddr, tryParseIpv4 } from '../values/ip.js'
import { parseMac } from '../values/mac.js'
import { parseVlanId } from '../values/vlan-id.js'
import {
  ARP_VALIDATES,
  LINK_STATES,
  type ArpValidate,
  type BondMonitor,
  type BridgeMember,
  type EthernetInterface,
  type InterfaceDef,
  type InterfaceLink,
  type InterfaceProtocol,
  type LinkState,
  type ProtocolFamily,
} from '../iface-xml/interface-def.js'
import type { Iface } from './iface.js'
import type { Route } from './route.js'
import type { HostState } from './state.js'

const DEFAULT_DESTINATION: Readonly<Record<ProtocolFamily, string>> = { ipv4: '0.0.0.0/0', ipv6: '::/0' }

interface View {
  byName: ReadonlyMap<string, Iface>
  portsOf: (name: string) => Iface[]
  routes: readonly Route[]
}

function view(state: HostState): View {
  const byName = new Map(state.interfaces.map((i) => [i.name, i] as const))
  const portsOf = (name: string): Iface[] => state.interfaces.filter((i) => i.controller === name)
  return { byName, portsOf, routes: state.routes }
}

/** A name read from the kernel: whatever the kernel accepted (a device someone else made may have any). */
function ifName(name: string): IfName {
  const problem = kernelIfNameProblem(name)
  if (problem !== undefined) throw new ValidationError(`invalid interface name '${cut(name)}': ${problem}`, { value: name })
  return name as IfName
}

export function linkOf(i: Iface): InterfaceLink | undefined {
  const s = i.info?.operState?.toLowerCase()
  return s !== undefined && (LINK_STATES as readonly string[]).includes(s) ? { state: s as LinkState } : undefined
}

function ethernet(i: Iface): EthernetInterface {
  const link = linkOf(i)
  return { type: 'ethernet', name: ifName(i.name), ...(link ? { link } : {}), ...(i.mac ? { mac: parseMac(i.mac) } : {}) }
}

function num(v: string | number | undefined): number | undefined {
  const n = typeof v === 'number' ? v : v === undefined ? NaN : Number(v)
  return Number.isFinite(n) ? n : undefined
}

/** `<miimon>` or `<arpmon>` from kernel bonding options (none when monitoring is off). */
export function bondMonitorOf(options: Readonly<Record<string, string | number>> = {}): BondMonitor | undefined {
  const miimon = num(options['miimon'])
  if (miimon !== undefined && miimon > 0) {
    const up = num(options['updelay'])
    const down = num(options['downdelay'])
    const carrier = num(options['use_carrier'])
    return {
      kind: 'miimon',
      freqMs: miimon,
      ...(up ? { upDelayMs: up } : {}),
      ...(down ? { downDelayMs: down } : {}),
      ...(carrier === undefined ? {} : { carrier: carrier === 0 ? 'ioctl' : 'netif' }),
    }
  }
  const interval = num(options['arp_interval'])
  const target = String(options['arp_ip_target'] ?? '').split(',')[0] ?? ''
  if (interval === undefined || interval <= 0 || tryParseIpv4(target) === undefined) return undefined
  const validate = String(options['arp_validate'] ?? '').split(' ')[0] ?? ''
  return {
    kind: 'arpmon',
    intervalMs: interval,
    target: parseIpAddr(target),
    ...((ARP_VALIDATES as readonly string[]).includes(validate) ? { validate: validate as ArpValidate } : {}),
  }
}

function member(i: Iface, v: View): BridgeMember {
  const link = linkOf(i)
  switch (i.type) {
    case 'vlan':
      return {
        type: 'vlan',
        name: ifName(i.name),
        ...(link ? { link } : {}),
        vlan: { tag: parseVlanId(i.vlan?.id, `VLAN id of '${i.name}'`), parent: ifName(i.vlan?.baseIface ?? i.info?.link ?? '?') },
      }
    case 'bond': {
      const monitor = bondMonitorOf(i.bond?.options)
      return {
        type: 'bond',
        name: ifName(i.name),
        ...(link ? { link } : {}),
        bond: { ...(i.bond?.mode ? { mode: i.bond.mode } : {}), ...(monitor ? { monitor } : {}), slaves: v.portsOf(i.name).map(ethernet) },
      }
    }
    default:
      return ethernet(i)
  }
}

function protocols(i: Iface, routes: readonly Route[]): InterfaceProtocol[] {
  const out: InterfaceProtocol[] = []
  for (const family of ['ipv4', 'ipv6'] as const) {
    const cfg = i[family]
    const addresses = (cfg?.addresses ?? []).map((a) => ({ address: parseIpAddr(a.ip), prefix: a.prefixLength }))
    const gw = routes.find((r) => r.nextHopInterface === i.name && r.destination === DEFAULT_DESTINATION[family] && r.nextHopAddress)
    const autoconf = family === 'ipv6' && cfg?.autoconf === true
    if (addresses.length === 0 && gw === undefined && !autoconf && cfg?.dhcp !== true) continue
    out.push({
      family,
      addresses,
      ...(autoconf ? { autoconf } : {}),
      ...(cfg?.dhcp === true ? { dhcp: {} } : {}),
      ...(gw?.nextHopAddress ? { gateway: parseIpAddr(gw.nextHopAddress) } : {}),
    })
  }
  return out
}

/** The live interface `name` of `state` as an interface XML document; not-found if there is none. */
export function hostIfaceToXmlDef(state: HostState, name: string): InterfaceDef {
  const v = view(state)
  const i = v.byName.get(name)
  if (i === undefined) throw new HostnetError('not-found', `interface '${name}' does not exist`)
  const top = { ...(i.mtu ? { mtu: i.mtu } : {}), protocols: protocols(i, v.routes) }
  if (i.type === 'linux-bridge') {
    const o = i.bridge?.options
    const bridge = {
      ...(o?.stp === undefined ? {} : { stp: o.stp }),
      ...(o?.forwardDelaySec === undefined ? {} : { delaySec: o.forwardDelaySec }),
      members: v.portsOf(i.name).map((p) => member(p, v)),
    }
    return { type: 'bridge', name: ifName(i.name), bridge, ...top }
  }
  return { ...member(i, v), ...top }
}
