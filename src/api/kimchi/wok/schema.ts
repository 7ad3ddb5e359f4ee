/**
 * The request schemas of Kimchi's API.json, validated the way wok does it (jsonschema Draft 3): the first
 * violation found, in the order of the schema's properties, raises InvalidParameter with the `error` code of the
 * failing schema node and `%(value)s` = the offending value; a missing required property reports the code of the
 * object that lacks it; a node without a code reports WOKAPI0008E.
 *
 * Where Kimchi's schemas are looser than they mean to be, ours are exact (documented in README): string enums
 * instead of alternations anchored only at their ends (`^isolated|nat|...$` let `natural` through), and item
 * schemas that are enforced (API.json's `"ref"` typo left template interfaces unchecked).
 * @module
 */
import { invalid } from './errors.js'

export interface Schema {
  /** Code raised when this node is violated (or, for an object, when a required property is missing). */
  error?: string
  type?: 'object' | 'string' | 'integer' | 'number' | 'array' | 'boolean'
  /** Allowed values (strings compared exactly). */
  enum?: readonly unknown[]
  /** A fixed, trusted pattern (never a client's). */
  pattern?: RegExp
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  items?: Schema
  properties?: Readonly<Record<string, Schema & { required?: boolean }>>
  /** false: unknown keys are refused with this node's code. */
  additionalProperties?: false
}

export interface Violation {
  code: string
  value: unknown
  /** jsonschema's wording, for WOKAPI0008E. */
  err: string
}

function typeOk(type: NonNullable<Schema['type']>, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v)
    case 'array':
      return Array.isArray(v)
    case 'string':
      return typeof v === 'string'
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v)
    case 'number':
      return typeof v === 'number' && Number.isFinite(v)
    case 'boolean':
      return typeof v === 'boolean'
  }
}

/** Python's str() of a JSON value, roughly: what Kimchi puts in `%(value)s`. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  return JSON.stringify(v) ?? String(v)
}

function violation(node: Schema, value: unknown, err: string): Violation {
  return { code: node.error ?? 'WOKAPI0008E', value, err }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The first violation of `schema` by `value`, or undefined. */
export function firstViolation(schema: Schema, value: unknown): Violation | undefined {
  if (schema.type !== undefined && !typeOk(schema.type, value)) return violation(schema, value, `${pyStr(value)} is not of type '${schema.type}'`)
  if (schema.enum !== undefined && !schema.enum.some((e) => e === value)) return violation(schema, value, `${pyStr(value)} is not one of ${JSON.stringify(schema.enum)}`)
  if (typeof value === 'string') {
    const len = [...value].length
    if (schema.minLength !== undefined && len < schema.minLength) return violation(schema, value, `${JSON.stringify(value)} is too short`)
    if (schema.maxLength !== undefined && len > schema.maxLength) return violation(schema, value, `${JSON.stringify(value)} is too long`)
    if (schema.pattern !== undefined && !schema.pattern.test(value)) return violation(schema, value, `${JSON.stringify(value)} does not match ${schema.pattern.source}`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return violation(schema, value, `${value} is less than the minimum of ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum) return violation(schema, value, `${value} is greater than the maximum of ${schema.maximum}`)
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return violation(schema, value, `${pyStr(value)} is too short`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return violation(schema, value, `${pyStr(value)} is too long`)
    if (schema.uniqueItems === true && value.some((x, i) => value.findIndex((y) => sameJson(x, y)) !== i)) return violation(schema, value, `${pyStr(value)} has non-unique elements`)
    if (schema.items !== undefined) {
      for (const item of value) {
        const v = firstViolation(schema.items, item)
        if (v !== undefined) return v
      }
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    const props = schema.properties ?? {}
    if (schema.additionalProperties === false) {
      const extra = Object.keys(obj).find((k) => !Object.prototype.hasOwnProperty.call(props, k))
      if (extra !== undefined) return violation(schema, extra, `Additional properties are not allowed ('${extra}' was unexpected)`)
    }
    for (const [key, sub] of Object.entries(props)) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (sub.required === true) return violation(schema, value, `'${key}' is a required property`)
        continue
      }
      const v = firstViolation(sub, obj[key])
      if (v !== undefined) return v
    }
  }
  return undefined
}

/** Validate a request body; throws InvalidParameter (400) with Kimchi's code. */
export function validateParams(schema: Schema, params: unknown): void {
  const v = firstViolation(schema, params)
  if (v === undefined) return
  if (v.code === 'WOKAPI0008E') throw invalid(v.code, { err: v.err })
  throw invalid(v.code, { value: pyStr(v.value) })
}
