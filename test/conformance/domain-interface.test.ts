/**
 * Domain `<interface>` elements of libvirt's qemuxml2xmltest outputs (v9.9.0, `qemuxml2xmloutdata/net-*`, the
 * inactive form) and of the qemustatusxml2xmltest files that carry an `<actual>` (the status form), read in
 * place: each element's text is cut out of its file with its indentation, parsed in its form, formatted at the
 * same indentation and compared exactly.
 *
 * Schema: `<actual>` exists only in status XML, which no schema describes; every formatted interface is
 * validated against domain/domain.rng inside a minimal `<domain>` with its `<actual>` subtree removed, and the
 * public live form (where the actual connection replaces the configured source) is validated whole.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { rngValidateFlat } from '../helpers/rng.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../../src/codec/libvirt-xml/domain-interface.js'

interface Sample {
  name: string
  text: string
  indentLevel: number
  inactive: boolean
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'

/** Every `<interface>…</interface>` of `xml`, from the start of its line to its end tag's newline. */
function extractInterfaces(xml: string): Array<{ text: string; indentLevel: number }> {
  const out: Array<{ text: string; indentLevel: number }> = []
  for (const m of xml.matchAll(/^( *)<interface\b[^>]*>\n[\s\S]*?^\1<\/interface>\n/gm)) {
    out.push({ text: m[0], indentLevel: m[1]!.length / 2 })
  }
  return out
}

function samples(): Sample[] {
  if (!available) return []
  const out: Sample[] = []
  const tests = join(conformanceDir(), 'tests')
  const collect = (sub: string, select: (f: string, xml: string) => boolean, inactive: boolean): void => {
    for (const f of readdirSync(join(tests, sub)).sort()) {
      const xml = readFileSync(join(tests, sub, f), 'utf8')
      if (!select(f, xml)) continue
      extractInterfaces(xml).forEach((e, i) => out.push({ name: `${sub}/${f}#${i + 1}`, ...e, inactive }))
    }
  }
  collect('qemuxml2xmloutdata', (f) => f.startsWith('net-') && f.endsWith('.xml'), true)
  collect('qemustatusxml2xmldata', (f, xml) => f.endsWith('.xml') && xml.includes('<actual'), false)
  return out
}

const all = samples()
const formatted: Array<{ name: string; xml: string }> = []
let passed = 0

for (const s of all) {
  test(`domain interface ${s.name}`, () => {
    const def = parseDomainInterfaceXml(s.text, { inactive: s.inactive })
    const got = formatDomainInterfaceXml(def, { inactive: s.inactive, indentLevel: s.indentLevel })
    assert.equal(got, s.text)
    formatted.push({ name: s.name, xml: got })
    formatted.push({ name: `${s.name} (live)`, xml: formatDomainInterfaceXml(def, { live: true, inactive: s.inactive }) })
    passed++
  })
}

test('domain interfaces: every <interface> of the net-* outputs and the <actual> status files round-trips', { skip }, () => {
  assert.ok(all.length >= 50, `${all.length} interfaces`)
  assert.equal(all.filter((s) => !s.inactive).length, 9)
  assert.ok(all.some((s) => s.text.includes('<actual')))
  console.log(`conformance qemuxml2xmloutdata-net interfaces: ${passed}/${all.length}`)
  assert.equal(passed, all.length)
})

function inDomain(iface: string): string {
  const body = iface.replace(/^( *)<actual\b[\s\S]*?^\1<\/actual>\n/m, '')
  return `<domain type='kvm'>\n  <name>x</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n  <devices>\n${body}  </devices>\n</domain>\n`
}

test('domain interfaces: formatted interfaces validate against domain/domain.rng', { skip }, () => {
  assert.equal(formatted.length, 2 * all.length)
  const bad = rngValidateFlat(
    'domain.rng',
    formatted.map((f) => ({ name: f.name, xml: inDomain(f.xml) })),
  ).filter((r) => !r.ok)
  assert.deepEqual(bad, [])
})
