/**
 * The plain-subset YAML reader against the `yaml` library: on every document it accepts, it must give exactly the
 * library's value; on every document the library refuses, it must give up (so the library words the error).
 * Checked on nmstate's example documents, on generated documents in several styles, and on random mutations of
 * them (the mutations are where a hand-written reader goes wrong).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { parseDocument, stringify } from 'yaml'
import { ValidationError } from '../../errors.js'
import { readPlainYaml, resolvePlain } from './plain-reader.js'
import { jsonNestingDepth, yamlNestingBound } from './nesting.js'

function library(text: string): { value: unknown } | { error: string } {
  try {
    const doc = parseDocument(text, { uniqueKeys: true, version: '1.2' })
    if (doc.errors.length > 0) return { error: doc.errors[0]!.message }
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown }
  } catch (e) {
    return { error: (e as Error).message }
  }
}

/** The reader agrees with the library or gives up; returns whether it read the document itself. */
function agrees(text: string): boolean {
  let mine: ReturnType<typeof readPlainYaml>
  try {
    mine = readPlainYaml(text)
  } catch (e) {
    // only nesting beyond the limit is refused outright
    assert.ok(e instanceof ValidationError && /nested deeper/.test(e.message), `${String(e)}\n${text}`)
    return false
  }
  if (!('value' in mine)) return false
  const lib = library(text)
  assert.ok('value' in lib, `the reader accepted what the library refuses (${'error' in lib ? lib.error : ''}):\n${JSON.stringify(text)}`)
  assert.deepStrictEqual(mine.value, lib.value, JSON.stringify(text))
  return true
}

const examples = '/work/shared/conformance/nmstate-examples'

test("nmstate's examples: all in the subset, read exactly as the library reads them", { skip: !existsSync(examples) }, () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yml'))
  assert.ok(files.length > 40)
  for (const f of files) assert.ok(agrees(readFileSync(join(examples, f), 'utf8')), f)
})

test('core-schema scalars resolve as the library resolves them', () => {
  const samples = ['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', 'off', '0', '-0', '+12', '007', '0o17', '0o18',
    '0x1F', '0X1F', '0xg', '1.5', '.5', '5.', '1e3', '1E-3', '-.inf', '+.Inf', '.NAN', '.nan', 'nan', '1_000', '12:30', '10.0.0.1', '2001:db8::1', '52:54:00:ab:cd:ef',
    '1.2.3', '0.', '+', '.', '1e', 'e1', '0b101', '99999999999999999999']
  for (const s of samples) {
    const lib = library(`k: ${s}\n`)
    assert.ok('value' in lib, s)
    assert.deepStrictEqual({ k: resolvePlain(s) }, lib.value, s)
  }
})

const KEYS = ['name', 'type', 'state', 'ipv4', 'prefix-length', '802.1x', 'a b', 'x#y', 'k:v', 'id', "o'k", 'q"t', '-dash', 'ü']
const STRINGS = ['br0', 'eth0.100', 'up', '10.0.0.1', 'fe80::1', '2001:db8::', 'a: b', 'a #b', '#c', "it's", 'say "hi"', '- x', '[x]', '{y}', 'a,b', 'yes', '0x10', '1.5', '',
  ' lead', 'trail ', 'tab\tin', 'new\nline', '\\back', '@at', '`tick', '%pct', '&amp', '*star', '!bang', '|pipe', '>gt', '?q', ':c', 'ü', '☃', 'a'.repeat(40)]

const scalar = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -5000, max: 5000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
)
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 }),
})).node

/** Random edits: the characters and line shapes that matter to YAML's syntax. */
const EDITS = [': ', ':', '- ', '-', '#', ' #', "'", '"', '[', ']', '{', '}', ',', ' ', '  ', '\n', '\n  ', '\n- ', '---', '...', '&a', '*a', '!t', '|', '>', '?', '\\', '%', '\r\n', '\t']
const mutation = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...EDITS), fc.nat({ max: 3 })), { minLength: 1, maxLength: 4 })

function mutate(text: string, edits: ReadonlyArray<readonly [number, string, number]>): string {
  let t = text
  for (const [at, ins, del] of edits) {
    const i = t.length === 0 ? 0 : at % (t.length + 1)
    t = t.slice(0, i) + ins + t.slice(i + del)
  }
  return t
}

test('generated documents in block and flow styles: the same value as the library, mostly without it', () => {
  let read = 0
  let total = 0
  fc.assert(
    fc.property(value, fc.constantFrom(0, 2, 4), fc.boolean(), (v, flowLevel, singleQuote) => {
      const text = stringify(v, { lineWidth: 0, flowCollectionPadding: flowLevel === 4, singleQuote, collectionStyle: flowLevel === 2 ? 'flow' : 'any' })
      total++
      if (agrees(text)) read++
    }),
    { numRuns: 1500 },
  )
  // the point of the reader: the common shapes do not fall back
  assert.ok(read > total * 0.5, `read ${read} of ${total}`)
})

test('random mutations: the reader never accepts what the library refuses, never differs', () => {
  fc.assert(
    fc.property(value, mutation, fc.boolean(), (v, edits, flow) => {
      agrees(mutate(stringify(v, { lineWidth: 0, ...(flow ? { collectionStyle: 'flow' as const } : {}) }), edits))
    }),
    { numRuns: 3000 },
  )
})

test('hand-picked shapes: compact entries, sequences under keys, comments, quoting, markers', () => {
  const accepted = [
    'a:\n- 1\n- 2\nb: x\n',
    '- - a\n  - b\n- c\n',
    '- name: x\n  ports:\n  - name: y\n    vlan: {id: 5}\n',
    '---\n# c\na: 1 # c\n\nb: "x\\ty" # c\n',
    "k: 'it''s'\n",
    'k: [a, b, ]\n',
    'k: {a: [1, {b: c}], d: "e,f"}\n',
    '- \n- x\n',
    '"quoted key": v\n',
    'url: http://x/y#z\n',
    'k: ü☃\n',
  ]
  for (const t of accepted) assert.ok(agrees(t), JSON.stringify(t))
  const refused = ['a: &x 1\nb: *x\n', 'k: |\n  text\n', 'k: !!str 1\n', 'k: a\n  b\n', 'a: 1\n---\nb: 2\n', '? a\n: b\n', 'k: "a\n  b"\n', 'k: [a,\n  b]\n', 'a: 1\na: 2\n', '1: x\n', '\ta: 1\n']
  for (const t of refused) assert.equal(agrees(t), false, JSON.stringify(t))
})

test('nesting: refused past the limit in the reader; the bounds used before the library and JSON.parse', () => {
  assert.throws(() => readPlainYaml('['.repeat(100) + ']'.repeat(100)), /nested deeper than 64/)
  assert.throws(() => readPlainYaml(Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')), /nested deeper than 64/)
  assert.throws(() => readPlainYaml('- '.repeat(100) + 'x'), /nested deeper than 64/)
  assert.ok(yamlNestingBound('a: &x [[[[[1]]]]]\n') >= 6)
  assert.ok(yamlNestingBound('a:\n  b:\n    c: 1\n') >= 3)
  assert.ok(yamlNestingBound('- - - - x\n') >= 4)
  assert.equal(jsonNestingDepth('{"a": [1, {"b": "[[[["}]}'), 3)
})
