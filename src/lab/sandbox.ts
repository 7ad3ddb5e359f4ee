/**
 * The sandbox: a namespace NAME with four veth "NICs" eth0..eth3 (up), whose peers swp0..swp3 are ports of the
 * bridge `uplink` (STP off, forward delay 0) in a second namespace `NAME-sw`, the "uplink switch". Hairpin mode
 * per switch port decides whether traffic may leave a port it came in on (two endpoints behind one NIC, e.g.
 * VEPA macvlans, need it). Everything is made in one `ip -batch` per namespace (backend/iproute2's link layer).
 * @module
 */
import { LinkLayer, type LinkInfo, type LinkOp } from '../backend/iproute2/index.js'
import { HostnetError, ValidationError } from '../errors.js'
import type { Target } from '../model/target.js'
import { checkNetnsName, createNetns, deleteNetns, listNetns, netnsExists, NETNS_NAME_MAX, stopNetnsProcesses, type NetnsOptions } from '../sys/netns.js'
import { guestNetnsName, outsideNetnsName, sandboxGuests } from './sandbox-outside.js'

export const SANDBOX_NIC_COUNT = 4
export const SWITCH_SUFFIX = '-sw'
export const UPLINK_BRIDGE = 'uplink'

export interface SandboxOptions extends NetnsOptions {
  name: string
  /** Hairpin mode of the switch port of eth0, eth1, ... (missing entries: off). */
  hairpin?: boolean[]
}

export interface SandboxNic {
  /** The NIC in the sandbox namespace (eth0..eth3). */
  name: string
  /** Its peer: a port of the uplink bridge in the switch namespace (swp0..swp3). */
  switchPort: string
  state?: 'up' | 'down'
  mac?: string
  hairpin?: boolean
}

export interface SandboxStatus {
  name: string
  switchNetns: string
  exists: boolean
  switchExists: boolean
  nics: SandboxNic[]
}

export function nicName(i: number): string {
  return `eth${i}`
}

export function switchPortName(i: number): string {
  return `swp${i}`
}

/** The switch namespace of sandbox `name`, after checking that both names are valid. */
export function sandboxSwitchName(name: string): string {
  checkNetnsName(name, 'sandbox name')
  // the name goes into an `ip -batch` line, where '#' starts a comment and a leading quote opens a string
  if (name.includes('#') || name.startsWith('"') || name.startsWith("'")) {
    throw new ValidationError(`invalid sandbox name '${name}': contains '#' or starts with a quote`, { value: name })
  }
  if (Buffer.byteLength(name, 'utf8') + SWITCH_SUFFIX.length > NETNS_NAME_MAX) {
    const max = NETNS_NAME_MAX - SWITCH_SUFFIX.length
    throw new ValidationError(`invalid sandbox name '${name}': no room for the suffix '${SWITCH_SUFFIX}' (at most ${max} bytes)`, {
      value: name,
    })
  }
  return `${name}${SWITCH_SUFFIX}`
}

function checkHairpin(name: string, hairpin: readonly boolean[]): void {
  if (hairpin.length > SANDBOX_NIC_COUNT) {
    const msg = `invalid hairpin list of sandbox '${name}': ${hairpin.length} entries for ${SANDBOX_NIC_COUNT} NICs`
    throw new ValidationError(msg, { value: hairpin })
  }
}

function switchOps(name: string, hairpin: readonly boolean[]): LinkOp[] {
  const ops: LinkOp[] = [
    { kind: 'link.set', name: 'lo', state: 'up' },
    { kind: 'link.add', name: UPLINK_BRIDGE, type: { kind: 'bridge', options: { stp: false, forwardDelaySec: 0 } } },
    { kind: 'link.set', name: UPLINK_BRIDGE, state: 'up' },
  ]
  for (let i = 0; i < SANDBOX_NIC_COUNT; i++) {
    const port = switchPortName(i)
    ops.push(
      { kind: 'link.add', name: port, type: { kind: 'veth', peer: { name: nicName(i), netns: name } } },
      { kind: 'link.set', name: port, controller: UPLINK_BRIDGE },
      { kind: 'link.set', name: port, bridgePort: { hairpin: hairpin[i] === true } },
      { kind: 'link.set', name: port, state: 'up' },
    )
  }
  return ops
}

function nicOps(): LinkOp[] {
  return [{ kind: 'link.set', name: 'lo', state: 'up' }, ...Array.from({ length: SANDBOX_NIC_COUNT }, (_, i): LinkOp => ({ kind: 'link.set', name: nicName(i), state: 'up' }))]
}

const netns = (name: string): Target => ({ kind: 'netns', name })

function linkLayer(opts: NetnsOptions): LinkLayer {
  return new LinkLayer(opts.runner === undefined ? {} : { runner: opts.runner })
}

/** Create the sandbox; a conflict if either namespace exists. On failure nothing is left behind. */
export async function createSandbox(opts: SandboxOptions): Promise<SandboxStatus> {
  const { name } = opts
  const sw = sandboxSwitchName(name)
  const hairpin = opts.hairpin ?? []
  checkHairpin(name, hairpin)
  for (const ns of [name, sw]) {
    if (netnsExists(ns, opts)) {
      throw new HostnetError('conflict', `cannot create sandbox '${name}': network namespace '${ns}' already exists`)
    }
  }
  const links = linkLayer(opts)
  try {
    await createNetns(name, opts)
    await createNetns(sw, opts)
    await links.apply(netns(sw), switchOps(name, hairpin), `make the uplink switch of sandbox '${name}'`)
    await links.apply(netns(name), nicOps(), `bring up the NICs of sandbox '${name}'`)
  } catch (e) {
    await destroySandbox(name, opts)
    throw e
  }
  return sandboxStatus(name, opts)
}

/** Remove both namespaces (idempotent). */
export async function destroySandbox(name: string, opts: NetnsOptions = {}): Promise<{ name: string; removed: string[] }> {
  const sw = sandboxSwitchName(name)
  const removed: string[] = []
  // what `sandbox guest add` made around it: the outside and the guests (only when they exist)
  const around = [outsideNetnsName(name), ...sandboxGuests(name, listNetns(opts)).map((g) => guestNetnsName(name, g))]
  for (const ns of [name, sw, ...around]) {
    if (!netnsExists(ns, opts)) continue
    // the networks' dnsmasq and other daemons inside would keep the namespace alive after its name goes
    await stopNetnsProcesses(ns, opts)
    if (await deleteNetns(ns, opts)) removed.push(ns)
  }
  return { name, removed }
}

function nicIndex(name: string, nic: number | string): number {
  const i = typeof nic === 'number' ? nic : /^eth([0-9])$/.test(nic) ? Number(nic.slice(3)) : NaN
  if (!Number.isInteger(i) || i < 0 || i >= SANDBOX_NIC_COUNT) {
    throw new ValidationError(`invalid NIC '${nic}' of sandbox '${name}': expected eth0..eth${SANDBOX_NIC_COUNT - 1}`, { value: nic })
  }
  return i
}

/** Turn hairpin mode on or off on the switch port of one NIC (`eth2` or 2). */
export async function setUplinkHairpin(name: string, nic: number | string, on: boolean, opts: NetnsOptions = {}): Promise<void> {
  const sw = sandboxSwitchName(name)
  const i = nicIndex(name, nic)
  if (!netnsExists(sw, opts)) throw new HostnetError('not-found', `sandbox '${name}' does not exist`)
  await linkLayer(opts).apply(netns(sw), [{ kind: 'link.set', name: switchPortName(i), bridgePort: { hairpin: on } }], `set hairpin mode on switch port ${switchPortName(i)}`)
}

async function linksByName(links: LinkLayer, ns: string, details: boolean): Promise<Map<string, LinkInfo>> {
  return new Map((await links.links(netns(ns), { details })).map((l) => [l.name, l]))
}

export async function sandboxStatus(name: string, opts: NetnsOptions = {}): Promise<SandboxStatus> {
  const sw = sandboxSwitchName(name)
  const links = linkLayer(opts)
  const exists = netnsExists(name, opts)
  const switchExists = netnsExists(sw, opts)
  const nicLinks = exists ? await linksByName(links, name, false) : new Map<string, LinkInfo>()
  const ports = switchExists ? await linksByName(links, sw, true) : new Map<string, LinkInfo>()
  const nics: SandboxNic[] = []
  for (let i = 0; i < SANDBOX_NIC_COUNT; i++) {
    const nic: SandboxNic = { name: nicName(i), switchPort: switchPortName(i) }
    const l = nicLinks.get(nic.name)
    if (l !== undefined) nic.state = l.up ? 'up' : 'down'
    if (l?.mac !== undefined) nic.mac = l.mac
    const hairpin = ports.get(nic.switchPort)?.hairpin
    if (hairpin !== undefined) nic.hairpin = hairpin
    nics.push(nic)
  }
  return { name, switchNetns: sw, exists, switchExists, nics }
}
