/**
 * Define-time work of the network driver (libvirt's networkValidate + virNetworkObjAssignDef checks): the name
 * must be usable as data (file names, configuration), the definition must pass `validateNetworkDef`, the L3
 * modes get their bridge name and MAC filled in (kept in the definition), and name/UUID clashes with the
 * target's other networks are refused.
 * @module
 */
import { cut, HostnetError, ValidationError } from '../../errors.js'
import { userIfNameProblem } from '../../model/values/ifname.js'
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
    throw new ValidationError(`invalid network name '${cut(JSON.stringify(name).slice(1, -1))}': ${problem}`, {
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

/**
 * The device names a definition mentions besides its own bridge (an existing bridge, the pool's devices and PF)
 * follow the one device-name rule, like every name hostnet is given.
 */
function checkDeviceNames(def: NetworkDef, l3: boolean): void {
  const names: Array<[string, string, string | undefined]> = []
  if (!l3 && def.bridge?.name !== undefined) names.push(['bridge name', '/network/bridge/@name', def.bridge.name])
  names.push(['<pf> device', '/network/forward/pf/@dev', def.forward.pf])
  def.forward.interfaces.forEach((i, n) => names.push(['<forward> interface', `/network/forward/interface[${n + 1}]/@dev`, i.dev]))
  for (const [what, path, name] of names) {
    const problem = name === undefined ? undefined : userIfNameProblem(name)
    if (problem !== undefined) {
      throw new ValidationError(`invalid ${what} '${cut(name)}' in network '${def.name}': ${problem}`, {
        path,
        value: name,
        object: networkObject(def.name),
      })
    }
  }
}

/** Validate and complete a definition: bridge name and MAC for the L3 modes. */
export function prepareDefinition(def: NetworkDef, ctx: PrepareContext): NetworkDef {
  checkNetworkName(def.name)
  validateNetworkDef(def)
  const l3 = forwardCapabilities(def.forward.mode).l3
  checkDeviceNames(def, l3)
  if (!l3) return def
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
