/**
 * Robustness of the host-interface codec: random mutations of libvirt's interfaceschemadata documents either
 * parse to a definition that formats without throwing and re-parses to the same output (a fixed point), or are
 * rejected with a HostnetError. Any other exception (TypeError, RangeError, ...) is a bug.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { mutatedDocArb } from '../helpers/mutate.js'
import { formatInterfaceXml, parseInterfaceXml } from '../../src/codec/libvirt-xml/interface.js'
import { HostnetError } from '../../src/errors.js'

function seeds(): string[] {
  const dir = join(conformanceDir(), 'tests', 'interfaceschemadata')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
}

function roundTrip(doc: string): 'accepted' | 'rejected' {
  let def
  try {
    def = parseInterfaceXml(doc)
  } catch (e) {
    if (e instanceof HostnetError) return 'rejected'
    throw e
  }
  const out = formatInterfaceXml(def)
  assert.equal(formatInterfaceXml(parseInterfaceXml(out)), out, 'formatted output is not a fixed point')
  return 'accepted'
}

test('mutated host-interface documents parse to a fixed point or fail with a HostnetError', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  const docs = seeds()
  assert.equal(docs.length, 19)
  const counts = { accepted: 0, rejected: 0 }
  fc.assert(
    fc.property(mutatedDocArb(docs), (doc) => {
      counts[roundTrip(doc)]++
    }),
    { numRuns: 10000 },
  )
  assert.ok(counts.accepted > 1000 && counts.rejected > 1000, JSON.stringify(counts))
  console.log(`interface-xml property: ${counts.accepted} accepted, ${counts.rejected} rejected`)
})
