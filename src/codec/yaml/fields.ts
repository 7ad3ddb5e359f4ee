/**
 * Strict readers for plain JS values decoded from a YAML/JSON document. Every reader knows where it is (a JSON
 * pointer) and what it is reading for (`interface 'br0'`), so every error names the object, the field and the
 * path. Unknown keys are refused.
 * @module
 */
import { ValidationError } from '../../errors.js'
import { notSupported, type NotSupported } from '../../model/host/types/descriptor.js'

/** Where a value sits in the document and which object it belongs to. */
export interface Ctx {
  /** JSON pointer, e.g. `/interfaces/2/vlan/id`. */
  readonly path: string
  /** Dotted field name as the user wrote it, e.g. `vlan.id` (empty at an object's root). */
  readonly field: string
  /** The object being defined, e.g. `interface 'br0'` or `route 3`. */
  readonly object: string
}

export type Obj = Record<string, unknown>

function escapePointer(key: string): string {
  if (key.indexOf('~') < 0 && key.indexOf('/') < 0) return key
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * A context below another, its path and field built only when asked for (an error, a message): a document of
 * 40,000 interfaces reads a few hundred thousand fields, and nearly all of them are fine.
 */
class SubCtx implements Ctx {
  private p: string | undefined
  private f: string | undefined
  readonly object: string

  constructor(
    private readonly parent: Ctx,
    private readonly key: string | number,
  ) {
    this.object = parent.object
  }

  get path(): string {
    return (this.p ??= `${this.parent.path}/${escapePointer(String(this.key))}`)
  }

  get field(): string {
    if (this.f === undefined) {
      const pf = this.parent.field
      this.f = typeof this.key === 'number' ? `${pf}[${this.key}]` : pf === '' ? this.key : `${pf}.${this.key}`
    }
    return this.f
  }
}

/** The context of `key` (an object key or a list index) inside `ctx`. */
export function sub(ctx: Ctx, key: string | number): Ctx {
  return new SubCtx(ctx, key)
}

export function fail(ctx: Ctx, problem: string, value?: unknown): never {
  throw new ValidationError(`${ctx.object}: ${problem}`, { path: ctx.path, value, object: ctx.object })
}

/** Re-throw a value-type parser's ValidationError with the object prefix and the document path. */
export function wrap<T>(ctx: Ctx, parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    if (e instanceof ValidationError) fail(ctx, e.message, e.value)
    throw e
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  return `${typeof v} ${JSON.stringify(v)}`
}

export function readObj(v: unknown, ctx: Ctx): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    fail(ctx, `${ctx.field || 'document'} must be a mapping, not ${describe(v)}`, v)
  }
  return v as Obj
}

/** A key hostnet knows (nmstate has it) and does not do: refused as not-supported (exit 5), not as invalid. */
export { notSupported, type NotSupported }

/** Refuse a value naming something hostnet does not do (kind not-supported), with its path. */
export function failNotSupported(ctx: Ctx, problem: string, value?: unknown): never {
  throw new ValidationError(`${ctx.object}: ${problem}`, { path: ctx.path, value, object: ctx.object, kind: 'not-supported' })
}

/** A key (or an interface of a type) hostnet does not do, left out of a document read with skipUnsupported. */
export interface SkippedKey {
  /** JSON pointer of what was left out. */
  readonly path: string
  /** The key as written (`802.1x`, `dns-resolver`), or the type of a left-out interface (`infiniband`). */
  readonly key: string
  /** The not-supported message a plain read would have thrown. */
  readonly message: string
}

/** Where the document being read collects what it skips (a read is synchronous: set only for its duration). */
let skipSink: SkippedKey[] | undefined

/**
 * Run `read` with not-supported keys left out and collected into `sink` instead of refused (`--skip-unsupported`):
 * never silent, the caller reports the sink. Invalid input is refused as always.
 */
export function skippingUnsupported<T>(sink: SkippedKey[], read: () => T): T {
  const outer = skipSink
  skipSink = sink
  try {
    return read()
  } finally {
    skipSink = outer
  }
}

/**
 * Whether a not-supported `key` at `ctx` is left out (recorded) rather than refused: true only inside
 * skippingUnsupported.
 */
export function skipNotSupported(ctx: Ctx, key: string, message: string): boolean {
  if (skipSink === undefined) return false
  skipSink.push({ path: ctx.path, key, message: `${ctx.object}: ${message}` })
  return true
}

/**
 * Refuse keys outside `allowed`; `hint` explains keys that are known but not accepted here (a string: invalid
 * here; `notSupported(...)`: a feature hostnet does not have, left out instead under skippingUnsupported).
 */
export function checkKeys(o: Obj, allowed: readonly string[], ctx: Ctx, hint?: (key: string) => string | NotSupported | undefined): void {
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue
    const why = hint?.(key)
    if (typeof why === 'object') {
      if (skipNotSupported(sub(ctx, key), key, why.notSupported)) continue
      failNotSupported(sub(ctx, key), why.notSupported, o[key])
    }
    const where = ctx.field === '' ? '' : ` in ${ctx.field}`
    fail(sub(ctx, key), why ?? `unknown key '${key}'${where}`, o[key])
  }
}

export function readList(v: unknown, ctx: Ctx): unknown[] {
  if (!Array.isArray(v)) fail(ctx, `${ctx.field} must be a list, not ${describe(v)}`, v)
  return v
}

export function readString(v: unknown, ctx: Ctx): string {
  if (typeof v !== 'string') fail(ctx, `${ctx.field} must be a string, not ${describe(v)}`, v)
  return v
}

export function readBool(v: unknown, ctx: Ctx): boolean {
  if (typeof v !== 'boolean') fail(ctx, `${ctx.field} must be true or false, not ${describe(v)}`, v)
  return v
}

export function readInt(v: unknown, ctx: Ctx, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(ctx, `invalid ${ctx.field} ${JSON.stringify(v) ?? String(v)}: must be an integer in ${min}..${max}`, v)
  }
  return v
}

export function readEnum<T extends string>(v: unknown, ctx: Ctx, values: readonly T[]): T {
  const s = readString(v, ctx)
  if (!(values as readonly string[]).includes(s)) {
    fail(ctx, `invalid ${ctx.field} '${s}': expected one of ${values.join(', ')}`, v)
  }
  return s as T
}

/** Read `o[key]` with `read` when present (and not null); `undefined` otherwise. */
export function opt<T>(o: Obj, key: string, ctx: Ctx, read: (v: unknown, c: Ctx) => T): T | undefined {
  const v = o[key]
  return v === undefined ? undefined : read(v, sub(ctx, key))
}

/** Copy defined values only (exactOptionalPropertyTypes: an optional property is absent, never undefined). */
export function defined<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  const out: Partial<T> = {}
  for (const k of Object.keys(o) as Array<keyof T>) {
    if (o[k] !== undefined) out[k] = o[k] as T[keyof T]
  }
  return out as T
}

export function isEmpty(o: object): boolean {
  return Object.keys(o).length === 0
}
