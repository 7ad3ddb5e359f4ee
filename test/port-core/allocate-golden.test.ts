/**
 * Golden cases of the pure port core (src/model/port/testdata/<case>/), one per rule and per conflict of the
 * spec's §5 (portgroups), §7 (virtualport merge and conflicts), §8 (bandwidth, floor), §9 (vlan), §10
 * (isolation, trustGuestRxFilters), §11 (domain ↔ port) and §13 (allocation, pools). Inputs are frozen: an error
 * case also proves nothing was changed. UPDATE_GOLDEN=1 rewrites the expected files.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, repoRoot } from '../helpers/paths.js'
import { rngValidate } from '../helpers/rng.js'
import { formatNetworkPortXml, parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../../src/codec/libvirt-xml/domain-interface.js'
import { OUTPUT_FILES, runGoldenCase } from './golden-run.js'

const dataDir = join(repoRoot(), 'src', 'model', 'port', 'testdata')
const update = process.env['UPDATE_GOLDEN'] === '1'
const cases = readdirSync(dataDir).filter((d) => existsSync(join(dataDir, d, 'request.json'))).sort()

test('there are at least 30 golden port cases', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`)
})

for (const name of cases) {
  const dir = join(dataDir, name)
  test(`port golden ${name}`, (t) => {
    const out = runGoldenCase(dir)
    if (out.skip !== undefined) return t.skip(out.skip)
    if (update) {
      for (const f of OUTPUT_FILES) {
        const p = join(dir, f)
        if (out.files[f] === undefined) rmSync(p, { force: true })
        else writeFileSync(p, out.files[f])
      }
      return
    }
    const expected = OUTPUT_FILES.filter((f) => existsSync(join(dir, f)))
    assert.ok(expected.length > 0, `no expected output in ${name} (run with UPDATE_GOLDEN=1)`)
    assert.deepEqual(Object.keys(out.files).sort(), [...expected].sort(), 'produced files')
    for (const f of expected) assert.equal(out.files[f], readFileSync(join(dir, f), 'utf8'), `${name}/${f}`)
    const port = out.files['networkport.xml']
    if (port !== undefined) assert.equal(formatNetworkPortXml(parseNetworkPortXml(port)), port, 'networkport.xml round-trips')
    const status = out.files['status.xml']
    if (status !== undefined) assert.equal(formatDomainInterfaceXml(parseDomainInterfaceXml(status)), status, 'status.xml round-trips')
  })
}

test('every allocated <networkport> validates against networkport.rng', { skip: conformanceAvailable() ? false : 'no corpus' }, () => {
  const docs = cases
    .filter((c) => existsSync(join(dataDir, c, 'networkport.xml')))
    .map((c) => ({ name: c, xml: readFileSync(join(dataDir, c, 'networkport.xml'), 'utf8') }))
  assert.ok(docs.length >= 30, `${docs.length} documents`)
  assert.deepEqual(rngValidate('networkport.rng', docs).filter((r) => !r.ok), [])
})
