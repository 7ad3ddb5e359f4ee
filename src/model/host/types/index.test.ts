/**
 * The descriptors hold together: every name a descriptor gives (base, peer and ports fields, required and immutable
 * fields) is a field of its section, spellings and kernel kinds name one type each, and the derived lookups
 * agree with the descriptors. A new descriptor with a typo fails here, not in a plan.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isGroup, type Field, type LeafField } from './descriptor.js'
import { CHILD_TYPES, IFACE_TYPE_DESCRIPTORS, IFACE_TYPES, fieldPath, kernelDefaults, SECTION_BY_KEY, typeDescriptor, typeNamed, typeOfKernelKind } from './index.js'

function leaves(fields: readonly Field[]): LeafField[] {
  return fields.flatMap((f) => (isGroup(f) ? (f.key === undefined ? leaves(f.fields) : []) : [f]))
}

const all = Object.entries(IFACE_TYPE_DESCRIPTORS)

test('each descriptor is listed under its own type, and every spelling and kernel kind names one type', () => {
  for (const [key, d] of all) assert.equal(d.type, key)
  const spellings = all.flatMap(([, d]) => [d.type, ...(d.aliases ?? [])])
  assert.equal(new Set(spellings).size, spellings.length, 'a type name or alias is used twice')
  for (const s of spellings) assert.ok(typeNamed(s) !== undefined, s)
  const kinds = all.flatMap(([, d]) => (d.kernelKind === undefined ? [] : [d.kernelKind]))
  assert.equal(new Set(kinds).size, kinds.length, 'a kernel kind is claimed twice')
  for (const [, d] of all) if (d.kernelKind !== undefined) assert.equal(typeOfKernelKind(d.kernelKind), d.type)
  assert.deepEqual([...IFACE_TYPES].sort(), all.map(([k]) => k).sort())
})

test('base, peer, port list and required fields are fields of the section; immutable ones are leaves', () => {
  for (const [, d] of all) {
    const s = d.section
    const names = s === undefined ? [] : leaves(s.fields).map((f) => f.key)
    for (const f of [d.baseField, d.peerField, d.controller?.portsField]) {
      if (f !== undefined) assert.ok(names.includes(f), `${d.type}: '${f}' is not a field of its section`)
    }
    if (s === undefined) continue
    for (const f of leaves(s.fields)) {
      if (f.requiredToCreate === true) assert.ok(d.creatable, `${d.type}: required field '${f.key}' on a type hostnet does not create`)
      if (f.kernelDefault !== undefined && f.value.kind === 'enum') assert.ok(f.value.values.includes(String(f.kernelDefault)), `${d.type}.${f.key}`)
    }
    assert.equal(SECTION_BY_KEY.has(s.key), true, s.key)
  }
})

test('derived lookups: children are the types with a base, document paths spell the YAML keys', () => {
  assert.deepEqual([...CHILD_TYPES].sort(), ['ipvlan', 'mac-vlan', 'mac-vtap', 'vlan', 'vxlan'])
  assert.equal(fieldPath(typeDescriptor('vlan').section!, 'baseIface'), 'vlan/base-iface')
  assert.equal(fieldPath(typeDescriptor('mac-vtap').section!, 'baseIface'), 'mac-vtap/base-iface')
  assert.equal(fieldPath(typeDescriptor('linux-bridge').section!, 'forwardDelaySec'), 'bridge/options/stp/forward-delay')
  assert.equal(SECTION_BY_KEY.get('bridge'), typeDescriptor('linux-bridge').section, "an entry without a type reads 'bridge:' as a Linux bridge's")
  assert.deepEqual(kernelDefaults(typeDescriptor('vxlan').section!.fields), { destinationPort: 8472, learning: true })
})

test('the VXLAN MTU rule: the base MTU minus the overhead on creation, not bounded afterwards', () => {
  const mtu = typeDescriptor('vxlan').mtu!
  assert.equal(mtu.onCreate?.(9000), 8950)
  assert.equal(mtu.onCreate?.(undefined), 1450)
  assert.notEqual(mtu.boundedByBase, true)
  assert.equal(typeDescriptor('vlan').mtu?.boundedByBase, true)
})
