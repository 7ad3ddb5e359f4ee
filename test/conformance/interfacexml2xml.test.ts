/**
 * libvirt's interfacexml2xmltest (v9.9.0) against our host-interface codec: every case line of the corpus table
 * (bridge-no-address is listed twice upstream) parses and formats byte-identically to its input, read in place.
 * Every formatted output must also validate against libvirt's interface.rng.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { rngValidate } from '../helpers/rng.js'
import { formatInterfaceXml, parseInterfaceXml } from '../../src/codec/libvirt-xml/interface.js'

interface CaseRow {
  case: string
  expected: string
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'

function loadCases(): CaseRow[] {
  if (!available) return []
  const json = JSON.parse(readFileSync(join(conformanceDir(), 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }
  return json.tables['interfacexml2xmltest.c'] ?? []
}

const cases = loadCases()
const outputs: Array<{ name: string; xml: string }> = []
let passed = 0

cases.forEach((c, i) => {
  test(`interfacexml2xml #${i + 1} ${c.case}`, () => {
    assert.match(c.expected, /^SUCCESS/)
    const input = readFileSync(join(conformanceDir(), 'tests', 'interfaceschemadata', `${c.case}.xml`), 'utf8')
    const got = formatInterfaceXml(parseInterfaceXml(input))
    assert.equal(got, input)
    outputs.push({ name: c.case, xml: got })
    passed++
  })
})

test('interfacexml2xml: all 20 case lines round-trip identically', { skip }, () => {
  assert.equal(cases.length, 20)
  console.log(`conformance interfaceschemadata: ${passed}/${cases.length}`)
  assert.equal(passed, cases.length)
})

test('interfacexml2xml: every formatted output validates against interface.rng', { skip }, () => {
  assert.equal(outputs.length, 20)
  const bad = rngValidate('interface.rng', outputs).filter((r) => !r.ok)
  assert.deepEqual(bad, [])
})
