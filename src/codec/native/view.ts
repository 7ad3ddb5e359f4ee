/**
 * What the native-config renderers (networkd, NetworkManager keyfiles, ifupdown, ifcfg) read from a desired
 * state: its present interfaces in document order, each with its controller (from the port's own `controller`
 * or a controller's port list), its static addresses and the routes through it. Pure.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { BridgePortOptions, Iface, IpAddress } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState } from '../../model/host/state.js'
import { listedPorts } from '../../model/host/saved.js'

export const NATIVE_FORMATS = ['nm-keyfile', 'networkd', 'ifupdown', 'ifcfg'] as const
export type NativeFormat = (typeof NATIVE_FORMATS)[number]

/** One file to write: its path relative to the tool's configuration directory, and its text. */
export interface NativeFile {
  path: string
  text: string
}

export interface IfaceView {
  iface: Iface
  /** The controller (bridge, bond, vrf), if the interface is a port. */
  controller?: string
  /** The controller's type. */
  controllerType?: Iface['type']
  /** Options as a Linux-bridge port (its own, and those its bridge's port list gives). */
  bridgePort?: BridgePortOptions
  v4: IpAddress[]
  v6: IpAddress[]
  dhcp4: boolean
  dhcp6: boolean
  routes: Route[]
}

export function nativeView(doc: DesiredState): IfaceView[] {
  const present = doc.interfaces.filter((i) => i.state !== 'absent')
  const byName = new Map(present.map((i) => [i.name, i]))
  const controllerOf = new Map<string, string>()
  for (const c of present) for (const p of listedPorts(c) ?? []) controllerOf.set(p, c.name)
  for (const p of present) if (typeof p.controller === 'string') controllerOf.set(p.name, p.controller)
  const listedOptions = new Map<string, BridgePortOptions>()
  for (const c of present) for (const p of c.bridge?.ports ?? []) if (p.options !== undefined) listedOptions.set(p.name, p.options)
  const views: IfaceView[] = present.map((iface) => {
    const controller = controllerOf.get(iface.name)
    const v: IfaceView = {
      iface,
      v4: iface.ipv4?.enabled === false ? [] : (iface.ipv4?.addresses ?? []),
      v6: iface.ipv6?.enabled === false ? [] : (iface.ipv6?.addresses ?? []),
      dhcp4: iface.ipv4?.enabled !== false && iface.ipv4?.dhcp === true,
      dhcp6: iface.ipv6?.enabled !== false && (iface.ipv6?.dhcp === true || iface.ipv6?.autoconf === true),
      routes: (doc.routes?.config ?? []).filter((r) => r.state !== 'absent' && r.nextHopInterface === iface.name),
    }
    const portOptions = { ...(listedOptions.get(iface.name) ?? {}), ...(iface.bridgePort ?? {}) }
    if (Object.keys(portOptions).length > 0) v.bridgePort = portOptions
    if (controller !== undefined) {
      v.controller = controller
      const t = byName.get(controller)?.type
      if (t !== undefined) v.controllerType = t
    }
    return v
  })
  // ports of controllers named but not in the document: their interfaces exist, so list them as plain ports
  for (const [port, controller] of controllerOf) {
    if (byName.has(port)) continue
    const t = byName.get(controller)?.type
    const options = listedOptions.get(port)
    views.push({ iface: { name: port, type: 'ethernet', state: 'up' }, controller, ...(options === undefined ? {} : { bridgePort: options }), ...(t === undefined ? {} : { controllerType: t }), v4: [], v6: [], dhcp4: false, dhcp6: false, routes: [] })
  }
  return views
}

/** A type the format cannot express: refused naming the interface, the type and the format. */
export function cannotExpress(format: NativeFormat, i: Iface, what = `type '${i.type}'`): never {
  throw new HostnetError('not-supported', `interface '${i.name}': ${format} cannot express ${what}`, {
    details: { object: `interface '${i.name}'`, path: 'type', value: i.type },
  })
}

export const cidr = (a: IpAddress): string => `${a.ip}/${a.prefixLength}`

/** Bond options as the kernel names them, sorted (miimon, updelay, ...). */
export function bondOptions(i: Iface): Array<[string, string]> {
  return Object.entries(i.bond?.options ?? {})
    .map(([k, v]) => [k, String(v)] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

export const isDefaultRoute = (r: Route): boolean => r.destination === '0.0.0.0/0' || r.destination === '::/0'
export const isV6 = (dest: string): boolean => dest.includes(':')
