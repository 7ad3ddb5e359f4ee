/**
 * libvirt's networkxml2xmltest (v9.9.0) against our codec: every case of the corpus table, read in place.
 * SUCCESS cases must format byte-identically (with VIR_NETWORK_XML_INACTIVE where the table says so), FAIL_PARSE
 * cases must be rejected by the parser with a HostnetError. Every formatted output must also validate against
 * libvirt's network.rng.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { rngValidate } from '../helpers/rng.js'
import { formatNetworkXml, parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { HostnetError } from '../../src/errors.js'

interface CaseRow {
  case: string
  expected: 'SUCCESS' | 'FAIL_PARSE'
  format_flags: string
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'

function loadCases(): CaseRow[] {
  if (!available) return []
  const json = JSON.parse(readFileSync(join(conformanceDir(), 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }
  return json.tables['networkxml2xmltest.c'] ?? []
}

const cases = loadCases()
const dir = (sub: string, name: string): string => join(conformanceDir(), 'tests', sub, `${name}.xml`)
const outputs: Array<{ name: string; xml: string }> = []
let passed = 0

for (const c of cases) {
  test(`networkxml2xml ${c.case} (${c.expected})`, () => {
    const input = readFileSync(dir('networkxml2xmlin', c.case), 'utf8')
    if (c.expected === 'FAIL_PARSE') {
      assert.throws(() => parseNetworkXml(input), (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument')
    } else {
      const inactive = c.format_flags === 'VIR_NETWORK_XML_INACTIVE'
      const got = formatNetworkXml(parseNetworkXml(input), { inactive })
      assert.equal(got, readFileSync(dir('networkxml2xmlout', c.case), 'utf8'))
      outputs.push({ name: c.case, xml: got })
    }
    passed++
  })
}

test('networkxml2xml: the table has 46 cases (42 SUCCESS, 4 FAIL_PARSE)', { skip }, () => {
  assert.equal(cases.length, 46)
  assert.equal(cases.filter((c) => c.expected === 'FAIL_PARSE').length, 4)
  console.log(`conformance networkxml2xml: ${passed}/${cases.length}`)
  assert.equal(passed, cases.length)
})

test('networkxml2xml: every formatted output validates against network.rng', { skip }, () => {
  assert.equal(outputs.length, 42)
  const bad = rngValidate('network.rng', outputs).filter((r) => !r.ok)
  assert.deepEqual(bad, [])
})
