/**
 * Defensive readers for `ip -json` output: every accessor returns undefined for a missing or mistyped field,
 * so a new or odd field in some iproute2 version is ignored instead of crashing a query.
 * @module
 */

export type JsonObject = Readonly<Record<string, unknown>>

export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : []
}

export function str(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key]
  return typeof v === 'string' ? v : undefined
}

/** A number, also when iproute2 printed it as a decimal or 0x-hex string (e.g. `group_fwd_mask`). */
export function num(o: JsonObject | undefined, key: string): number | undefined {
  const v = o?.[key]
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return Number(v)
  return undefined
}

/** A boolean, also from the 0/1 numbers some `info_data` fields use. */
export function bool(o: JsonObject | undefined, key: string): boolean | undefined {
  const v = o?.[key]
  if (typeof v === 'boolean') return v
  if (v === 0 || v === 1) return v === 1
  return undefined
}

export function obj(o: JsonObject | undefined, key: string): JsonObject | undefined {
  return asObject(o?.[key])
}

/** Copy of `o` without the keys whose value is undefined (for exactOptionalPropertyTypes): `defined<T>({...})`. */
export function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {}
  const src = o as Record<string, unknown>
  for (const k in src) if (src[k] !== undefined) out[k] = src[k]
  return out as T
}
