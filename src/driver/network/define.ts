/**
 * Define-time work of the network driver (libvirt's networkValidate + virNetworkObjAssignDef checks): the name
 * must be usable as data (file names, configuration), the definition must pass `validateNetworkDef`, the L3
 * modes get their bridge name and MAC filled in (kept in the definition), and name/UUID clashes with the
 * target's other networks are refused.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { networkFileNameProblem } from '../../backend/dnsmasq/index.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { firstChild, getAttr } from '../../codec/xml/dom.js'
import { parseXml } from '../../codec/xml/parse.js'
import { forwardCapabilities } from '../../model/network/capabilities.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { validateNetworkDef } from '../../model/network/validate.js'
import type { NetworkRecord } from '../../store/networks.js'
import { assignBridgeName } from './bridge-name.js'
import { generateNetworkMac } from './mac.js'

/** Why a network name cannot be used, or undefined (names are data: they never become paths or config syntax). */
export function networkNameProblem(name: string): string | undefined {
  return networkFileNameProblem(name)
}

export function checkNetworkName(name: string): void {
  const problem = networkNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid network name '${JSON.stringify(name).slice(1, -1)}': ${problem}`, {
      path: '/network/name',
      value: name,
      object: networkObject(name),
    })
  }
}

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

/** Parse stored XML (which always has a UUID, so parsing is deterministic); cached per process. */
export function parseStoredXml(xml: string): NetworkDef {
  const hit = parsed.get(xml)
  if (hit !== undefined) return hit
  const def = withStoredPf(parseNetworkXml(xml), xml)
  if (parsed.size >= PARSE_CACHE_MAX) parsed.clear()
  parsed.set(xml, def)
  return def
}

/** The definition a record currently stands for: the live one while it runs, else the persistent one. */
export function currentDef(rec: NetworkRecord): NetworkDef {
  const xml = rec.status === 'inactive' ? (rec.configXml ?? rec.liveXml) : (rec.liveXml ?? rec.configXml)
  if (xml === undefined) throw new HostnetError('bug', `network '${rec.name}' has no definition in the store`)
  return parseStoredXml(xml)
}

/** Bridge names of every other network of the target (live and persistent definitions). */
export function bridgeNamesInUse(records: readonly NetworkRecord[], except: string): Set<string> {
  const out = new Set<string>()
  for (const r of records) {
    if (r.name === except) continue
    for (const xml of [r.configXml, r.liveXml]) {
      const name = xml === undefined ? undefined : parseStoredXml(xml).bridge?.name
      if (name !== undefined) out.add(name)
    }
  }
  return out
}

export interface PrepareContext {
  /** The target's other networks. */
  records: readonly NetworkRecord[]
  /** Devices of the target, when known (needed only to allocate a name). */
  devices?: ReadonlySet<string>
  random?: (n: number) => Uint8Array
}

/** Validate and complete a definition: bridge name and MAC for the L3 modes. */
export function prepareDefinition(def: NetworkDef, ctx: PrepareContext): NetworkDef {
  checkNetworkName(def.name)
  validateNetworkDef(def)
  if (!forwardCapabilities(def.forward.mode).l3) return def
  const name = assignBridgeName(def.bridge?.name, {
    network: def.name,
    usedByNetworks: bridgeNamesInUse(ctx.records, def.name),
    ...(ctx.devices === undefined ? {} : { devices: ctx.devices }),
  })
  const mac = def.mac ?? generateNetworkMac(ctx.random)
  return { ...def, bridge: { ...def.bridge, name }, mac }
}

/** Whether the definition needs the target's device list to be prepared (a bridge name must be allocated). */
export function needsDeviceList(def: NetworkDef): boolean {
  const requested = def.bridge?.name
  return forwardCapabilities(def.forward.mode).l3 && (requested === undefined || requested.includes('%'))
}

/** libvirt's duplicate rules: one name per UUID and one UUID per name within the target. */
export function checkDuplicates(def: NetworkDef, byName: NetworkRecord | undefined, byUuid: NetworkRecord | undefined): void {
  if (byUuid !== undefined && byUuid.name !== def.name) {
    throw new HostnetError('conflict', `network '${byUuid.name}' is already defined with uuid ${byUuid.uuid}`, {
      details: { path: '/network/uuid', value: def.uuid, object: networkObject(def.name) },
    })
  }
  if (byName !== undefined && byName.uuid !== def.uuid) {
    throw new HostnetError('conflict', `network '${def.name}' already exists with uuid ${byName.uuid}`, {
      details: { path: '/network/uuid', value: def.uuid, object: networkObject(def.name) },
    })
  }
}
