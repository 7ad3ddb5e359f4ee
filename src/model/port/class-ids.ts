/**
 * tc class ids of floor ports on a network bridge (libvirt's classIdMap): 0, 1 and 2 are reserved (the htb
 * root, the network class 1:1 and the default class 1:2); a new port takes the lowest free id. The status
 * file keeps them as a bitmap string (`<class_id bitmap='0-2,5'/>`, virBitmapFormat).
 * @module
 */
import { ValidationError } from '../../errors.js'

export const RESERVED_CLASS_IDS: readonly number[] = [0, 1, 2]

/** The lowest id not in use, at least 3 (libvirt's networkNextClassID on a map with 0-2 set). */
export function nextClassId(used: readonly number[]): number {
  const set = new Set(used)
  let id = 3
  while (set.has(id)) id++
  return id
}

/** Sorted, deduplicated ids, always including the reserved ones. */
export function normalizeClassIds(ids: readonly number[]): number[] {
  return [...new Set([...RESERVED_CLASS_IDS, ...ids])].sort((a, b) => a - b)
}

/** virBitmapFormat: `0-2,5,7-9`. */
export function formatClassIdBitmap(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const parts: string[] = []
  let i = 0
  while (i < sorted.length) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** Parse `0-2,5,7-9` (virBitmapParse without negation). */
export function parseClassIdBitmap(s: string): number[] {
  const out: number[] = []
  for (const part of s.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (m === null) {
      throw new ValidationError(`Failed to parse bitmap '${s}'`, { value: s, path: '/networkstatus/class_id/@bitmap' })
    }
    const lo = Number(m[1])
    const hi = m[2] === undefined ? lo : Number(m[2])
    if (hi < lo || hi > 0xffff) throw new ValidationError(`Failed to parse bitmap '${s}'`, { value: s })
    for (let k = lo; k <= hi; k++) out.push(k)
  }
  return normalizeClassIds(out)
}
