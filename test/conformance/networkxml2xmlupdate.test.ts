/**
 * libvirt's networkxml2xmlupdatetest against our section edits, when the update corpus
 * (tests/networkxml2xmlupdatein, tests/networkxml2xmlupdateout) is part of the shared conformance folder. It is not
 * in the v9.9.0 set the team was given, so this suite skips (also under CI) until it is; the case list below is
 * the test program's (names and parameters only), and a case whose files are missing is skipped.
 *
 * The harness calls virNetworkDefUpdateSection directly (no format/parse round trip, unlike virNetworkObjUpdate),
 * always with parent index 0 (its macro passes the index into the flags and the flags into the index), and formats
 * with VIR_NETWORK_XML_INACTIVE exactly when that swapped "flags" value is odd.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceDir } from '../helpers/paths.js'
import { formatNetworkXml, parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { updateSection } from '../../src/codec/libvirt-xml/network/update.js'
import { HostnetError } from '../../src/errors.js'
import type { NetworkUpdateCommand, NetworkUpdateSection } from '../../src/model/network/update.js'

const IN = join(conformanceDir(), 'tests', 'networkxml2xmlupdatein')
const OUT = join(conformanceDir(), 'tests', 'networkxml2xmlupdateout')
const NET = join(conformanceDir(), 'tests', 'networkxml2xmlin')
const skip = existsSync(IN) ? false : `libvirt's update corpus is not in ${conformanceDir()}`

/** [name, update file, network file, expected output (undefined: must fail), command, section, index argument] */
type Row = [string, string, string, string | undefined, NetworkUpdateCommand, NetworkUpdateSection, number | undefined]

const CASES: Row[] = [
  ['add-host-incomplete', 'host-incomplete', 'nat-network', undefined, 'add-last', 'ip-dhcp-host', 0],
  ['add-host-new-incomplete', 'host-new-incomplete', 'nat-network', undefined, 'add-last', 'ip-dhcp-host', 0],
  ['add-host-existing', 'host-existing', 'nat-network', undefined, 'add-last', 'ip-dhcp-host', 0],
  ['add-host-new', 'host-new', 'nat-network', 'nat-network-hosts', 'add-last', 'ip-dhcp-host', 0],
  ['modify-host-missing', 'host-new', 'nat-network', undefined, 'modify', 'ip-dhcp-host', 0],
  ['modify-host-incomplete', 'host-incomplete', 'nat-network', undefined, 'modify', 'ip-dhcp-host', 0],
  ['modify-host', 'host-updated', 'nat-network', 'nat-network-host-updated', 'modify', 'ip-dhcp-host', 0],
  ['delete-host-incomplete', 'host-incomplete', 'nat-network', 'nat-network-one-host', 'delete', 'ip-dhcp-host', 0],
  ['delete-host-existing', 'host-existing', 'nat-network', 'nat-network-one-host', 'delete', 'ip-dhcp-host', 0],
  ['delete-host-missing', 'host-new', 'nat-network', undefined, 'delete', 'ip-dhcp-host', 0],
  ['add-dhcp-range', 'dhcp-range', 'dhcp6host-routed-network', 'dhcp6host-routed-network-range', 'add-first', 'ip-dhcp-range', 0],
  ['add-dhcp-range-outside-net', 'dhcp-range-10', 'dhcp6host-routed-network', undefined, 'add-first', 'ip-dhcp-range', 0],
  ['append-dhcp-range', 'dhcp-range', 'dhcp6host-routed-network', 'dhcp6host-routed-network-another-range', 'add-last', 'ip-dhcp-range', 1],
  ['delete-dhcp-range', 'dhcp-range-existing', 'nat-network', 'nat-network-no-range', 'delete', 'ip-dhcp-range', 0],
  ['delete-dhcp-range-missing', 'dhcp-range', 'nat-network', undefined, 'delete', 'ip-dhcp-range', 0],
  ['insert-forward-interface', 'interface-eth47', 'nat-network-dns-srv-record', 'nat-network-forward-ifaces', 'add-first', 'forward-interface', undefined],
  ['delete-forward-interface', 'interface-eth1', 'nat-network-dns-srv-record', 'nat-network-no-forward-ifaces', 'delete', 'forward-interface', undefined],
  ['delete-forward-interface-missing', 'interface-eth47', 'nat-network-dns-srv-record', undefined, 'delete', 'forward-interface', undefined],
  ['insert-portgroup', 'portgroup-alison', 'openvswitch-net', 'openvswitch-net-more-portgroups', 'add-first', 'portgroup', undefined],
  ['append-duplicate-portgroup', 'portgroup-alice-new', 'openvswitch-net', undefined, 'add-last', 'portgroup', undefined],
  ['modify-portgroup', 'portgroup-alice-new', 'openvswitch-net', 'openvswitch-net-modified', 'modify', 'portgroup', undefined],
  ['modify-missing-portgroup', 'portgroup-alison', 'openvswitch-net', undefined, 'modify', 'portgroup', undefined],
  ['delete-portgroup', 'portgroup-alice-new', 'openvswitch-net', 'openvswitch-net-without-alice', 'delete', 'portgroup', undefined],
  ['delete-missing-portgroup', 'portgroup-alice-new', 'nat-network-dns-srv-record', undefined, 'delete', 'portgroup', undefined],
  ['insert-incomplete-host', 'dns-host-gateway-incomplete', 'nat-network-dns-hosts', undefined, 'add-first', 'dns-host', undefined],
  ['insert-host', 'dns-host-pudding', 'nat-network-dns-hosts', 'nat-network-dns-more-hosts', 'add-first', 'dns-host', undefined],
  ['delete-missing-unparsable-dns-host', 'unparsable-dns-host', 'nat-network', undefined, 'delete', 'dns-host', undefined],
  ['delete-dns-host', 'dns-host-gateway-incomplete', 'nat-network-dns-hosts', 'nat-network-no-hosts', 'delete', 'dns-host', undefined],
  ['insert-dns-txt-record', 'dns-txt-record-snowman', 'nat-network-dns-txt-record', 'nat-network-dns-txt-records', 'add-first', 'dns-txt', undefined],
  ['append-duplicate-dns-txt-record', 'dns-txt-record-example', 'nat-network-dns-txt-record', undefined, 'add-last', 'dns-txt', undefined],
  ['delete-dns-txt-record', 'dns-txt-record-example', 'nat-network-dns-txt-record', 'nat-network-dns-txt-none', 'delete', 'dns-txt', undefined],
  ['delete-missing-dns-txt-record', 'dns-txt-record-snowman', 'nat-network-dns-txt-record', undefined, 'delete', 'dns-txt', undefined],
  ['insert-first-srv-record-service', 'srv-record', 'nat-network', 'nat-network-dns-srv-record', 'add-first', 'dns-srv', undefined],
  ['append-first-srv-record-service', 'srv-record', 'nat-network', 'nat-network-dns-srv-record', 'add-last', 'dns-srv', undefined],
  ['add-existing-dns-srv-record', 'srv-record', 'nat-network-dns-srv-record', undefined, 'add-last', 'dns-srv', undefined],
  ['append-srv-record-service', 'srv-record-donkey', 'nat-network-dns-srv-record', 'nat-network-dns-srv-records', 'add-last', 'dns-srv', undefined],
  ['delete-missing-srv-record-service', 'srv-record-service', 'nat-network', undefined, 'delete', 'dns-srv', undefined],
  ['delete-srv-record-invalid', 'srv-record-invalid', 'nat-network-dns-srv-record', undefined, 'delete', 'dns-srv', undefined],
  ['delete-srv-record-donkey', 'srv-record-donkey', 'nat-network-dns-srv-records', 'nat-network-dns-srv-record', 'delete', 'dns-srv', undefined],
  ['delete-ambiguous-srv-record-service', 'srv-record-service', 'nat-network-dns-srv-records', undefined, 'delete', 'dns-srv', undefined],
  ['delete-srv-record-protocol', 'srv-record-protocol', 'nat-network-dns-srv-record', 'nat-network', 'delete', 'dns-srv', undefined],
]

for (const [name, updateFile, netFile, outFile, command, section, indexArg] of CASES) {
  const files = [join(IN, `${updateFile}.xml`), join(NET, `${netFile}.xml`), ...(outFile === undefined ? [] : [join(OUT, `${outFile}.xml`)])]
  const missing = skip === false && files.some((f) => !existsSync(f)) ? `a file of case ${name} is missing` : false
  test(`networkxml2xmlupdate ${name} (${section} ${command})`, { skip: skip || missing }, () => {
    const run = (): string => {
      const def = parseNetworkXml(readFileSync(files[1] as string, 'utf8'))
      const out = updateSection(def, { command, section, parentIndex: 0, xml: readFileSync(files[0] as string, 'utf8') })
      // the harness's swapped macro arguments: the "flags" are the index argument, or -12435 (odd) without one
      return formatNetworkXml(out, { inactive: ((indexArg ?? -12435) & 1) === 1 })
    }
    if (outFile === undefined) assert.throws(run, (e: unknown) => e instanceof HostnetError)
    else assert.equal(run(), readFileSync(files[2] as string, 'utf8'))
  })
}
