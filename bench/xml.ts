/**
 * Benchmark: parse + format of libvirt's 42 valid networkxml2xml inputs (read from the conformance corpus),
 * repeated for at least 2 s after a warm-up; reports the median round. The last line printed is one JSON result line:
 * {"bench":"xml","results":[{"name":"xml","ours":<µs per document>,"baseline":null,"unit":"us/doc","ratio":null}]}
 * Options: --min-ms N (measuring time, default 2000).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { conformanceDir } from '../test/helpers/paths.js'
import { formatNetworkXml, parseNetworkXml } from '../src/codec/libvirt-xml/network/index.js'

interface CaseRow {
  case: string
  expected: string
  format_flags: string
}

function loadDocs(): Array<{ xml: string; inactive: boolean }> {
  const dir = conformanceDir()
  const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }).tables[
    'networkxml2xmltest.c'
  ]
  if (cases === undefined) throw new Error(`no networkxml2xml table in ${dir}/cases.json`)
  return cases
    .filter((c) => c.expected === 'SUCCESS')
    .map((c) => ({
      xml: readFileSync(join(dir, 'tests', 'networkxml2xmlin', `${c.case}.xml`), 'utf8'),
      inactive: c.format_flags === 'VIR_NETWORK_XML_INACTIVE',
    }))
}

function runOnce(docs: ReadonlyArray<{ xml: string; inactive: boolean }>): number {
  let bytes = 0
  for (const d of docs) bytes += formatNetworkXml(parseNetworkXml(d.xml), { inactive: d.inactive }).length
  return bytes
}

function main(): void {
  const args = process.argv.slice(2)
  const minMsArg = args.indexOf('--min-ms')
  const minMs = minMsArg >= 0 ? Number(args[minMsArg + 1]) : 2000
  const docs = loadDocs()
  let sink = 0
  const warmUntil = performance.now() + 500
  while (performance.now() < warmUntil) sink += runOnce(docs)
  // time each round separately and report the median: robust against other load on the machine
  const roundsMs: number[] = []
  const start = performance.now()
  let now = start
  while (now - start < minMs) {
    const t0 = now
    sink += runOnce(docs)
    now = performance.now()
    roundsMs.push(now - t0)
  }
  roundsMs.sort((a, b) => a - b)
  const medianMs = roundsMs[Math.floor(roundsMs.length / 2)] ?? 0
  const usPerDoc = (medianMs * 1000) / docs.length
  const meanUs = ((now - start) * 1000) / (roundsMs.length * docs.length)
  console.log(
    `xml: ${docs.length} documents x ${roundsMs.length} rounds: median ${usPerDoc.toFixed(2)} us/doc, mean ${meanUs.toFixed(2)} us/doc (checksum ${sink % 997})`,
  )
  const result = { name: 'xml', ours: Number(usPerDoc.toFixed(3)), baseline: null, unit: 'us/doc', ratio: null }
  console.log(JSON.stringify({ bench: 'xml', results: [result] }))
}

main()
