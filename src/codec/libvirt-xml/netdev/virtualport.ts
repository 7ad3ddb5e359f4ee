/**
 * `<virtualport type=…><parameters …/></virtualport>` parse/format (libvirt's netdev_vport_profile_conf.c).
 *
 * Flags per location (spec §7):
 * | location                                   | options                                                   |
 * |--------------------------------------------|-----------------------------------------------------------|
 * | `<network><virtualport>`                   | `{ requireType: true }`                                   |
 * | `<portgroup>`, `<networkport>`             | `{}`                                                      |
 * | domain `<interface type='network'>`        | `{ generateUuid }`                                        |
 * | domain `type='bridge'/'direct'/'hostdev'`  | `{ requireType: true, requireAll: true, generateUuid }`   |
 * | domain `<actual>` (status XML)             | `{ requireType: true, requireAll: true }`                 |
 *
 * `generateUuid` is injected (a driver passes a random UUID source; tests a deterministic one). Without it
 * nothing is generated. Example:
 * ```ts
 * const vp = parseVirtualPort(el, { requireType: true }, { path: '/network/virtualport', object: "network 'x'" })
 * const out = formatVirtualPort(vp) // OutElement | undefined (typeless without parameters prints nothing)
 * ```
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutAttr, OutElement } from '../../xml/write.js'
import {
  checkVirtualPortComplete,
  checkVirtualPortNoExtras,
  generateMissingVirtualPortIds,
  isVirtualPortType,
  virtualPortHasParameters,
  virtualPortParamApplies,
  VIRTUAL_PORT_MANAGER_ID_MAX,
  VIRTUAL_PORT_PROFILE_ID_MAX_BYTES,
  VIRTUAL_PORT_TYPE_ID_MAX,
  VIRTUAL_PORT_TYPE_ID_VERSION_MAX,
} from '../../../model/netdev/virtualport.js'
import type { VirtualPort, VirtualPortType } from '../../../model/netdev/virtualport.js'
import { tryParseUuid } from '../../../model/values/uuid.js'
import type { Uuid } from '../../../model/values/uuid.js'
import { HostnetError } from '../../../errors.js'
import { childCtx, fail, firstElement, parseCUnsigned, prop, utf8Length } from './props.js'
import type { ParseContext } from './props.js'

export interface VirtualPortParseOptions {
  /** VIR_VPORT_XML_REQUIRE_TYPE: a typeless `<virtualport>` is an error. */
  requireType?: boolean
  /** VIR_VPORT_XML_REQUIRE_ALL_ATTRIBUTES: every parameter the type needs must be present (CheckComplete). */
  requireAll?: boolean
  /** VIR_VPORT_XML_GENERATE_MISSING_DEFAULTS: generate missing instanceid / interfaceid with this. */
  generateUuid?: (() => Uuid) | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function parseNumberParam(
  params: XmlElement,
  name: string,
  max: number,
  ctx: ParseContext,
  rangeMsg: string,
): number | undefined {
  const v = prop(params, name)
  if (v === undefined) return undefined
  // base 0 as libvirt (decimal, 0x hex, leading-0 octal); range-checked separately for libvirt's messages
  const n = parseCUnsigned(v, 0, 0xffffffff)
  if (n === undefined) fail(ctx, `cannot parse value of ${name} parameter '${v}'`, { attr: name, value: v })
  if (n > max) fail(ctx, `${rangeMsg} (${v})`, { attr: name, value: v })
  return n
}

function parseUuidParam(params: XmlElement, name: string, ctx: ParseContext): Uuid | undefined {
  const v = prop(params, name)
  if (v === undefined) return undefined
  const u = tryParseUuid(v)
  if (u === undefined) fail(ctx, `cannot parse ${name} parameter '${v}' as a uuid`, { attr: name, value: v })
  return u
}

function parseParameters(params: XmlElement, out: Mutable<VirtualPort>, ctx: ParseContext): void {
  const managerId = parseNumberParam(
    params,
    'managerid',
    VIRTUAL_PORT_MANAGER_ID_MAX,
    ctx,
    'value of managerid out of range',
  )
  if (managerId !== undefined) out.managerId = managerId
  const typeId = parseNumberParam(params, 'typeid', VIRTUAL_PORT_TYPE_ID_MAX, ctx, 'value for typeid out of range')
  if (typeId !== undefined) out.typeId = typeId
  const typeIdVersion = parseNumberParam(
    params,
    'typeidversion',
    VIRTUAL_PORT_TYPE_ID_VERSION_MAX,
    ctx,
    'value of typeidversion out of range',
  )
  if (typeIdVersion !== undefined) out.typeIdVersion = typeIdVersion
  const instanceId = parseUuidParam(params, 'instanceid', ctx)
  if (instanceId !== undefined) out.instanceId = instanceId
  const profileId = prop(params, 'profileid')
  if (profileId !== undefined && utf8Length(profileId) > VIRTUAL_PORT_PROFILE_ID_MAX_BYTES) {
    fail(ctx, `profileid parameter too long (at most ${VIRTUAL_PORT_PROFILE_ID_MAX_BYTES} bytes)`, {
      attr: 'profileid',
      value: profileId,
    })
  }
  // an empty profileid is "not specified" in libvirt (profileID[0] == '\0')
  if (profileId) out.profileId = profileId
  const interfaceId = parseUuidParam(params, 'interfaceid', ctx)
  if (interfaceId !== undefined) out.interfaceId = interfaceId
}

/** Parse a `<virtualport>` element. Throws ValidationError (kind invalid-argument) on any libvirt parse error. */
export function parseVirtualPort(
  node: XmlElement,
  opts: VirtualPortParseOptions,
  ctx: ParseContext,
): VirtualPort {
  const out: Mutable<VirtualPort> = {}
  const type = prop(node, 'type')
  if (type !== undefined) {
    if (!isVirtualPortType(type)) {
      fail(ctx, `Invalid value for attribute 'type' in element 'virtualport': '${type}'.`, {
        attr: 'type',
        value: type,
      })
    }
    out.type = type
  } else if (opts.requireType) {
    fail(ctx, 'missing required virtualport type', { attr: 'type' })
  }
  const params = firstElement(node, 'parameters')
  if (params !== undefined) parseParameters(params, out, childCtx(ctx, 'parameters'))
  let vp: VirtualPort = out
  if (opts.generateUuid) vp = generateMissingVirtualPortIds(vp, opts.generateUuid)
  try {
    if (opts.requireAll) vp = checkVirtualPortComplete(vp, { where: ctx.object })
    checkVirtualPortNoExtras(vp, ctx.object)
  } catch (e) {
    if (e instanceof HostnetError) fail(ctx, e.message, { value: vp })
    throw e
  }
  return vp
}

function typeAttr(type: VirtualPortType | undefined): OutAttr[] {
  return type === undefined ? [] : [['type', type]]
}

/**
 * Format a profile as libvirt does: only the parameters relevant to the type (all specified ones when typeless),
 * `<virtualport type='x'/>` without parameters, nothing at all for a typeless profile without parameters.
 */
export function formatVirtualPort(vp: VirtualPort | undefined): OutElement | undefined {
  if (vp === undefined) return undefined
  if (!virtualPortHasParameters(vp)) return vp.type === undefined ? undefined : el('virtualport', typeAttr(vp.type))
  const t = vp.type
  const attrs: OutAttr[] = []
  if (virtualPortParamApplies(t, 'managerid')) attrs.push(['managerid', vp.managerId])
  if (virtualPortParamApplies(t, 'typeid')) attrs.push(['typeid', vp.typeId])
  if (virtualPortParamApplies(t, 'typeidversion')) attrs.push(['typeidversion', vp.typeIdVersion])
  if (virtualPortParamApplies(t, 'instanceid')) attrs.push(['instanceid', vp.instanceId])
  if (virtualPortParamApplies(t, 'interfaceid')) attrs.push(['interfaceid', vp.interfaceId])
  if (virtualPortParamApplies(t, 'profileid')) attrs.push(['profileid', vp.profileId])
  return el('virtualport', typeAttr(t), [el('parameters', attrs)])
}
