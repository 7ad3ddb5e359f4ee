/**
 * `<virtualport>` profiles (libvirt's virNetDevVPortProfile) and their pure rules: which parameters each type
 * takes (CheckNoExtras), which it needs (CheckComplete, optionally generating instanceid / interfaceid with a
 * caller-supplied UUID generator: the model does no I/O) and the three-level merge done at port allocation
 * (Merge3: interface > network > portgroup, any real conflict is an error).
 *
 * Usage from other codecs/drivers:
 * - `checkVirtualPortNoExtras(vp)` / `checkVirtualPortComplete(vp, { generateUuid })` throw ValidationError.
 * - `mergeVirtualPorts(fromInterface, fromNetwork, fromPortgroup)` returns the merged profile or undefined.
 * - `generateMissingVirtualPortIds(vp, newUuid)` is the domain-interface parse flag "generate missing defaults".
 * Error messages follow libvirt's ("missing profileid in <virtualport type='802.1Qbh'>"); callers that know the
 * object pass `where` (e.g. `network 'default'`) to have it appended.
 * @module
 */
import { assertNever, ValidationError } from '../../errors.js'
import type { Uuid } from '../values/uuid.js'

export const VIRTUAL_PORT_TYPES = ['802.1Qbg', '802.1Qbh', 'openvswitch', 'midonet'] as const
export type VirtualPortType = (typeof VIRTUAL_PORT_TYPES)[number]

/** A virtualport profile. `type` undefined is libvirt's typeless profile (VIR_NETDEV_VPORT_PROFILE_NONE). */
export interface VirtualPort {
  readonly type?: VirtualPortType
  /** 802.1Qbg VSI manager id, 0..255. */
  readonly managerId?: number
  /** 802.1Qbg VSI type id, 0..0xffffff. */
  readonly typeId?: number
  /** 802.1Qbg VSI type version, 0..255. */
  readonly typeIdVersion?: number
  readonly instanceId?: Uuid
  /** 802.1Qbh port profile or Open vSwitch profile name: non-empty, at most 39 bytes. */
  readonly profileId?: string
  readonly interfaceId?: Uuid
}

export type VirtualPortParam = 'managerid' | 'typeid' | 'typeidversion' | 'instanceid' | 'profileid' | 'interfaceid'

export const VIRTUAL_PORT_PROFILE_ID_MAX_BYTES = 39
export const VIRTUAL_PORT_MANAGER_ID_MAX = 0xff
export const VIRTUAL_PORT_TYPE_ID_MAX = 0xffffff
export const VIRTUAL_PORT_TYPE_ID_VERSION_MAX = 0xff

export function isVirtualPortType(s: string): s is VirtualPortType {
  return (VIRTUAL_PORT_TYPES as readonly string[]).includes(s)
}

/** The type as libvirt prints it in messages (`none` for a typeless profile). */
export function virtualPortTypeName(vp: VirtualPort | undefined): string {
  return vp?.type ?? 'none'
}

/** Whether any parameter is specified (a typeless profile without parameters is not even formatted). */
export function virtualPortHasParameters(vp: VirtualPort): boolean {
  return (
    vp.managerId !== undefined ||
    vp.typeId !== undefined ||
    vp.typeIdVersion !== undefined ||
    vp.instanceId !== undefined ||
    vp.profileId !== undefined ||
    vp.interfaceId !== undefined
  )
}

/** Whether `param` is meaningful for profiles of `type` (what the formatter prints and Merge copies). */
export function virtualPortParamApplies(type: VirtualPortType | undefined, param: VirtualPortParam): boolean {
  switch (param) {
    case 'managerid':
    case 'typeid':
    case 'typeidversion':
    case 'instanceid':
      return type === undefined || type === '802.1Qbg'
    case 'interfaceid':
      return type === undefined || type === 'openvswitch' || type === 'midonet'
    case 'profileid':
      return type === undefined || type === 'openvswitch' || type === '802.1Qbh'
  }
}

function suffix(where: string | undefined): string {
  return where === undefined ? '' : ` in ${where}`
}

/** libvirt's CheckNoExtras: a typed profile may not carry parameters of another type. */
export function checkVirtualPortNoExtras(vp: VirtualPort, where?: string): void {
  let extra: VirtualPortParam | undefined
  switch (vp.type) {
    case undefined:
      return
    case '802.1Qbg':
      if (vp.profileId !== undefined) extra = 'profileid'
      else if (vp.interfaceId !== undefined) extra = 'interfaceid'
      break
    case '802.1Qbh':
      extra = firstQbgParam(vp) ?? (vp.interfaceId !== undefined ? 'interfaceid' : undefined)
      break
    case 'midonet':
    case 'openvswitch':
      extra = firstQbgParam(vp)
      // libvirt checks profileid for midonet first, then falls through to the openvswitch checks (which win)
      if (extra === undefined && vp.type === 'midonet' && vp.profileId !== undefined) extra = 'profileid'
      break
  }
  if (extra !== undefined) {
    throw new ValidationError(`extra ${extra} unsupported in <virtualport type='${vp.type}'>${suffix(where)}`, {
      value: vp,
    })
  }
}

function firstQbgParam(vp: VirtualPort): VirtualPortParam | undefined {
  if (vp.managerId !== undefined) return 'managerid'
  if (vp.typeId !== undefined) return 'typeid'
  if (vp.typeIdVersion !== undefined) return 'typeidversion'
  if (vp.instanceId !== undefined) return 'instanceid'
  return undefined
}

export interface CheckCompleteOptions {
  /** Generate a missing instanceid (802.1Qbg) or interfaceid (openvswitch) instead of failing. */
  generateUuid?: (() => Uuid) | undefined
  /** Appended to messages: `network 'default'`, `interface 'vnet0'`. */
  where?: string | undefined
}

/**
 * libvirt's CheckComplete: every parameter the type requires must be present. Returns the profile, with a
 * generated instanceid/interfaceid when `generateUuid` is given. Typeless profiles always pass.
 */
export function checkVirtualPortComplete(vp: VirtualPort, opts: CheckCompleteOptions = {}): VirtualPort {
  let missing: VirtualPortParam | undefined
  let out = vp
  switch (vp.type) {
    case undefined:
      return vp
    case '802.1Qbg':
      if (vp.managerId === undefined) missing = 'managerid'
      else if (vp.typeId === undefined) missing = 'typeid'
      else if (vp.typeIdVersion === undefined) missing = 'typeidversion'
      else if (vp.instanceId === undefined) {
        if (opts.generateUuid) out = { ...vp, instanceId: opts.generateUuid() }
        else missing = 'instanceid'
      }
      break
    case '802.1Qbh':
      if (vp.profileId === undefined) missing = 'profileid'
      break
    case 'openvswitch':
      if (vp.interfaceId === undefined) {
        if (opts.generateUuid) out = { ...vp, interfaceId: opts.generateUuid() }
        else missing = 'interfaceid'
      }
      break
    case 'midonet':
      if (vp.interfaceId === undefined) missing = 'interfaceid'
      break
  }
  if (missing !== undefined) {
    throw new ValidationError(`missing ${missing} in <virtualport type='${vp.type}'>${suffix(opts.where)}`, {
      value: vp,
    })
  }
  return out
}

/**
 * The parse flag VIR_VPORT_XML_GENERATE_MISSING_DEFAULTS (domain `<interface type='network'>` and friends):
 * a typeless or 802.1Qbg profile gets an instanceid, a typeless or openvswitch profile an interfaceid.
 */
export function generateMissingVirtualPortIds(vp: VirtualPort, newUuid: () => Uuid): VirtualPort {
  let out = vp
  if (out.instanceId === undefined && (vp.type === undefined || vp.type === '802.1Qbg')) {
    out = { ...out, instanceId: newUuid() }
  }
  if (out.interfaceId === undefined && (vp.type === undefined || vp.type === 'openvswitch')) {
    out = { ...out, interfaceId: newUuid() }
  }
  return out
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const MERGE_FIELDS: ReadonlyArray<readonly [VirtualPortParam, keyof VirtualPort]> = [
  ['managerid', 'managerId'],
  ['typeid', 'typeId'],
  ['typeidversion', 'typeIdVersion'],
  ['instanceid', 'instanceId'],
  ['interfaceid', 'interfaceId'],
  ['profileid', 'profileId'],
]

/** libvirt's Merge: fold `mods` into `orig`; a different type or a different value of a shared parameter is an error. */
function mergeInto(orig: Mutable<VirtualPort>, mods: VirtualPort | undefined, where: string | undefined): void {
  if (mods === undefined) return
  if (mods.type !== undefined) {
    if (orig.type !== undefined && orig.type !== mods.type) {
      throw new ValidationError(
        `attempt to merge virtualports with mismatched types (${orig.type} and ${mods.type})${suffix(where)}`,
        { value: { orig, mods } },
      )
    }
    orig.type = mods.type
  }
  const otype = orig.type
  for (const [param, key] of MERGE_FIELDS) {
    const v = mods[key]
    // midonet takes no interfaceid from the network or portgroup (libvirt's Merge only copies it for ovs/none)
    if (v === undefined || (param === 'interfaceid' && otype === 'midonet')) continue
    if (!virtualPortParamApplies(otype, param)) continue
    const have = orig[key]
    if (have !== undefined && have !== v) {
      const quote = typeof v === 'string' ? "'" : ''
      throw new ValidationError(
        `attempt to merge virtualports with mismatched ${param}s (${quote}${String(have)}${quote} and ${quote}${String(v)}${quote})${suffix(where)}`,
        { value: { orig, mods } },
      )
    }
    ;(orig as Record<string, unknown>)[key] = v
  }
}

/**
 * libvirt's virNetDevVPortProfileMerge3: the profile a port gets from its interface, the network and the selected
 * portgroup. Undefined when all three are absent or typeless (whatever their parameters). Priority is interface >
 * network > portgroup; since any real conflict (two different types, or one applicable parameter set to two
 * different values) throws, the order only decides which type is adopted first. Parameters that do not apply to the
 * resulting type are ignored.
 */
export function mergeVirtualPorts(
  fromInterface: VirtualPort | undefined,
  fromNetwork: VirtualPort | undefined,
  fromPortgroup: VirtualPort | undefined,
  where?: string,
): VirtualPort | undefined {
  if (fromInterface?.type === undefined && fromNetwork?.type === undefined && fromPortgroup?.type === undefined) {
    return undefined
  }
  const result: Mutable<VirtualPort> = { ...(fromInterface ?? {}) }
  mergeInto(result, fromNetwork, where)
  mergeInto(result, fromPortgroup, where)
  return result
}

/** Structural equality as libvirt's virNetDevVPortProfileEqual (only the parameters of the type count). */
export function virtualPortEquals(a: VirtualPort | undefined, b: VirtualPort | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  const type = a.type
  if (type !== b.type) return false
  switch (type) {
    case undefined:
      return true
    case '802.1Qbg':
      return (
        a.managerId === b.managerId &&
        a.typeId === b.typeId &&
        a.typeIdVersion === b.typeIdVersion &&
        a.instanceId === b.instanceId
      )
    case '802.1Qbh':
      return a.profileId === b.profileId
    case 'openvswitch':
      return a.profileId === b.profileId && a.interfaceId === b.interfaceId
    case 'midonet':
      return a.interfaceId === b.interfaceId
    default:
      return assertNever(type, 'virtualport type')
  }
}
