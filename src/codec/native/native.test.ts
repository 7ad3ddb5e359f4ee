/**
 * Golden files of gen-conf: testdata/<case>/desired.yaml rendered in each format the case holds a golden of
 * (`every-type`: every interface type in networkd, NetworkManager keyfile and ifupdown form; `ifcfg`: the types
 * ifcfg knows). `UPDATE_GOLDEN=1` rewrites them. Types a format cannot express are refused naming the interface.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDesiredState } from '../yaml/state.js'
import { golden, readText } from '../../../test/helpers/host-state.js'
import { repoRoot } from '../../../test/helpers/paths.js'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import { nativeText, renderNative, type NativeFormat } from './index.js'

const dir = (c: string): string => join(repoRoot(), 'src/codec/native/testdata', c)
const CASES: Array<[string, NativeFormat]> = [
  ['every-type', 'networkd'],
  ['every-type', 'nm-keyfile'],
  ['every-type', 'ifupdown'],
  ['ifcfg', 'ifcfg'],
  ['ifcfg', 'networkd'],
  ['ifcfg', 'nm-keyfile'],
  ['ifcfg', 'ifupdown'],
]

for (const [c, format] of CASES) {
  test(`gen-conf ${c} as ${format}: golden`, () => {
    const doc = parseDesiredState(readText(dir(c), 'desired.yaml'))
    const text = nativeText(renderNative(doc, format))
    assert.equal(text, golden(dir(c), `${format}.txt`, text))
  })
}

test('every interface type of the every-type case appears in each of its formats', () => {
  const doc = parseDesiredState(readText(dir('every-type'), 'desired.yaml'))
  const types = new Set(doc.interfaces.map((i) => i.type))
  assert.deepEqual([...types].sort(), ['bond', 'dummy', 'ethernet', 'linux-bridge', 'mac-vlan', 'mac-vtap', 'tap', 'veth', 'vlan', 'vrf', 'vxlan'])
  for (const format of ['networkd', 'nm-keyfile', 'ifupdown'] as const) {
    const text = nativeText(renderNative(doc, format))
    for (const i of doc.interfaces) assert.match(text, new RegExp(`\\b${i.name.replace('.', '\\.')}\\b`), `${format}: ${i.name}`)
  }
})

test('ifcfg refuses the types it cannot express, naming the interface; OVS is refused by every format', () => {
  const doc = parseDesiredState(readText(dir('every-type'), 'desired.yaml'))
  assert.throws(() => renderNative(doc, 'ifcfg'), (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported' && /interface 'mv0': ifcfg cannot express type 'mac-vlan'/.test(e.message))
  const ovs = parseDesiredState('interfaces:\n  - name: ovsbr0\n    type: ovs-bridge\n    state: up\n')
  for (const format of ['networkd', 'nm-keyfile', 'ifupdown', 'ifcfg'] as const) {
    assert.throws(() => renderNative(ovs, format), (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported' && /ovsbr0/.test(e.message), format)
  }
})
