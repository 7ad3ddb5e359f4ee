/**
 * Network definitions as the store holds them, parsed back (cached per process): the live or persistent XML of a
 * record, with a live pool's `<pf>` restored.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { firstChild, getAttr } from '../../codec/xml/dom.js'
import { parseXml } from '../../codec/xml/parse.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkRecord } from '../../store/networks.js'

/**
 * A live definition whose pool was built from its `<pf>` is stored with both (libvirt's live and status XML show
 * the `<pf>` and the generated list). libvirt's parser keeps only the pool when both are present, so the `<pf>` is
 * read back here: without it the live XML would lose the `<pf>` and `--inactive` would show the generated pool.
 */
function withStoredPf(def: NetworkDef, xml: string): NetworkDef {
  const f = def.forward
  if (f.pf !== undefined || (f.interfaces.length === 0 && f.addresses.length === 0) || !xml.includes('<pf')) return def
  const forward = firstChild(parseXml(xml), 'forward')
  const pf = forward === undefined ? undefined : firstChild(forward, 'pf')
  const dev = pf === undefined ? undefined : getAttr(pf, 'dev')
  return dev === undefined ? def : { ...def, forward: { ...f, pf: dev } }
}

const parsed = new Map<string, NetworkDef>()
const PARSE_CACHE_MAX = 2048
/** The cache is also bounded by the XML it holds (net-update makes a new document per update). */
const PARSE_CACHE_MAX_CHARS = 16 * 1024 * 1024
let cachedChars = 0

function remember(xml: string, def: NetworkDef): void {
  if (parsed.size >= PARSE_CACHE_MAX || cachedChars + xml.length > PARSE_CACHE_MAX_CHARS) {
    parsed.clear()
    cachedChars = 0
  }
  parsed.set(xml, def)
  cachedChars += xml.length
}

/** Parse stored XML (which always has a UUID, so parsing is deterministic); cached per process. */
export function parseStoredXml(xml: string): NetworkDef {
  const hit = parsed.get(xml)
  if (hit !== undefined) return hit
  const def = withStoredPf(parseNetworkXml(xml), xml)
  remember(xml, def)
  return def
}

/**
 * Tell the cache what `xml` parses to, when the caller formatted it from `def` itself (net-update stores a new
 * document per update, and its next update reads it back).
 */
export function rememberParsed(xml: string, def: NetworkDef): void {
  if (!parsed.has(xml)) remember(xml, def)
}

/** The XML a record currently stands for: the live definition while it runs, else the persistent one. */
export function currentXml(rec: NetworkRecord): string | undefined {
  return rec.status === 'inactive' ? (rec.configXml ?? rec.liveXml) : (rec.liveXml ?? rec.configXml)
}

/** The definition a record currently stands for: the live one while it runs, else the persistent one. */
export function currentDef(rec: NetworkRecord): NetworkDef {
  const xml = currentXml(rec)
  if (xml === undefined) throw new HostnetError('bug', `network '${rec.name}' has no definition in the store`)
  return parseStoredXml(xml)
}
