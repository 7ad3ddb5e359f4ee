/**
 * `<bandwidth [classID]><inbound …/><outbound …/></bandwidth>` parse/format (libvirt's netdev_bandwidth_conf.c).
 *
 * Options per location: `allowFloor` for domain `<interface type='network'>`, `<actual type='network'>` and
 * `<networkport>`; `allowClassId` only for `<networkport>`. Network and portgroup bandwidth allow neither.
 * ```ts
 * const { bandwidth, classId } = parseBandwidth(el, { allowFloor: true, allowClassId: true }, ctx)
 * formatBandwidth(bandwidth, { classId }) // OutElement | undefined
 * ```
 * A `<bandwidth>` without a non-zero `<inbound>`/`<outbound>` rate parses to `bandwidth: undefined`.
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { BANDWIDTH_BURST_MAX, BANDWIDTH_RATE_MAX, rateIsSet } from '../../../model/netdev/bandwidth.js'
import type { Bandwidth, BandwidthRate } from '../../../model/netdev/bandwidth.js'
import { childCtx, fail, firstElement, parseCUnsigned, prop, propUnsigned } from './props.js'
import type { ParseContext } from './props.js'

export interface BandwidthParseOptions {
  /** `floor` is accepted on `<inbound>` (never on `<outbound>`). */
  allowFloor?: boolean
  /** The `classID` attribute is accepted (networkport only). */
  allowClassId?: boolean
}

export interface ParsedBandwidth {
  bandwidth: Bandwidth | undefined
  classId: number | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function rateValue(node: XmlElement, name: string, max: number, ctx: ParseContext): number | undefined {
  const v = prop(node, name)
  if (v === undefined) return undefined
  const n = parseCUnsigned(v, 10, Number.MAX_SAFE_INTEGER)
  if (n === undefined && !/^\s*\+?[0-9]+$/.test(v)) {
    fail(ctx, `Invalid value for attribute '${name}' in element '${node.name}': '${v}'. Expected non-negative integer value`, {
      attr: name,
      value: v,
    })
  }
  if (n === undefined || n > max) {
    fail(ctx, `value '${v.trim()}' is too big for '${name}' parameter, maximum is '${max}'`, { attr: name, value: v })
  }
  return n
}

function parseRate(node: XmlElement, allowFloor: boolean, ctx: ParseContext): BandwidthRate {
  const average = rateValue(node, 'average', BANDWIDTH_RATE_MAX, ctx)
  const peak = rateValue(node, 'peak', BANDWIDTH_RATE_MAX, ctx)
  const burst = rateValue(node, 'burst', BANDWIDTH_BURST_MAX, ctx)
  const floor = rateValue(node, 'floor', BANDWIDTH_RATE_MAX, ctx)
  if (average === undefined && floor === undefined) {
    fail(ctx, `Missing mandatory average or floor attributes in <${node.name}>`)
  }
  if ((peak !== undefined || burst !== undefined) && average === undefined) {
    fail(ctx, `'peak' and 'burst' require 'average' attribute in <${node.name}>`)
  }
  if (floor !== undefined && !allowFloor) {
    fail(ctx, `floor attribute is not supported for this config (<${node.name}>)`, { attr: 'floor', value: floor })
  }
  // zero means "unset" in libvirt: keep only non-zero values
  const rate: Mutable<BandwidthRate> = {}
  if (average) rate.average = average
  // peak and burst are meaningless without a non-zero average; libvirt keeps them after average='0' and then
  // prints a rate it would itself reject (`peak` without `average`), so they are dropped here
  if (peak && average) rate.peak = peak
  if (burst && average) rate.burst = burst
  if (floor) rate.floor = floor
  return rate
}

export function parseBandwidth(node: XmlElement, opts: BandwidthParseOptions, ctx: ParseContext): ParsedBandwidth {
  const classId = propUnsigned(node, 'classID', ctx)
  if (classId !== undefined && !opts.allowClassId) {
    fail(ctx, 'classID attribute not supported on <bandwidth> in this usage context', {
      attr: 'classID',
      value: classId,
    })
  }
  const out: Mutable<Bandwidth> = {}
  const inbound = firstElement(node, 'inbound')
  const inRate = inbound && parseRate(inbound, opts.allowFloor ?? false, childCtx(ctx, 'inbound'))
  const outbound = firstElement(node, 'outbound')
  const outRate = outbound && parseRate(outbound, false, childCtx(ctx, 'outbound'))
  // Deviation from libvirt: an all-zero rate is dropped here (libvirt keeps it and prints an empty
  // <bandwidth></bandwidth>, which then parses back as "no bandwidth": not a fixed point).
  if (rateIsSet(inRate)) out.inbound = inRate
  if (rateIsSet(outRate)) out.outbound = outRate
  return { bandwidth: out.inbound || out.outbound ? out : undefined, classId }
}

function formatRate(name: string, rate: BandwidthRate | undefined): OutElement | undefined {
  if (!rateIsSet(rate)) return undefined
  return el(name, [
    ['average', rate.average || undefined],
    ['peak', rate.peak || undefined],
    ['floor', rate.floor || undefined],
    ['burst', rate.burst || undefined],
  ])
}

/**
 * libvirt's format: attribute order average, peak, floor, burst; a rate with neither average nor floor is left
 * out, and so is a `<bandwidth>` without any rate left (libvirt would print it empty).
 */
export function formatBandwidth(
  bw: Bandwidth | undefined,
  opts: { classId?: number | undefined } = {},
): OutElement | undefined {
  if (bw === undefined || (!rateIsSet(bw.inbound) && !rateIsSet(bw.outbound))) return undefined
  return el(
    'bandwidth',
    [['classID', opts.classId || undefined]],
    [formatRate('inbound', bw.inbound), formatRate('outbound', bw.outbound)],
    { neverSelfClose: true },
  )
}
