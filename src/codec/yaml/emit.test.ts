import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { desiredArb, HOST } from '../../../test/helpers/host-arbitraries.js'
import { emitYaml } from './emit.js'
import { formatStateYaml, stateDocument } from './state-doc.js'

const library = (doc: Record<string, unknown>): string => stringify(doc, { lineWidth: 0 })

/** Strings from an alphabet full of YAML's special characters, and the shapes the core schema reads as non-strings. */
const trickyString = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '.', ':', '-', '+', '_', '/', '@', ' ', '#', '"', "'", '!', '&', '*', '?', '|', '>', '%', '[', ']', '{', '}', ',', '\n', 'e', 'x', 'o'), maxLength: 8 }),
  fc.constantFrom('true', 'False', 'NULL', '~', '.inf', '-.Inf', '.NaN', '0x1F', '0o17', '1e3', '-12', '+7', '3.', '.5', 'fe80::1', '::1', '00:00:00:00:00:00', 'eth0.100', 'a:', 'y', 'no', ''),
)
const scalarArb = fc.oneof(trickyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0))
const docArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalarArb, tie('map'), tie('list')),
  map: fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
}))

test('what the emitter writes is what the yaml library writes; what it cannot write it leaves (undefined)', () => {
  fc.assert(
    fc.property(docArb.map as fc.Arbitrary<Record<string, unknown>>, (doc) => {
      const mine = emitYaml(doc)
      if (mine !== undefined) assert.equal(mine, library(doc))
    }),
    { numRuns: 3000 },
  )
})

test('host states: formatStateYaml equals the library, and handles the usual ones', () => {
  let handled = 0
  fc.assert(
    fc.property(desiredArb, (state) => {
      const mine = formatStateYaml(state)
      if (mine === undefined) return
      handled++
      assert.equal(mine, library(stateDocument(state)))
    }),
    { numRuns: 500 },
  )
  assert.ok(handled > 400, `the emitter wrote ${handled} of 500 documents`)
  const host = formatStateYaml({ ...HOST, interfaces: [...HOST.interfaces, { name: 'v0', type: 'veth', state: 'up', mtu: 1500, mac: 'fe:00:00:00:00:01', controller: null, ipv6: { addresses: [{ ip: 'fe80::1', prefixLength: 64 }, { ip: '::1', prefixLength: 128 }] } }] })
  assert.equal(host, library(stateDocument({ ...HOST, interfaces: [...HOST.interfaces, { name: 'v0', type: 'veth', state: 'up', mtu: 1500, mac: 'fe:00:00:00:00:01', controller: null, ipv6: { addresses: [{ ip: 'fe80::1', prefixLength: 64 }, { ip: '::1', prefixLength: 128 }] } }] })))
  assert.match(host!, /^ {8}- ip: ::1$/m)
})

test('quoting cases: the emitter leaves them to the library', () => {
  for (const s of ['1', 'true', 'null', 'a: b', ' a', 'a:', '-', '.inf', '0x1f', 'a b']) assert.equal(emitYaml({ k: s }), undefined, s)
  assert.equal(emitYaml({ k: '' }), 'k: ""\n')
  assert.equal(emitYaml({ k: [], m: {}, l: [{}, 1, { a: [2] }] }), library({ k: [], m: {}, l: [{}, 1, { a: [2] }] }))
})
