/**
 * The state and the rules of the in-memory kernel model used by simulate.ts: links with their kernel defaults,
 * deletion cascades (children, veth peers, port release), MTU propagation, and the flushes a link going down
 * causes (IPv6 addresses, routes). Mutable on purpose; simulate.ts works on a private copy.
 * @module
 */
import type { RouteRule } from '../../model/host/route-rule.js'
import { HostnetError } from '../../errors.js'
import type { BridgeOptions, Iface, IfaceType } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import { baseOf, peerOf, sectionOf } from '../../model/host/relations.js'
import { isGroup, KERNEL_DEFAULT_MTU as DEFAULT_MTU } from '../../model/host/types/descriptor.js'
import { BOUNDED_MTU_TYPES, CHILD_TYPES, CONTROLLER_TYPES, CREATABLE_TYPES, kernelDefaults, PORT_OPTION_SPECS, typeDescriptor } from '../../model/host/types/index.js'
import { BRIDGE_OPTIONS, STP_FORWARD_DELAY_MAX_SEC, STP_FORWARD_DELAY_MIN_SEC, stpAcceptsForwardDelay } from '../../model/host/types/linux-bridge.js'

/** Kernel defaults of a new bridge (net/bridge/br_device.c, br_stp_if.c), times in seconds. */
export const KERNEL_BRIDGE_DEFAULTS = kernelDefaults(BRIDGE_OPTIONS) as Required<BridgeOptions>


export function simError(message: string): HostnetError {
  return new HostnetError('backend-failure', `simulated kernel: ${message}`)
}

/** A deterministic locally administered unicast MAC for a new link. */
function newMac(name: string, serial: number): string {
  let h = 0x811c9dc5
  for (const c of `${name}#${serial}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  const b = [0x02, serial & 0xff, (h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':')
}

export class SimKernel {
  readonly links: Map<string, Iface>
  routes: Route[]
  /** Policy rules (undefined: the state had none read). */
  rules: RouteRule[] | undefined
  private serial = 0

  constructor(links: Map<string, Iface>, routes: Route[]) {
    this.links = links
    this.routes = routes
    this.rules = undefined
  }

  get(name: string, what = 'link'): Iface {
    const l = this.links.get(name)
    if (l === undefined) throw simError(`${what} '${name}' does not exist (Cannot find device)`)
    return l
  }

  /** Whether `l`'s base must exist (a child that cannot be created without one). */
  private static needsBase(type: IfaceType): boolean {
    const d = typeDescriptor(type)
    const f = d.baseField === undefined ? undefined : d.section?.fields.find((x) => !isGroup(x) && x.key === d.baseField)
    return f !== undefined && !isGroup(f) && f.requiredToCreate === true
  }

  childrenOf(name: string): Iface[] {
    return [...this.links.values()].filter((l) => CHILD_TYPES.has(l.type) && baseOf(l) === name)
  }

  portsOf(name: string): Iface[] {
    return [...this.links.values()].filter((l) => l.controller === name)
  }

  /** A new link of `src`'s type with kernel defaults for what `src` leaves out. */
  create(src: Iface): void {
    if (!CREATABLE_TYPES.has(src.type)) throw new HostnetError('not-supported', `simulated kernel: cannot create a link of type ${src.type}`)
    if (this.links.has(src.name)) throw simError(`cannot create '${src.name}': File exists`)
    const base = baseOf(src)
    const lower = base === undefined ? undefined : this.get(base, `base interface of '${src.name}'`)
    if (SimKernel.needsBase(src.type) && lower === undefined) throw simError(`'${src.name}' needs a base interface`)
    const mtu = src.mtu ?? typeDescriptor(src.type).mtu?.onCreate?.(lower?.mtu) ?? DEFAULT_MTU
    if (lower !== undefined && BOUNDED_MTU_TYPES.has(src.type) && mtu > lower.mtu!) throw simError(`mtu ${mtu} of '${src.name}' exceeds its base's ${lower.mtu}`)
    const link: Iface = {
      name: src.name,
      type: src.type,
      state: 'down',
      mtu,
      mac: src.mac ?? newMac(src.name, ++this.serial),
      controller: null,
      ipv4: { enabled: false, addresses: [] },
      ipv6: { enabled: false, addresses: [] },
      ...this.section(src),
    }
    this.checkTypeRules(link)
    this.links.set(link.name, link)
    if (typeDescriptor(src.type).peerField !== undefined) this.createPeer(link)
  }

  private createPeer(link: Iface): void {
    const peer = peerOf(link)
    if (peer === undefined || peer === link.name) throw simError(`veth '${link.name}' needs a peer name`)
    if (this.links.has(peer)) throw simError(`cannot create veth peer '${peer}': File exists`)
    this.links.set(peer, {
      name: peer,
      type: link.type,
      state: 'down',
      mtu: DEFAULT_MTU,
      mac: newMac(peer, ++this.serial),
      controller: null,
      ipv4: { enabled: false, addresses: [] },
      ipv6: { enabled: false, addresses: [] },
      [typeDescriptor(link.type).section!.prop]: { [typeDescriptor(link.type).peerField!]: link.name },
    })
  }

  /** The new link's section: the kernel's defaults for what `src` leaves out (a bridge also starts STP). */
  private section(src: Iface): Partial<Iface> {
    if (src.type === 'linux-bridge') return { bridge: { options: this.startStp({ ...KERNEL_BRIDGE_DEFAULTS }, src.bridge?.options ?? {}) } }
    const s = typeDescriptor(src.type).section
    if (s === undefined || s.custom === true) return {}
    const out: Record<string, unknown> = { ...kernelDefaults(s.fields), ...sectionOf(src) }
    // an option map is the kernel's own (a bond's options): a copy, empty when none are given
    for (const f of s.fields) if (!isGroup(f) && f.value.kind === 'kernel-options') out[f.key] = { ...(out[f.key] as object | undefined) }
    return { [s.prop]: out } as Partial<Iface>
  }

  /** What the kernel refuses of a new link: a missing required field, a key its type keeps unique (a VLAN id on a base). */
  private checkTypeRules(l: Iface): void {
    const s = typeDescriptor(l.type).section
    const rec = sectionOf(l)
    if (s === undefined || rec === undefined) return
    for (const f of s.fields) {
      if (!isGroup(f) && f.requiredToCreate === true && rec[f.key] === undefined) throw simError(`${l.type} '${l.name}' needs ${s.key}.${f.yaml}`)
    }
    const unique = s.unique
    if (unique === undefined) return
    const key = unique.key as (x: unknown) => string
    const dup = [...this.links.values()].find((o) => o.type === l.type && key(sectionOf(o) ?? {}) === key(rec))
    if (dup !== undefined) throw simError((unique.message as (x: unknown, other: string) => string)(rec, dup.name))
  }

  /** Apply bridge options in the kernel's order: delay checked against the old STP state, then STP start clamps. */
  startStp(cur: BridgeOptions, next: BridgeOptions): BridgeOptions {
    const d = next.forwardDelaySec
    const range = `${STP_FORWARD_DELAY_MIN_SEC}..${STP_FORWARD_DELAY_MAX_SEC}`
    if (d !== undefined && cur.stp === true && !stpAcceptsForwardDelay(d)) throw simError(`forward delay ${d} out of range ${range} with STP on (Numerical result out of range)`)
    const out = { ...cur, ...next }
    if (out.stp === true && cur.stp !== true) {
      out.forwardDelaySec = Math.min(STP_FORWARD_DELAY_MAX_SEC, Math.max(STP_FORWARD_DELAY_MIN_SEC, out.forwardDelaySec ?? KERNEL_BRIDGE_DEFAULTS.forwardDelaySec))
    }
    return out
  }

  /** Delete `name` with what the kernel deletes along: children, the veth peer; ports are released. */
  delete(name: string): void {
    const l = this.links.get(name)
    if (l === undefined) return
    this.links.delete(name)
    this.routes = this.routes.filter((r) => r.nextHopInterface !== name)
    for (const c of this.childrenOf(name)) this.delete(c.name)
    const peer = peerOf(l)
    if (peer !== undefined) this.delete(peer)
    for (const p of this.portsOf(name)) this.release(p, l.type)
  }

  /** Release `port` from its controller (of type `ctrlType`: given when the controller is already deleted). */
  release(port: Iface, ctrlType: IfaceType | undefined = port.controller ? this.links.get(port.controller)?.type : undefined): void {
    port.controller = null
    for (const p of PORT_OPTION_SPECS) delete (port as unknown as Record<string, unknown>)[p.prop]
    const rules = ctrlType === undefined ? undefined : typeDescriptor(ctrlType).controller
    if (rules?.cyclesPorts === true) this.cycle(port)
    // the bonding driver closes the ports it releases (bond_release: dev_close)
    if (rules?.portsDown === true && port.state === 'up') {
      this.flushOnDown(port)
      port.state = 'down'
    }
  }

  /** What a link going down does: IPv6 addresses (keep_addr_on_down=0) and routes through it go. */
  flushOnDown(l: Iface): void {
    l.ipv6 = { ...l.ipv6, addresses: [] }
    this.routes = this.routes.filter((r) => r.nextHopInterface !== l.name)
  }

  /** A down/up cycle of an up link (VRF enslave/release). */
  cycle(l: Iface): void {
    if (l.state === 'up') this.flushOnDown(l)
  }

  setMtu(l: Iface, mtu: number): void {
    const base = baseOf(l)
    const lower = BOUNDED_MTU_TYPES.has(l.type) && base !== undefined ? this.links.get(base) : undefined
    if (lower !== undefined && mtu > lower.mtu!) throw simError(`mtu ${mtu} of '${l.name}' exceeds its base's ${lower.mtu} (Numerical result out of range)`)
    l.mtu = mtu
    for (const c of this.childrenOf(l.name)) if (BOUNDED_MTU_TYPES.has(c.type) && c.mtu! > mtu) this.setMtu(c, mtu)
    if (typeDescriptor(l.type).controller?.setsPortMtu === true) for (const p of this.portsOf(l.name)) this.setMtu(p, mtu)
  }

  /** Whether `target` is `from` or lies below it (base or port, transitively): enslaving would make a loop. */
  isBelow(target: string, from: string): boolean {
    const seen = new Set<string>()
    const stack = [from]
    while (stack.length > 0) {
      const n = stack.pop()!
      if (n === target) return true
      if (seen.has(n)) continue
      seen.add(n)
      const l = this.links.get(n)
      const base = l === undefined ? undefined : baseOf(l)
      if (base !== undefined) stack.push(base)
      for (const p of this.portsOf(n)) stack.push(p.name)
    }
    return false
  }

  attach(port: Iface, ctrlName: string): void {
    const ctrl = this.get(ctrlName, 'controller')
    if (!CONTROLLER_TYPES.has(ctrl.type)) throw simError(`'${ctrlName}' (${ctrl.type}) cannot have ports`)
    if (this.isBelow(ctrlName, port.name)) throw simError(`enslaving '${port.name}' to '${ctrlName}' would make a loop (Too many levels of symbolic links)`)
    const rules = typeDescriptor(ctrl.type).controller!
    if (rules.refusesPort?.(port.type) !== undefined) throw simError(`${port.type} '${port.name}' cannot be a port of ${ctrl.type} '${ctrlName}'`)
    if (rules.portsDown === true && port.state === 'up') throw simError(`'${port.name}' can not be enslaved to ${ctrl.type} '${ctrlName}' while up`)
    if (port.controller === ctrlName) return
    if (rules.setsPortMtu === true && port.mtu !== ctrl.mtu) this.setMtu(port, ctrl.mtu!)
    if (port.controller) this.release(port)
    port.controller = ctrlName
    const options = rules.portOptions
    if (options !== undefined) (port as unknown as Record<string, unknown>)[options.prop] = kernelDefaults(options.fields)
    if (rules.cyclesPorts === true) this.cycle(port)
  }
}
