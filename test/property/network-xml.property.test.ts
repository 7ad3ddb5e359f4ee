/**
 * Robustness of the network codec: random mutations of libvirt's valid networkxml2xml inputs either parse to a
 * definition that formats without throwing and re-parses to the same output (a fixed point), or are rejected
 * with a HostnetError. Any other exception (TypeError, RangeError, ...) is a bug.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { mutatedDocArb } from '../helpers/mutate.js'
import { formatNetworkXml, parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { HostnetError } from '../../src/errors.js'

interface CaseRow {
  case: string
  expected: string
}

function seeds(): string[] {
  const dir = conformanceDir()
  const table = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }).tables[
    'networkxml2xmltest.c'
  ]
  return (table ?? [])
    .filter((c) => c.expected === 'SUCCESS')
    .map((c) => readFileSync(join(dir, 'tests', 'networkxml2xmlin', `${c.case}.xml`), 'utf8'))
}

/** Outcome of one document: 'rejected', or the formatted text after checking the fixed point. */
function roundTrip(doc: string): 'rejected' | 'accepted' {
  let def
  try {
    def = parseNetworkXml(doc)
  } catch (e) {
    if (e instanceof HostnetError) return 'rejected'
    throw e
  }
  for (const inactive of [false, true]) {
    const out = formatNetworkXml(def, { inactive })
    const again = formatNetworkXml(parseNetworkXml(out), { inactive })
    assert.equal(again, out, 'formatted output is not a fixed point')
  }
  return 'accepted'
}

test('mutated network documents parse to a fixed point or fail with a HostnetError', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  const docs = seeds()
  assert.equal(docs.length, 42)
  const counts = { accepted: 0, rejected: 0 }
  fc.assert(
    fc.property(mutatedDocArb(docs), (doc) => {
      counts[roundTrip(doc)]++
    }),
    { numRuns: 10000 },
  )
  // both outcomes must actually occur, or the mutations are not exercising the parser
  assert.ok(counts.accepted > 1000 && counts.rejected > 1000, JSON.stringify(counts))
  console.log(`network-xml property: ${counts.accepted} accepted, ${counts.rejected} rejected`)
})
