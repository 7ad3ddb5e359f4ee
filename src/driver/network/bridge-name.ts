/**
 * Bridge names of the L3 modes (libvirt's networkBridgeNameValidate / networkFindUnusedBridgeName): an explicit
 * name must not be used by another network of the target; no name, or a template with one `%d` (`br%d`), takes
 * the first instance 0..MAX_BRIDGE_ID unused by the target's other networks and by its existing devices.
 * @module
 */
import { cut, HostnetError, ValidationError } from '../../errors.js'
import { networkObject } from '../../model/network/network-def.js'
import { userIfNameProblem } from '../../model/values/ifname.js'

export const DEFAULT_BRIDGE_TEMPLATE = 'virbr%d'
export const MAX_BRIDGE_ID = 256

/** Whether `name` is a template: exactly one `%`, followed by `d` (anything else with a '%' is refused). */
export function isBridgeTemplate(name: string | undefined): boolean {
  if (name === undefined) return false
  const first = name.indexOf('%')
  return first >= 0 && first === name.lastIndexOf('%') && name[first + 1] === 'd'
}

export interface BridgeNameContext {
  network: string
  /** Bridge names of the target's other networks. */
  usedByNetworks: ReadonlySet<string>
  /** Devices that exist in the target (undefined: not known, e.g. the namespace does not exist yet). */
  devices?: ReadonlySet<string>
}

/**
 * Why `name` (a concrete name, or a `%d` template) cannot name a network's bridge, or undefined. A template is
 * checked with the longest number it can take, so every instance it yields is a valid name.
 */
export function bridgeNameProblem(name: string): string | undefined {
  const concrete = isBridgeTemplate(name) ? name.replace('%d', String(MAX_BRIDGE_ID)) : name
  return userIfNameProblem(concrete)
}

function checkName(network: string, name: string): string {
  const problem = bridgeNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid bridge name '${cut(name)}' in network '${network}': ${problem}`, {
      path: '/network/bridge/@name',
      value: name,
      object: networkObject(network),
    })
  }
  return name
}

/** The name the network's bridge gets: explicit names are checked, templates and no name are allocated. */
export function assignBridgeName(requested: string | undefined, ctx: BridgeNameContext): string {
  if (requested !== undefined) checkName(ctx.network, requested)
  if (requested !== undefined && !isBridgeTemplate(requested)) {
    if (ctx.usedByNetworks.has(requested)) {
      throw new HostnetError('conflict', `bridge name '${requested}' already in use.`, {
        details: { path: '/network/bridge/@name', value: requested, object: networkObject(ctx.network) },
      })
    }
    return requested
  }
  const template = requested ?? DEFAULT_BRIDGE_TEMPLATE
  for (let id = 0; id <= MAX_BRIDGE_ID; id++) {
    const candidate = template.replace('%d', String(id))
    if (ctx.usedByNetworks.has(candidate) || ctx.devices?.has(candidate) === true) continue
    return candidate
  }
  throw new HostnetError('conflict', `Bridge generation exceeded max id ${MAX_BRIDGE_ID} for network '${ctx.network}'`, {
    details: { path: '/network/bridge/@name', object: networkObject(ctx.network) },
  })
}
