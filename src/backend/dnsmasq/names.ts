/**
 * Network names are data, not paths. This maps a network name to the names of its dnsmasq files inside a
 * directory without letting the name escape the directory or break the configuration that mentions the files.
 *
 * libvirt builds the hosts-file paths with the network name XML-escaped (virBufferEscapeString: `<>&'"` become
 * entities), because dnsmasq's configuration parser treats `"` as a quote (the corpus case
 * nat-network-name-with-quotes); it uses the raw name for the config and pid files, so a pid file of a name with
 * quotes would break the config. hostnet applies the same escaping to every file, and escapes `#` as well (dnsmasq
 * reads `#` after whitespace as the start of a comment). Since `&` itself is escaped the mapping is injective:
 * two networks never share a file. Names that cannot be file names at all are rejected: empty, `.`, `..`,
 * containing `/`, NUL or another control character, or too long for a file name.
 * @module
 */
import { ValidationError } from '../../errors.js'
import { networkObject } from '../../model/network/network-def.js'

/** Longest file name the file system takes (NAME_MAX), in bytes. */
export const FILE_NAME_MAX_BYTES = 255
/** Room kept for the longest suffix added to the stem (`.addnhosts` plus a temporary-file suffix). */
export const FILE_SUFFIX_RESERVE_BYTES = 16

const ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&apos;',
  '"': '&quot;',
  '#': '&#35;',
}

/** Why `name` cannot name a network's files, or undefined if it can. */
export function networkFileNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty'
  if (name === '.' || name === '..') return `may not be '${name}'`
  if (name.includes('/')) return "contains '/'"
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character'
  const bytes = new TextEncoder().encode(encodeStem(name)).length
  if (bytes > FILE_NAME_MAX_BYTES - FILE_SUFFIX_RESERVE_BYTES) return 'is too long for a file name'
  return undefined
}

function encodeStem(name: string): string {
  return name.replace(/[<>&'"#]/g, (c) => ENTITIES[c] ?? c)
}

/**
 * The file-name stem of a network: the name with `<>&'"#` escaped as XML entities (what libvirt does for its
 * hosts files, plus `#`). Throws a ValidationError naming the network when the name cannot be a file name.
 */
export function networkFileStem(name: string): string {
  const problem = networkFileNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid network name '${JSON.stringify(name).slice(1, -1)}': ${problem}`, {
      path: '/network/name',
      value: name,
      object: networkObject(name),
    })
  }
  return encodeStem(name)
}

/** The files of one network's dnsmasq instance. */
export interface DnsmasqPaths {
  /** The directory holding all of them. */
  readonly dir: string
  readonly conf: string
  /** `--dhcp-hostsfile`: static DHCP hosts. */
  readonly hostsfile: string
  /** `--addn-hosts`: DNS host entries. */
  readonly addnhosts: string
  readonly pid: string
  /** dnsmasq's lease database (`--dhcp-leasefile`). */
  readonly leases: string
}

/** Paths of the network's files in `dir` (no trailing slash needed; one is removed). */
export function dnsmasqPaths(dir: string, networkName: string): DnsmasqPaths {
  const stem = networkFileStem(networkName)
  const base = `${dir.length > 1 ? dir.replace(/\/+$/, '') : dir}/${stem}`
  return {
    dir,
    conf: `${base}.conf`,
    hostsfile: `${base}.hostsfile`,
    addnhosts: `${base}.addnhosts`,
    pid: `${base}.pid`,
    leases: `${base}.leases`,
  }
}
