/**
 * Network device names: the one rule every path that takes a device name from a user applies (desired-state
 * documents, libvirt interface and network XML, bridge names and templates, port `--ifname`, the REST API).
 *
 * The kernel takes almost anything (IFNAMSIZ-1 bytes, no '/', ':' or white space, not '.' or '..'), but most of
 * that breaks some tool a name reaches: `ip -batch` reads quotes and '#', dnsmasq's configuration reads ',' as
 * a list separator and '"' and '#' as syntax, nft reads a trailing '*' as a wildcard, the kernel reads '%d' as a
 * template, `ovs-vsctl` reads a leading '-' as an option, and `all` and `default` are the kernel's own sysctl
 * directories (`net.ipv4.conf.all`). So a name hostnet accepts is at most 15 bytes of `A-Z a-z 0-9 _ . -` (and,
 * beyond ASCII, letters, digits and combining marks), not starting with '-', and none of `.`, `..`, `all`,
 * `default`. Names hostnet makes for itself start with a reserved prefix
 * (`hngc` retired bridges, `hnp` port devices) and are refused as user names: hostnet tells its own devices from
 * everyone else's by more than their name, but a user's device should never even look like one.
 *
 * {@link kernelIfNameProblem} is the kernel's rule, for names read back from the system (a device someone else
 * made may have any name the kernel allows).
 * @module
 */
import { cut, ValidationError } from '../../errors.js'

export type IfName = string & { readonly __brand: 'IfName' }

export const IFNAME_MAX_BYTES = 15

/** Prefixes of the device names hostnet generates: retired bridges (`hngc…`) and port devices (`hnp…`). */
export const RESERVED_IFNAME_PREFIXES: readonly string[] = ['hngc', 'hnp']

/** Names the kernel uses for itself in /proc/sys/net/*\/conf/. */
const RESERVED_IFNAMES: ReadonlySet<string> = new Set(['all', 'default'])

/** ASCII letters, digits, '_', '.', '-', and beyond ASCII letters, digits and combining marks (`é`). */
const NAME_CHAR = /^[A-Za-z0-9_.\-\p{L}\p{N}\p{M}]+$/u

const encoder = new TextEncoder()

/** UTF-8 byte length (ASCII names, nearly all of them, need no encoding). */
function utf8Length(s: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : encoder.encode(s).length
}

/** Why the kernel would refuse `name` (dev_valid_name), or undefined. */
export function kernelIfNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty'
  if (name.length > IFNAME_MAX_BYTES * 4 || utf8Length(name) > IFNAME_MAX_BYTES) return `is longer than ${IFNAME_MAX_BYTES} bytes`
  if (name === '.' || name === '..') return `may not be '${name}'`
  if (name.includes('/')) return "contains '/'"
  if (name.includes(':')) return "contains ':'"
  if (/\s/.test(name)) return 'contains whitespace'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character'
  return undefined
}

/** The first character outside the allowed set, described for a message. */
function badCharacter(name: string): string {
  for (const ch of name) {
    if (!NAME_CHAR.test(ch)) {
      const code = ch.codePointAt(0)!
      return code < 0x20 || code === 0x7f || code > 0x7e ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`
    }
  }
  return '?'
}

/**
 * Why `name` is not a device name hostnet accepts (the syntax rule above, reserved names included but not the
 * reserved prefixes: see {@link userIfNameProblem}), or undefined.
 */
export function ifNameProblem(name: string): string | undefined {
  const kernel = kernelIfNameProblem(name)
  if (kernel !== undefined) return kernel
  if (!NAME_CHAR.test(name)) {
    const bad = badCharacter(name)
    const template = bad === "'%'" ? " (a '%d' template is only taken as a network's bridge name)" : ''
    return `contains ${bad}${template}: a device name is made of letters, digits, '_', '.' and '-'`
  }
  if (name.startsWith('-')) return "starts with '-'"
  if (RESERVED_IFNAMES.has(name)) return `may not be '${name}' (a name the kernel uses for its own settings)`
  return undefined
}

/** The reserved prefix `name` starts with, or undefined. */
export function reservedIfNamePrefix(name: string): string | undefined {
  return RESERVED_IFNAME_PREFIXES.find((p) => name.startsWith(p))
}

/** {@link ifNameProblem}, and a name must not start with a prefix hostnet reserves for its own devices. */
export function userIfNameProblem(name: string): string | undefined {
  const problem = ifNameProblem(name)
  if (problem !== undefined) return problem
  const prefix = reservedIfNamePrefix(name)
  return prefix === undefined ? undefined : `starts with '${prefix}', which hostnet reserves for the devices it makes`
}

export function isIfName(name: string): name is IfName {
  return ifNameProblem(name) === undefined
}

/** Validate a device name given by a user (the full rule); `what` names the field for the error message. */
export function parseIfName(name: string, what = 'interface name', path?: string): IfName {
  const problem = userIfNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid ${what} '${cut(name)}': ${problem}`, { value: name, ...(path ? { path } : {}) })
  }
  return name as IfName
}
