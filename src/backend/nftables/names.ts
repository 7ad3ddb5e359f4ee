/**
 * Names and strings written into nft scripts: hostnet's one table per target, the names of a network's chains in
 * it (derived from the bridge name by a reversible escape, so any valid interface name gives a valid, unique nft
 * identifier), interface names as quoted nft strings, and comments.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { kernelIfNameProblem } from '../../model/values/ifname.js'

/** hostnet's table in every target: `inet hostnet`; each network owns chains `<kind>_<escaped bridge>` in it. */
export const HOSTNET_TABLE = 'hostnet'
export const HOSTNET_TABLE_FAMILY = 'inet'
/** nft drops comments longer than this (NFTNL_UDATA_COMMENT_MAXLEN). */
export const NFT_COMMENT_MAX_BYTES = 128

/** Characters kept as they are in a table name; every other byte becomes `_xx` (two lower-case hex digits). */
const PLAIN_RE = /^[A-Za-z0-9.-]$/

/**
 * The bridge name with every byte outside [A-Za-z0-9.-] written as `_xx` (`_` itself is `_5f`). The escape is
 * injective, so two bridges never share a chain name, and {@link bridgeFromEscaped} reverses it.
 */
export function escapeBridgeName(bridgeName: string): string {
  checkBridgeName(bridgeName)
  let out = ''
  for (const ch of bridgeName) {
    if (PLAIN_RE.test(ch)) out += ch
    else for (const b of Buffer.from(ch, 'utf8')) out += `_${b.toString(16).padStart(2, '0')}`
  }
  return out
}

/** The chain `kind` (e.g. `forward`) of the network on `bridgeName`: `forward_<escaped bridge>`. */
export function nftChainName(kind: string, bridgeName: string): string {
  return `${kind}_${escapeBridgeName(bridgeName)}`
}

/** The bridge name an escaped body was made from, or undefined when `body` is not such an escape. */
export function bridgeFromEscaped(body: string): string | undefined {
  const bytes: number[] = []
  for (let i = 0; i < body.length; ) {
    const ch = body[i]!
    if (ch === '_') {
      const hex = body.slice(i + 1, i + 3)
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined
      bytes.push(parseInt(hex, 16))
      i += 3
    } else if (PLAIN_RE.test(ch)) {
      bytes.push(ch.charCodeAt(0))
      i += 1
    } else {
      return undefined
    }
  }
  const name = Buffer.from(bytes).toString('utf8')
  // only canonical encodings of valid names are ours (this also rejects invalid UTF-8)
  if (nftIfNameProblem(name) !== undefined) return undefined
  return escapeBridgeName(name) === body ? name : undefined
}

/** The kind and bridge of one of hostnet's chain names (`forward_virbr0`), or undefined for any other name. */
export function parseChainName(chain: string): { kind: string; bridgeName: string } | undefined {
  const at = chain.indexOf('_')
  if (at <= 0) return undefined
  const bridgeName = bridgeFromEscaped(chain.slice(at + 1))
  return bridgeName === undefined ? undefined : { kind: chain.slice(0, at), bridgeName }
}

/**
 * Why an interface name cannot be written as an nft string, or undefined. nft's scanner has no escape for `"`,
 * and a backslash would be read as the escape of a trailing `*`.
 */
export function nftIfNameProblem(name: string): string | undefined {
  const problem = kernelIfNameProblem(name)
  if (problem !== undefined) return problem
  if (name.includes('"')) return 'contains a double quote, which nft cannot express'
  if (name.includes('\\')) return 'contains a backslash, which nft cannot express'
  return undefined
}

function checkBridgeName(name: string): void {
  const problem = nftIfNameProblem(name)
  if (problem !== undefined) {
    throw new HostnetError('invalid-argument', `invalid bridge name '${name}' for the firewall: ${problem}`, {
      details: { value: name },
    })
  }
}

/**
 * An interface name as a quoted nft string for `iifname`/`oifname`. A trailing `*` would make nft match every
 * name with that prefix, so it is escaped; `what` names the field in errors (e.g. `forward dev of network 'x'`).
 */
export function nftIfNameString(name: string, what: string): string {
  const problem = nftIfNameProblem(name)
  if (problem !== undefined) {
    throw new HostnetError('not-supported', `invalid ${what} '${name}': ${problem}`, { details: { value: name } })
  }
  return name.endsWith('*') ? `"${name.slice(0, -1)}\\*"` : `"${name}"`
}

/** A quoted nft comment: printable ASCII only (`"` and `\` become `'` and `/`), at most 128 bytes. */
export function nftComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  const ascii = text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?')
  return `"${ascii.slice(0, NFT_COMMENT_MAX_BYTES)}"`
}
