/**
 * net-list's fast read of a stored definition (codec/libvirt-xml/network/summary.ts) against the full parser:
 * forward mode and bridge name agree on every input and output document of libvirt's networkxml2xml corpus that
 * the parser accepts (the inputs as users write them, the outputs in the canonical form hostnet stores), and on
 * documents built to mislead a tag scan.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { formatNetworkXml, parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { readNetworkSummary } from '../../src/codec/libvirt-xml/network/summary.js'

const available = conformanceAvailable()

function fullSummary(xml: string): { forwardMode: string; bridge: string | undefined } {
  const def = parseNetworkXml(xml)
  return { forwardMode: def.forward.mode, bridge: def.bridge?.name }
}

test('the summary read agrees with the parser on the networkxml2xml corpus', { skip: available ? false : 'libvirt conformance corpus not available' }, () => {
  const json = JSON.parse(readFileSync(join(conformanceDir(), 'cases.json'), 'utf8')) as { tables: Record<string, Array<{ case: string; expected: string }>> }
  let compared = 0
  for (const c of json.tables['networkxml2xmltest.c'] ?? []) {
    if (c.expected !== 'SUCCESS') continue
    for (const sub of ['networkxml2xmlin', 'networkxml2xmlout']) {
      const file = join(conformanceDir(), 'tests', sub, `${c.case}.xml`)
      if (!existsSync(file)) continue
      const xml = readFileSync(file, 'utf8')
      let full
      try {
        full = fullSummary(xml)
      } catch {
        continue // an output the parser does not take back (not something the store holds)
      }
      assert.deepEqual(readNetworkSummary(xml), full, `${sub}/${c.case}`)
      const stored = formatNetworkXml(parseNetworkXml(xml))
      assert.deepEqual(readNetworkSummary(stored), fullSummary(stored), `${sub}/${c.case} as stored`)
      compared++
    }
  }
  assert.ok(compared > 50, `compared ${compared} documents`)
})

test('the summary read skips what a tag scan could mistake for the fields', () => {
  const docs = [
    "<network><name>a</name><metadata><x:forward xmlns:x='urn:x' mode='route'/><forward mode='open'/><bridge name='meta0'/></metadata><bridge name='br&amp;1'/></network>",
    "<network><name>a</name><!-- <forward mode='route'/> --><forward/><bridge name=\"b&#x41;\" stp='on'/><ip address='10.0.0.1' prefix='24'/></network>",
    "<network><name>a</name><description>&lt;bridge name='x'/&gt;</description><forward mode='bridge'/><bridge name='br0'/><bridge name='second'/></network>",
    "<?xml version='1.0'?>\n<network ipv6='yes'>\n  <name>a</name>\n  <forward mode=''/>\n  <ip address='10.0.0.1' prefix='24'/>\n</network>\n",
    "<network><name>a</name><portgroup name='p'><bridge name='pg'/></portgroup><ip address='10.0.0.1' prefix='24'/></network>",
  ]
  for (const xml of docs) assert.deepEqual(readNetworkSummary(xml), fullSummary(xml), xml)
  assert.deepEqual(readNetworkSummary(docs[0]!), { forwardMode: 'none', bridge: 'br&1' })
})

test('the summary read gives up (undefined) on what it does not handle, instead of guessing', () => {
  for (const xml of ['<network><name>a</name>', '<net/>', "<network><forward mode='nat' mode='route'/></network><network/>", '<!DOCTYPE x><network/>', "<network><bridge name='a&b'/></network>"]) {
    assert.equal(readNetworkSummary(xml), undefined, xml)
  }
})
