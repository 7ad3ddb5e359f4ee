/**
 * libvirt's networkxml2conftest (v9.9.0) against our dnsmasq renderer: every case of the corpus table, read in
 * place. With dnsmasq 2.67 and config dir /var/lib/libvirt/dnsmasq (no pid file), the configuration must equal
 * `<case>.conf` byte for byte; the hosts-file text must equal `<case>.hostsfile` where the table says `yes`, and no
 * hosts text may be produced where it says `none-expected`. Cases without expected files must generate.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { renderDnsmasqFiles } from '../../src/backend/dnsmasq/index.js'
import type { DnsmasqFiles } from '../../src/backend/dnsmasq/index.js'

interface CaseRow {
  case: string
  expected: string
  conf: string
  hostsfile: string
}

const available = conformanceAvailable()
const skip = available ? false : 'libvirt conformance corpus not available'
const PROVIDED = 'yes'

function loadCases(): CaseRow[] {
  if (!available) return []
  const json = JSON.parse(readFileSync(join(conformanceDir(), 'cases.json'), 'utf8')) as { tables: Record<string, CaseRow[]> }
  return json.tables['networkxml2conftest.c'] ?? []
}

const cases = loadCases()
const file = (name: string, ext: string): string => join(conformanceDir(), 'tests', 'networkxml2confdata', `${name}.${ext}`)
let compared = 0
let generated = 0

function render(name: string): DnsmasqFiles {
  const def = parseNetworkXml(readFileSync(file(name, 'xml'), 'utf8'))
  const bridgeName = def.bridge?.name
  assert.ok(bridgeName !== undefined, `case ${name} names its bridge`)
  return renderDnsmasqFiles(def, { configDir: '/var/lib/libvirt/dnsmasq', bridgeName, dnsmasqVersion: '2.67' })
}

for (const c of cases) {
  test(`networkxml2conf ${c.case} (conf: ${c.conf}, hostsfile: ${c.hostsfile})`, () => {
    assert.equal(c.expected, 'SUCCESS')
    const got = render(c.case)
    if (c.conf !== PROVIDED) {
      // no expected output in the corpus: the generation must succeed and look like a dnsmasq configuration
      assert.match(got.conf, /^##WARNING: {2}THIS IS AN AUTO-GENERATED FILE\./)
      assert.match(got.conf, /\nstrict-order\n[^]*\ninterface=virbr\d\n/)
      generated++
      return
    }
    assert.equal(got.conf, readFileSync(file(c.case, 'conf'), 'utf8'))
    if (c.hostsfile === PROVIDED) assert.equal(got.hostsfile, readFileSync(file(c.case, 'hostsfile'), 'utf8'))
    else if (c.hostsfile === 'none-expected') assert.equal(got.hostsfile, undefined)
    else assert.fail(`unexpected hostsfile column '${c.hostsfile}'`)
    compared++
  })
}

test('networkxml2conf: the table has 27 cases, 18 with expected files; all pass', { skip }, () => {
  assert.equal(cases.length, 27)
  assert.equal(cases.filter((c) => c.conf === PROVIDED).length, 18)
  console.log(`conformance networkxml2conf: ${compared + generated}/${cases.length} (${compared} compared byte for byte, ${generated} generated without expected output)`)
  assert.equal(compared, 18)
  assert.equal(generated, 9)
})

test('networkxml2conf: a name with quotes is escaped in the hosts-file paths as libvirt does', { skip }, () => {
  const got = render('nat-network-name-with-quotes')
  assert.match(got.conf, /^##    virsh net-edit default"with"quotes"$/m)
  assert.match(got.conf, /^dhcp-hostsfile=\/var\/lib\/libvirt\/dnsmasq\/default&quot;with&quot;quotes&quot;\.hostsfile$/m)
  assert.match(got.conf, /^addn-hosts=\/var\/lib\/libvirt\/dnsmasq\/default&quot;with&quot;quotes&quot;\.addnhosts$/m)
  // outside the comment line, no '"' reaches the configuration
  assert.equal(got.conf.split('\n').filter((l) => !l.startsWith('#') && l.includes('"')).length, 0)
})
