/**
 * SR-IOV and PCI facts from sysfs (libvirt's virNetDevGetVirtualFunctions, virPCIGetVirtualFunctionsFull,
 * virPCIGetNetName, virPCIIsVirtualFunction), read below a root that is a parameter (default `/sys`) so tests
 * can build a fake tree:
 *
 * - `<root>/class/net/<pf>/device/virtfn<N>` → the VF's PCI device (N = 0, 1, … until one is missing);
 * - `<root>/bus/pci/devices/<DDDD:BB:SS.F>/physfn` exists for a VF;
 * - `<root>/bus/pci/devices/<addr>/net/<name>` the network device(s) bound to a PCI function;
 * - `<root>/class/net/<name>/phys_port_id` chooses among several (as libvirt does; first entry otherwise).
 *
 * Addresses are plain `{domain, bus, slot, function}` objects (structurally model/netdev's PciAddress; this layer
 * imports no model).
 * @module
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { basename, join } from 'node:path'
import { HostnetError } from '../errors.js'

/** Environment variable of the sysfs root used for SR-IOV information (tests point it at a fake tree). */
export const SYSFS_ROOT_ENV = 'HOSTNET_SYSFS_ROOT'

export interface SysfsPciAddress {
  readonly domain: number
  readonly bus: number
  readonly slot: number
  readonly function: number
}

export interface SysfsVirtualFunction {
  /** The N of `virtfnN`. */
  readonly index: number
  readonly address: SysfsPciAddress
  /** The VF's network device, when a network driver is bound to it. */
  readonly netdev?: string
}

export interface SysfsOptions {
  /** Default `/sys`. */
  sysfsRoot?: string
}

const PCI_RE = /^([0-9a-fA-F]{4,}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/

/** `0000:04:10.1` → address (virPCIDeviceAddressParse), undefined when malformed. */
export function parsePciAddressText(s: string): SysfsPciAddress | undefined {
  const m = PCI_RE.exec(s.trim())
  if (m === null) return undefined
  const hex = (i: number): number => parseInt(m[i]!, 16)
  return { domain: hex(1), bus: hex(2), slot: hex(3), function: hex(4) }
}

export function formatPciAddressText(a: SysfsPciAddress): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0')
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${a.function.toString(16)}`
}

function root(opts: SysfsOptions): string {
  return opts.sysfsRoot ?? '/sys'
}

/** `<root>/bus/pci/devices/<addr>`. */
export function pciDevicePath(addr: SysfsPciAddress, opts: SysfsOptions = {}): string {
  return join(root(opts), 'bus', 'pci', 'devices', formatPciAddressText(addr))
}

function readTrimmed(path: string): string | undefined {
  if (!existsSync(path)) return undefined
  const s = readFileSync(path, 'utf8').trim()
  return s === '' ? undefined : s
}

/** `<root>/class/net/<name>/phys_port_id`, when the driver has one. */
export function readPhysPortId(netdev: string, opts: SysfsOptions = {}): string | undefined {
  return readTrimmed(join(root(opts), 'class', 'net', netdev, 'phys_port_id'))
}

function readPhysPortName(netdev: string, opts: SysfsOptions): string | undefined {
  return readTrimmed(join(root(opts), 'class', 'net', netdev, 'phys_port_name'))
}

const PF_PORT_NAME_RE = /(p[0-9]+$)|(p[0-9]+s[0-9]+$)/

/**
 * virPCIGetNetName (idx 0): the network device of a PCI function directory — the one with the PF's
 * phys_port_id, else the one whose phys_port_name looks like a PF port, else the first one; undefined when no
 * network driver is bound. Entries are taken in name order (readdir order is not stable).
 */
export function pciNetName(
  deviceDir: string,
  pfPhysPortId: string | undefined,
  opts: SysfsOptions = {},
): string | undefined {
  const netDir = join(deviceDir, 'net')
  if (!existsSync(netDir)) return undefined
  const names = readdirSync(netDir).sort()
  for (const name of names) {
    if (pfPhysPortId !== undefined) {
      if (readPhysPortId(name, opts) === pfPhysPortId) return name
      continue
    }
    const portName = readPhysPortName(name, opts)
    if (portName === undefined || PF_PORT_NAME_RE.test(portName)) return name
  }
  return names[0]
}

function addressOfLink(link: string): SysfsPciAddress {
  const target = basename(realpathSync(link))
  const a = parsePciAddressText(target)
  if (a === undefined) {
    throw new HostnetError('backend-failure', `Failed to parse PCI config address '${target}'`, { details: { link } })
  }
  return a
}

/** The VFs of the SR-IOV PF network device `pf`, in index order, with their network devices. */
export function readVirtualFunctions(pf: string, opts: SysfsOptions = {}): SysfsVirtualFunction[] {
  const device = join(root(opts), 'class', 'net', pf, 'device')
  if (!existsSync(device)) {
    throw new HostnetError('not-found', `Could not get Virtual functions on ${pf}: no device at ${device}`, {
      details: { object: `interface '${pf}'` },
    })
  }
  const physPortId = readPhysPortId(pf, opts)
  const out: SysfsVirtualFunction[] = []
  for (let index = 0; ; index++) {
    const link = join(device, `virtfn${index}`)
    if (!existsSync(link)) break
    const address = addressOfLink(link)
    const netdev = pciNetName(link, physPortId, opts)
    out.push(netdev === undefined ? { index, address } : { index, address, netdev })
  }
  return out
}

/** virPCIIsVirtualFunction: whether the PCI device has a `physfn` link. */
export function isVirtualFunction(addr: SysfsPciAddress, opts: SysfsOptions = {}): boolean {
  return existsSync(join(pciDevicePath(addr, opts), 'physfn'))
}

/** The PF of a VF (virPCIGetPhysicalFunction), or undefined when the device is not a VF. */
export function readPhysicalFunction(addr: SysfsPciAddress, opts: SysfsOptions = {}): SysfsPciAddress | undefined {
  const link = join(pciDevicePath(addr, opts), 'physfn')
  return existsSync(link) ? addressOfLink(link) : undefined
}

/** The network devices bound to a PCI function, in name order. */
export function readPciNetdevs(addr: SysfsPciAddress, opts: SysfsOptions = {}): string[] {
  const dir = join(pciDevicePath(addr, opts), 'net')
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

/** The PCI address of a network device (`<root>/class/net/<name>/device`), or undefined (virtual devices). */
export function readNetdevPciAddress(netdev: string, opts: SysfsOptions = {}): SysfsPciAddress | undefined {
  const link = join(root(opts), 'class', 'net', netdev, 'device')
  if (!existsSync(link)) return undefined
  return parsePciAddressText(basename(realpathSync(link)))
}
