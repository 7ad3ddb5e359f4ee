/**
 * libvirt's virNetworkUpdate vocabulary: commands, sections and flags (virsh's names and the API's numbers), and
 * what a live update must do to the running network (libvirt's networkUpdate in bridge_driver.c): which sections
 * refresh the firewall, which restart dnsmasq and which only make it re-read its hosts files (SIGHUP).
 * The section edits themselves are in codec/libvirt-xml/network/update.ts (they parse the update's XML).
 * @module
 */
import { HostnetError, type ErrorKind } from '../../errors.js'
import type { NetworkDef } from './network-def.js'
import { networkIpHasDhcp } from './ip.js'

/** virsh's command names, in the order of libvirt's codes (MODIFY = 1 … ADD_FIRST = 4). `add` means add-last. */
export const NETWORK_UPDATE_COMMANDS = ['modify', 'delete', 'add-last', 'add-first'] as const
export type NetworkUpdateCommand = (typeof NETWORK_UPDATE_COMMANDS)[number]

/** virsh's section names, in the order of libvirt's codes (BRIDGE = 1 … DNS_SRV = 12). */
export const NETWORK_UPDATE_SECTIONS = [
  'bridge',
  'domain',
  'ip',
  'ip-dhcp-host',
  'ip-dhcp-range',
  'forward',
  'forward-interface',
  'forward-pf',
  'portgroup',
  'dns-host',
  'dns-txt',
  'dns-srv',
] as const
export type NetworkUpdateSection = (typeof NETWORK_UPDATE_SECTIONS)[number]

/** What one net-update asks: libvirt's (command, section, parentIndex, xml). */
export interface NetworkUpdateRequest {
  readonly command: NetworkUpdateCommand
  readonly section: NetworkUpdateSection
  /** The `<ip>` (by position) a DHCP host or range goes to; -1 (any negative): the one with DHCP, else the first. */
  readonly parentIndex: number
  /** The element to add, modify or match (`<host>`, `<range>`, `<portgroup>`, ...). */
  readonly xml: string
}

/** libvirt's error codes the update refuses with, and the hostnet error kind each maps to. */
export const LIBVIRT_UPDATE_ERRORS = {
  VIR_ERR_OPERATION_UNSUPPORTED: 'not-supported',
  VIR_ERR_OPERATION_INVALID: 'conflict',
  VIR_ERR_XML_ERROR: 'invalid-argument',
  VIR_ERR_XML_DETAIL: 'invalid-argument',
  VIR_ERR_CONFIG_UNSUPPORTED: 'invalid-argument',
} as const satisfies Record<string, ErrorKind>
export type LibvirtUpdateError = keyof typeof LIBVIRT_UPDATE_ERRORS

/** A refusal with libvirt's error code in `details.libvirtError` and the network in `details.object`. */
export function updateRefused(code: LibvirtUpdateError, network: string, message: string, details: Record<string, unknown> = {}): HostnetError {
  return new HostnetError(LIBVIRT_UPDATE_ERRORS[code], message, { details: { ...details, libvirtError: code, object: `network '${network}'` } })
}

export function parseUpdateCommand(text: string): NetworkUpdateCommand {
  if (text === 'add') return 'add-last'
  const c = NETWORK_UPDATE_COMMANDS.find((x) => x === text)
  if (c === undefined) {
    throw new HostnetError('invalid-argument', `unrecognized command name '${text}' (one of add, ${NETWORK_UPDATE_COMMANDS.join(', ')})`, {
      details: { path: 'command', value: text },
    })
  }
  return c
}

export function parseUpdateSection(text: string): NetworkUpdateSection {
  const s = NETWORK_UPDATE_SECTIONS.find((x) => x === text)
  if (s === undefined) {
    throw new HostnetError('invalid-argument', `unrecognized section name '${text}' (one of ${NETWORK_UPDATE_SECTIONS.join(', ')})`, {
      details: { path: 'section', value: text },
    })
  }
  return s
}

/** `--parent-index N`: a decimal integer from -1 (the `<ip>` with DHCP) to 65535; virsh's default is -1. */
export function parseParentIndex(text: string): number {
  const n = /^-?[0-9]{1,5}$/.test(text) ? Number(text) : NaN
  if (!(n >= -1 && n <= 65535)) {
    throw new HostnetError('invalid-argument', `invalid parent index '${text.slice(0, 32)}': expected a decimal integer from -1 to 65535`, {
      details: { path: '--parent-index', value: text.slice(0, 32) },
    })
  }
  return n
}

/** `--live`, `--config`, `--current` (neither: current), as virsh takes them. */
export interface UpdateScopeFlags {
  live?: boolean
  config?: boolean
  current?: boolean
}

/** Which definitions an update changes: the running one, the persistent one, or both. */
export interface UpdateScope {
  live: boolean
  config: boolean
}

/**
 * libvirt's flag rules: `--current` excludes the other two; neither given means current, which is the live
 * definition of an active network and the persistent one of an inactive network.
 */
export function resolveUpdateScope(flags: UpdateScopeFlags, active: boolean): UpdateScope {
  if (flags.current === true && (flags.live === true || flags.config === true)) {
    throw new HostnetError('invalid-argument', 'Options --current and --live/--config are mutually exclusive', { details: { path: '--current' } })
  }
  const live = flags.live === true
  const config = flags.config === true
  if (!live && !config) return active ? { live: true, config: false } : { live: false, config: true }
  return { live, config }
}

/** What a live update must do to the running network's services. */
export interface UpdateEffects {
  /** The firewall rules are rebuilt (libvirt: none/nat/route networks, sections that may change them). */
  firewall: boolean
  /**
   * dnsmasq: `restart` for what lives in its configuration file (it cannot re-read it), `reload` (rewrite the
   * hosts files, SIGHUP) for DHCP and DNS hosts, `none` otherwise.
   */
  dnsmasq: 'restart' | 'reload' | 'none'
}

const FIREWALL_SECTIONS: ReadonlySet<NetworkUpdateSection> = new Set(['forward', 'forward-interface', 'ip', 'ip-dhcp-range', 'ip-dhcp-host'])
const RESTART_SECTIONS: ReadonlySet<NetworkUpdateSection> = new Set(['bridge', 'domain', 'ip', 'ip-dhcp-range', 'dns-txt', 'dns-srv'])

/** Whether an IPv4 `<ip>` serves DHCP (libvirt's "are we listening for DHCP" before and after an update). */
function ipv4DhcpActive(def: NetworkDef): boolean {
  return def.ips.some((ip) => ip.address.family === 'ipv4' && networkIpHasDhcp(ip))
}

/** libvirt's networkUpdate: the effects of changing `section` of an active network from `before` to `after`. */
export function updateEffects(section: NetworkUpdateSection, before: NetworkDef, after: NetworkDef): UpdateEffects {
  const mode = before.forward.mode
  const firewall = (mode === 'none' || mode === 'nat' || mode === 'route') && FIREWALL_SECTIONS.has(section)
  let dnsmasq: UpdateEffects['dnsmasq'] = 'none'
  if (RESTART_SECTIONS.has(section)) dnsmasq = 'restart'
  else if (section === 'ip-dhcp-host') dnsmasq = ipv4DhcpActive(before) !== ipv4DhcpActive(after) ? 'restart' : 'reload'
  else if (section === 'dns-host') dnsmasq = 'reload'
  return { firewall, dnsmasq }
}
