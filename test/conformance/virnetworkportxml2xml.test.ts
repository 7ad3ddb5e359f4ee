/**
 * libvirt's virnetworkportxml2xmltest (v9.9.0) against our network-port codec: every case parses and formats
 * byte-identically to its input, read in place. Every formatted output must also validate against libvirt's
 * networkport.rng.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { rngValidate } from '../helpers/rng.js'
import { formatNetworkPortXml, parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'

interface CaseRow {
  case: string
  expected: string
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'

function loadCases(): CaseRow[] {
  if (!available) return []
  const json = JSON.parse(readFileSync(join(conformanceDir(), 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }
  return json.tables['virnetworkportxml2xmltest.c'] ?? []
}

const cases = loadCases()
const outputs: Array<{ name: string; xml: string }> = []
let passed = 0

for (const c of cases) {
  test(`virnetworkportxml2xml ${c.case}`, () => {
    assert.match(c.expected, /^SUCCESS/)
    const input = readFileSync(join(conformanceDir(), 'tests', 'virnetworkportxml2xmldata', `${c.case}.xml`), 'utf8')
    const got = formatNetworkPortXml(parseNetworkPortXml(input))
    assert.equal(got, input)
    outputs.push({ name: c.case, xml: got })
    passed++
  })
}

test('virnetworkportxml2xml: all 7 cases round-trip identically', { skip }, () => {
  assert.equal(cases.length, 7)
  console.log(`conformance virnetworkportxml2xml: ${passed}/${cases.length}`)
  assert.equal(passed, cases.length)
})

test('virnetworkportxml2xml: every formatted output validates against networkport.rng', { skip }, () => {
  assert.equal(outputs.length, 7)
  const bad = rngValidate('networkport.rng', outputs).filter((r) => !r.ok)
  assert.deepEqual(bad, [])
})
