/**
 * Define-time work of the network driver (libvirt's networkValidate + virNetworkObjAssignDef checks): the name
 * must be usable as data (file names, configuration), the definition must pass `validateNetworkDef`, the L3
 * modes get their bridge name and MAC filled in (kept in the definition), and name/UUID clashes with the
 * target's other networks are refused.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { networkFileNameProblem } from '../../backend/dnsmasq/index.js'
import { forwardCapabilities } from '../../model/network/capabilities.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { validateNetworkDef } from '../../model/network/validate.js'
import type { NetworkRecord } from '../../store/networks.js'
import { assignBridgeName } from './bridge-name.js'
import { generateNetworkMac } from './mac.js'
import { currentDef, parseStoredXml } from './stored-def.js'

export { currentDef, parseStoredXml }

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
