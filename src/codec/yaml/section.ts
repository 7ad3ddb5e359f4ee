/**
 * Type sections (`vlan:`, `link-aggregation:`, `bridge:`, ...) read and written from their descriptors'
 * field tables (model/host/types): one reader and one writer per kind of value, so a new type, or a new key of a
 * type, needs no code here. Keys are checked at every level (unknown ones refused, with the descriptor's hints);
 * errors name the field as the document spells it.
 * @module
 */
import { isGroup, type Field, type KeyHint, type LeafField, type SectionSpec, type ValueSpec } from '../../model/host/types/descriptor.js'
import { checkKeys, fail, failNotSupported, readBool, readEnum, readInt, readList, readObj, sub } from './fields.js'
import type { Ctx, Obj } from './fields.js'
import { readIfName, readMulticastIp, readUnicastIp } from './values.js'

type Rec = Record<string, unknown>

/** The keys a mapping level accepts: its fields' keys and aliases. */
function keysOf(fields: readonly Field[]): string[] {
  const out: string[] = []
  for (const f of fields) {
    out.push(f.yaml)
    if (!isGroup(f) && f.alias !== undefined) out.push(f.alias)
  }
  return out
}

function hinted(hint: KeyHint | undefined, ctx: Ctx): ((key: string) => ReturnType<KeyHint>) | undefined {
  return hint === undefined ? undefined : (key) => hint(key, ctx.field)
}

function readNumbered(v: number, ctx: Ctx, values: readonly string[]): string {
  const m = Number.isInteger(v) ? values[v] : undefined
  if (m === undefined) fail(ctx, `invalid ${ctx.field} ${v}: expected 0..${values.length - 1} or one of ${values.join(', ')}`, v)
  return m
}

function readKernelOptions(v: unknown, ctx: Ctx, spec: Extract<ValueSpec, { kind: 'kernel-options' }>): Record<string, string | number> {
  const o = readObj(v, ctx)
  const out: Record<string, string | number> = {}
  for (const [k, x] of Object.entries(o)) {
    const c = sub(ctx, k)
    const hint = spec.keyHint?.(k, ctx.field)
    if (typeof hint === 'object') failNotSupported(c, hint.notSupported, x)
    if (hint !== undefined) fail(c, hint, x)
    if (!spec.names.includes(k)) fail(c, `unknown ${spec.what} '${k}'`, x)
    if (typeof x === 'number') out[k] = readInt(x, c, 0, spec.max)
    else if (typeof x === 'string' && x !== '' && !/[\s]/.test(x)) out[k] = x
    else fail(c, `${spec.what} ${k} must be a non-negative integer or a word without spaces`, x)
  }
  return out
}

/** A set of unicast addresses, at most `max`: sorted and without duplicates. */
function readIpSet(v: unknown, ctx: Ctx, max: number): string[] {
  const list = readList(v, ctx)
  if (list.length > max) fail(ctx, `${ctx.field} has ${list.length} entries (at most ${max})`)
  return [...new Set(list.map((x, i) => readUnicastIp(x, sub(ctx, i))))].sort()
}

function readPort(v: unknown, ctx: Ctx, options: readonly Field[]): { name: string; options?: Rec } {
  const o = readObj(v, ctx)
  checkKeys(o, ['name', ...keysOf(options)], ctx)
  if (o['name'] === undefined) fail(ctx, `${ctx.field} needs a name`, v)
  const name = readIfName(o['name'], sub(ctx, 'name'))
  const opts: Rec = {}
  readFields(options, o, ctx, opts)
  return Object.keys(opts).length === 0 ? { name } : { name, options: opts }
}

function readValue(spec: ValueSpec, v: unknown, ctx: Ctx): unknown {
  switch (spec.kind) {
    case 'bool': return readBool(v, ctx)
    case 'int': return readInt(v, ctx, spec.min, spec.max)
    case 'enum': return spec.numbered === true && typeof v === 'number' ? readNumbered(v, ctx, spec.values) : readEnum(v, ctx, spec.values)
    case 'ifname': return readIfName(v, ctx)
    case 'ip': return spec.cast === 'unicast' ? readUnicastIp(v, ctx) : readMulticastIp(v, ctx)
    case 'ifnames': return readList(v, ctx).map((x, i) => readIfName(x, sub(ctx, i)))
    case 'ips': return readIpSet(v, ctx, spec.max)
    case 'kernel-options': return readKernelOptions(v, ctx, spec)
    case 'ports': return readList(v, ctx).map((x, i) => readPort(x, sub(ctx, i), spec.options))
  }
}

function readLeaf(f: LeafField, o: Obj, ctx: Ctx, out: Rec): void {
  if (f.alias !== undefined && o[f.yaml] !== undefined && o[f.alias] !== undefined) {
    fail(sub(ctx, f.alias), `give either ${ctx.field}.${f.yaml} or ${ctx.field}.${f.alias}, not both`)
  }
  const key = f.alias !== undefined && o[f.alias] !== undefined ? f.alias : f.yaml
  const v = o[key]
  if (v === undefined) return
  const c = sub(ctx, key)
  const value = readValue(f.value, v, c)
  const problem = (f.check as ((x: unknown, field: string) => string | undefined) | undefined)?.(value, c.field)
  if (problem !== undefined) fail(c, problem, v)
  out[f.key] = value
}

/** Read the fields of one mapping level (keys already checked) into `out`. */
function readFields(fields: readonly Field[], o: Obj, ctx: Ctx, out: Rec): void {
  for (const f of fields) {
    if (!isGroup(f)) {
      readLeaf(f, o, ctx, out)
      continue
    }
    if (o[f.yaml] === undefined) continue
    const c = sub(ctx, f.yaml)
    const inner = readObj(o[f.yaml], c)
    checkKeys(inner, keysOf(f.fields), c, hinted(f.keyHint, c))
    if (f.key === undefined) readFields(f.fields, inner, c, out)
    else {
      const rec: Rec = {}
      readFields(f.fields, inner, c, rec)
      out[f.key] = rec
    }
  }
}

/** A record of `fields` from the mapping `v` (a section, or the port-side options of a controller). */
export function readRecord(fields: readonly Field[], v: unknown, ctx: Ctx, hint?: KeyHint): Rec {
  const o = readObj(v, ctx)
  checkKeys(o, keysOf(fields), ctx, hinted(hint, ctx))
  const out: Rec = {}
  readFields(fields, o, ctx, out)
  return out
}

/** A type's section; `ctx.field` is the section key as written (checks across fields name it). */
export function readTypeSection(spec: SectionSpec, v: unknown, ctx: Ctx): Rec {
  const out = readRecord(spec.fields, v, ctx, spec.keyHint)
  const problem = (spec.check as ((s: Rec, key: string) => { field: string; message: string } | undefined) | undefined)?.(out, ctx.field)
  if (problem !== undefined) fail(sub(ctx, problem.field), problem.message)
  return out
}

function writeValue(spec: ValueSpec, v: unknown): unknown {
  if (spec.kind !== 'ports') return v
  return (v as Array<{ name: string; options?: Rec }>).map((p) => ({ name: p.name, ...(p.options === undefined ? {} : writeRecord(spec.options, p.options)) }))
}

/**
 * A record as the plain object parseRecord reads back: fields in table order, unset ones left out, a mapping
 * that only groups keys in documents (a bridge's `stp`) left out when empty.
 */
export function writeRecord(fields: readonly Field[], rec: Rec): Obj {
  const out: Obj = {}
  for (const f of fields) {
    if (!isGroup(f)) {
      const v = rec[f.key]
      if (v !== undefined) out[f.yaml] = writeValue(f.value, v)
    } else if (f.key === undefined) {
      const inner = writeRecord(f.fields, rec)
      if (Object.keys(inner).length > 0) out[f.yaml] = inner
    } else {
      const r = rec[f.key] as Rec | undefined
      if (r !== undefined) out[f.yaml] = writeRecord(f.fields, r)
    }
  }
  return out
}
