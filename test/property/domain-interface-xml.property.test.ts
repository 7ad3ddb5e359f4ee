/**
 * Robustness of the domain-interface codec: random mutations of the `<interface>` elements of libvirt's
 * qemuxml2xmloutdata net-* outputs and of the status files with `<actual>` either parse to a definition that
 * formats without throwing and re-parses to the same output (a fixed point, in the status and inactive forms;
 * the live form must format), or are rejected with a HostnetError. Any other exception (TypeError, ...) is a bug.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { mutatedDocArb } from '../helpers/mutate.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../../src/codec/libvirt-xml/domain-interface.js'
import type { DomainInterfaceFormatOptions } from '../../src/codec/libvirt-xml/domain-interface.js'
import { HostnetError } from '../../src/errors.js'

function seeds(): string[] {
  const out: string[] = []
  for (const sub of ['qemuxml2xmloutdata', 'qemustatusxml2xmldata']) {
    const dir = join(conformanceDir(), 'tests', sub)
    for (const f of readdirSync(dir).sort()) {
      const xml = readFileSync(join(dir, f), 'utf8')
      if (sub === 'qemuxml2xmloutdata' ? !f.startsWith('net-') : !xml.includes('<actual')) continue
      for (const m of xml.matchAll(/^( *)<interface\b[^>]*>\n[\s\S]*?^\1<\/interface>\n/gm)) out.push(m[0])
    }
  }
  return out
}

const FORMS: ReadonlyArray<DomainInterfaceFormatOptions> = [{}, { inactive: true }]

function roundTrip(doc: string): 'accepted' | 'rejected' {
  let def
  try {
    def = parseDomainInterfaceXml(doc)
  } catch (e) {
    if (e instanceof HostnetError) return 'rejected'
    throw e
  }
  for (const form of FORMS) {
    const out = formatDomainInterfaceXml(def, form)
    const again = formatDomainInterfaceXml(parseDomainInterfaceXml(out, { inactive: form.inactive ?? false }), form)
    assert.equal(again, out, `formatted output is not a fixed point (${JSON.stringify(form)})`)
  }
  // the live form is a lossy view (the actual connection shown as the configuration): it must only format
  assert.ok(formatDomainInterfaceXml(def, { live: true }).includes('<interface '))
  return 'accepted'
}

test('mutated domain <interface> elements parse to a fixed point or fail with a HostnetError', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  const docs = seeds()
  assert.ok(docs.length >= 60, `${docs.length} seeds`)
  const counts = { accepted: 0, rejected: 0 }
  fc.assert(
    fc.property(mutatedDocArb(docs), (doc) => {
      counts[roundTrip(doc)]++
    }),
    { numRuns: 10000 },
  )
  assert.ok(counts.accepted > 1000 && counts.rejected > 1000, JSON.stringify(counts))
  console.log(`domain-interface-xml property: ${counts.accepted} accepted, ${counts.rejected} rejected`)
})
