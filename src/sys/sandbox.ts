/**
 * The sandbox: a namespace NAME with four veth "NICs" eth0..eth3 (up), whose peers swp0..swp3 are ports of the
 * bridge `uplink` (STP off, forward delay 0) in a second namespace `NAME-sw`, the "uplink switch". Hairpin mode
 * per switch port decides whether traffic may leave a port it came in on (two endpoints behind one NIC, e.g.
 * VEPA macvlans, need it). Everything is made in one `ip -batch` per namespace.
 * @module
 */
import { HostnetError, ValidationError } from '../errors.js'
import { systemRunner, type Runner } from './exec.js'
import { checkNetnsName, createNetns, deleteNetns, listNetns, netnsExists, NETNS_NAME_MAX, stopNetnsProcesses, type NetnsOptions } from './netns.js'
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

function switchLines(name: string, hairpin: readonly boolean[]): string[] {
  const lines = [
    'link set dev lo up',
    `link add name ${UPLINK_BRIDGE} type bridge stp_state 0 forward_delay 0`,
    `link set dev ${UPLINK_BRIDGE} up`,
  ]
  for (let i = 0; i < SANDBOX_NIC_COUNT; i++) {
    const port = switchPortName(i)
    lines.push(
      `link add name ${port} type veth peer name ${nicName(i)} netns ${name}`,
      `link set dev ${port} master ${UPLINK_BRIDGE}`,
      `link set dev ${port} type bridge_slave hairpin ${hairpin[i] === true ? 'on' : 'off'}`,
      `link set dev ${port} up`,
    )
  }
  return lines
}

function nicLines(): string[] {
  return ['link set dev lo up', ...Array.from({ length: SANDBOX_NIC_COUNT }, (_, i) => `link set dev ${nicName(i)} up`)]
}

async function batch(runner: Runner, netns: string, lines: readonly string[]): Promise<void> {
  await runner.run(['ip', '-n', netns, '-batch', '-'], { input: `${lines.join('\n')}\n` })
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
  const runner = opts.runner ?? systemRunner
  try {
    await createNetns(name, opts)
    await createNetns(sw, opts)
    await batch(runner, sw, switchLines(name, hairpin))
    await batch(runner, name, nicLines())
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
  await batch(opts.runner ?? systemRunner, sw, [`link set dev ${switchPortName(i)} type bridge_slave hairpin ${on ? 'on' : 'off'}`])
}

type LinkJson = { ifname?: unknown; flags?: unknown; address?: unknown; linkinfo?: { info_slave_data?: { hairpin?: unknown } } }

async function links(runner: Runner, netns: string, details: boolean): Promise<Map<string, LinkJson>> {
  const res = await runner.run(['ip', '-n', netns, '-json', ...(details ? ['-details'] : []), 'link', 'show'])
  const out = new Map<string, LinkJson>()
  const parsed: unknown = JSON.parse(res.stdout || '[]')
  for (const l of Array.isArray(parsed) ? (parsed as LinkJson[]) : []) if (typeof l.ifname === 'string') out.set(l.ifname, l)
  return out
}

export async function sandboxStatus(name: string, opts: NetnsOptions = {}): Promise<SandboxStatus> {
  const sw = sandboxSwitchName(name)
  const runner = opts.runner ?? systemRunner
  const exists = netnsExists(name, opts)
  const switchExists = netnsExists(sw, opts)
  const nicLinks = exists ? await links(runner, name, false) : new Map<string, LinkJson>()
  const ports = switchExists ? await links(runner, sw, true) : new Map<string, LinkJson>()
  const nics: SandboxNic[] = []
  for (let i = 0; i < SANDBOX_NIC_COUNT; i++) {
    const nic: SandboxNic = { name: nicName(i), switchPort: switchPortName(i) }
    const l = nicLinks.get(nic.name)
    if (l !== undefined) nic.state = Array.isArray(l.flags) && l.flags.includes('UP') ? 'up' : 'down'
    if (typeof l?.address === 'string') nic.mac = l.address
    const hairpin = ports.get(nic.switchPort)?.linkinfo?.info_slave_data?.hairpin
    if (typeof hairpin === 'boolean') nic.hairpin = hairpin
    nics.push(nic)
  }
  return { name, switchNetns: sw, exists, switchExists, nics }
}
