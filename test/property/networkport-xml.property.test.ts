/**
 * Robustness of the network-port codec: random mutations of libvirt's virnetworkportxml2xmldata documents either
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
import { formatNetworkPortXml, parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { HostnetError } from '../../src/errors.js'

function seeds(): string[] {
  const dir = join(conformanceDir(), 'tests', 'virnetworkportxml2xmldata')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
}

function roundTrip(doc: string): 'accepted' | 'rejected' {
  let def
  try {
    def = parseNetworkPortXml(doc)
  } catch (e) {
    if (e instanceof HostnetError) return 'rejected'
    throw e
  }
  const out = formatNetworkPortXml(def)
  assert.equal(formatNetworkPortXml(parseNetworkPortXml(out)), out, 'formatted output is not a fixed point')
  return 'accepted'
}

test('mutated network-port documents parse to a fixed point or fail with a HostnetError', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  const docs = seeds()
  assert.equal(docs.length, 7)
  const counts = { accepted: 0, rejected: 0 }
  fc.assert(
    fc.property(mutatedDocArb(docs), (doc) => {
      counts[roundTrip(doc)]++
    }),
    { numRuns: 10000 },
  )
  assert.ok(counts.accepted > 1000 && counts.rejected > 1000, JSON.stringify(counts))
  console.log(`networkport-xml property: ${counts.accepted} accepted, ${counts.rejected} rejected`)
})
