/**
 * libvirt's virnetdevbandwidthtest (v9.9.0), as transcribed in the corpus's derived/virnetdevbandwidth-cases.json
 * (read in place): for each `<bandwidth>` the tc commands of virNetDevBandwidthSet(eth0, hierarchical=false,
 * swapped=true) and the ovs-vsctl commands of virNetDevOpenvswitchInterfaceSetQos(eth0, vm uuid, swapped=true)
 * must be byte-identical to libvirt's dry-run log (`${TC}` / `${OVS_VSCTL}` for the binaries).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { parseXml } from '../../src/codec/xml/parse.js'
import { parseBandwidth } from '../../src/codec/libvirt-xml/netdev/bandwidth.js'
import type { Bandwidth } from '../../src/model/netdev/bandwidth.js'
import { commandLine, renderInterfaceBandwidth, renderOvsQos } from '../../src/backend/tc/index.js'
import type { ShapingCommand } from '../../src/backend/tc/index.js'

interface DerivedCase {
  bandwidth_xml: string | null
  expected_tc: string | null
  expected_ovs: string | null
  iface: string
  vm_uuid: string
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'

function loadCases(): DerivedCase[] {
  if (!available) return []
  const file = join(conformanceDir(), 'derived', 'virnetdevbandwidth-cases.json')
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: DerivedCase[] }).cases
}

function parse(xml: string | null): Bandwidth | undefined {
  if (xml === null) return undefined
  return parseBandwidth(parseXml(xml), { allowFloor: true }, { path: '/bandwidth' }).bandwidth
}

function log(cmds: readonly ShapingCommand[], program: string): string | null {
  return cmds.length === 0 ? null : cmds.map((c) => `${commandLine(c, program)}\n`).join('')
}

const cases = loadCases()
let passed = 0

cases.forEach((c, i) => {
  test(`virnetdevbandwidth case ${i + 1}: ${c.bandwidth_xml ?? '(no bandwidth)'}`, () => {
    const bw = parse(c.bandwidth_xml)
    assert.equal(log(renderInterfaceBandwidth(c.iface, bw, { swapped: true }), '${TC}'), c.expected_tc)
    assert.equal(log(renderOvsQos(c.iface, bw, c.vm_uuid, { swapped: true }), '${OVS_VSCTL}'), c.expected_ovs)
    passed++
  })
})

test('virnetdevbandwidth: all 6 derived cases byte-identical', { skip }, () => {
  assert.equal(cases.length, 6)
  console.log(`conformance virnetdevbandwidth: ${passed}/${cases.length}`)
  assert.equal(passed, cases.length)
})
