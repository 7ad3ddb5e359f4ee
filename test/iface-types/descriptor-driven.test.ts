/**
 * One descriptor drives every layer: for each field of each type hostnet creates, generated from the descriptor's
 * field table alone, the YAML codec reads it at the document path the table gives and writes it back, the planner
 * creates the link with it (or with its own op, for address sets), the simulator builds it, verification passes
 * and names the field by its document path when the kernel shows another value, and changing it recreates the
 * link exactly when the descriptor calls it immutable (else it changes in place). No case here names a type or
 * a field: a new descriptor file is covered by this test as it is written (ARCHITECTURE.md, "Where a new feature
 * goes").
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatState, parseDesiredState } from '../../src/codec/yaml/state.js'
import type { HostState } from '../../src/model/host/state.js'
import type { IfaceTypeDescriptor, LeafField } from '../../src/model/host/types/descriptor.js'
import { IFACE_TYPE_DESCRIPTORS, fieldPath } from '../../src/model/host/types/index.js'
import { applyOpsToState } from '../../src/backend/fake/simulate.js'
import { planHost, verifyHost } from '../../src/plan/index.js'
import type { HostOp } from '../../src/plan/index.js'
import { candidates, docOf, getAt, leaves, sectionOf, setAt, TABLE_TYPES, type Leaf, type Rec } from '../helpers/descriptor-values.js'

const BASE = 'base0'
const OTHER_BASE = 'base1'
const NAME = 'x0'

/** Two different values of a field, the first not the kernel's default; undefined for port lists. */
function values(d: IfaceTypeDescriptor, f: LeafField): [unknown, unknown] | undefined {
  const c = candidates(d, f, { name: NAME, base: BASE, otherBase: OTHER_BASE })
  return c === undefined || c.length < 2 ? undefined : [c[0], c[1]]
}

/**
 * The section with what creation requires (the first values of the required fields), its base if it has one (a
 * group address needs the device to join it on), and `leaf` set to `value`.
 */
function sectionWith(d: IfaceTypeDescriptor, all: readonly Leaf[], leaf: Leaf, value: unknown): Rec {
  const rec: Rec = {}
  for (const l of all) if (l.field.requiredToCreate === true || l.field.key === d.baseField) setAt(rec, l.recordPath, values(d, l.field)![0])
  // what the field needs beside it (promiscuous: mode passthru)
  for (const [key, v] of Object.entries(leaf.field.onlyWith ?? {})) {
    const other = all.find((l) => l.field.key === key)
    assert.ok(other !== undefined, `${d.type}: ${leaf.field.key} needs '${key}', which the section does not have`)
    setAt(rec, other.recordPath, v)
  }
  setAt(rec, leaf.recordPath, value)
  return rec
}

const CURRENT: HostState = {
  interfaces: [
    { name: 'lo', type: 'loopback', state: 'up', mtu: 65536 },
    { name: BASE, type: 'ethernet', state: 'up', mtu: 9000, mac: '02:00:00:00:00:01' },
    { name: OTHER_BASE, type: 'ethernet', state: 'up', mtu: 9000, mac: '02:00:00:00:00:02' },
  ],
  routes: [],
}

function apply(current: HostState, desired: ReturnType<typeof parseDesiredState>): { state: HostState; ops: HostOp[]; expected: ReturnType<typeof parseDesiredState> } {
  const plan = planHost(current, desired)
  return { state: applyOpsToState(current, plan.ops), ops: plan.ops, expected: plan.expected }
}

const CREATED = TABLE_TYPES

test('the types this test covers: every type hostnet creates with a section read from its field table', () => {
  assert.ok(CREATED.length >= 8, CREATED.map((d) => d.type).join(','))
  for (const d of Object.values(IFACE_TYPE_DESCRIPTORS)) {
    if (d.creatable && d.section !== undefined) assert.ok(CREATED.includes(d) || d.section.custom === true, d.type)
  }
})

for (const d of CREATED) {
  const s = d.section!
  const all = leaves(s.fields)
  const cases = all.flatMap((leaf) => {
    const v = values(d, leaf.field)
    return v === undefined ? [] : [{ leaf, first: v[0], second: v[1] }]
  })

  test(`${d.type}: every field, from the descriptor alone, through codec, plan, simulator and verification`, () => {
    assert.ok(cases.length > 0, `${d.type}: no field to try`)
    for (const { leaf, first, second } of cases) {
      const f = leaf.field
      const where = `${d.type} ${fieldPath(s, f.key)}`
      const rec = sectionWith(d, all, leaf, first)
      const doc = { interfaces: [{ name: NAME, type: d.type, state: 'up', [s.key]: docOf(s, all, rec) }] }

      // YAML: read at the table's path, written back at it (YAML text both ways)
      const desired = parseDesiredState(JSON.stringify(doc), { format: 'json' })
      assert.deepEqual(getAt(sectionOf(desired.interfaces[0], s), leaf.recordPath), first, where)
      const again = parseDesiredState(formatState(desired), { format: 'yaml' })
      assert.deepEqual(again, desired, where)

      // plan: link.create carries the field (an address set gets its own op after), the simulator builds it
      const created = apply(CURRENT, desired)
      const create = created.ops.find((op): op is Extract<HostOp, { kind: 'link.create' }> => op.kind === 'link.create' && op.iface.name === NAME)
      assert.ok(create !== undefined, `${where}: no link.create`)
      if (f.value.kind === 'ips') {
        assert.equal(getAt(sectionOf(create.iface, s), leaf.recordPath), undefined, where)
        assert.ok(created.ops.indexOf(create) < created.ops.length - 1, `${where}: no op after the creation sets it`)
      } else assert.deepEqual(getAt(sectionOf(create.iface, s), leaf.recordPath), first, where)
      const link = created.state.interfaces.find((i) => i.name === NAME)
      assert.deepEqual(getAt(sectionOf(link, s), leaf.recordPath), first, `${where}: not in the simulated kernel`)
      assert.deepEqual(verifyHost(created.expected, created.state), [], where)
      // the MTU rule: a new link gets what its rule gives it from its base's MTU (9000)
      if (d.mtu?.onCreate !== undefined) assert.equal(link!.mtu, d.mtu.onCreate(d.baseField === undefined ? undefined : 9000) ?? 1500, `${where}: MTU on creation`)

      // verification names the field by its document path when the kernel shows another value
      const tampered = structuredClone(created.state)
      setAt(sectionOf(tampered.interfaces.find((i) => i.name === NAME), s)!, leaf.recordPath, second)
      const mismatches = verifyHost(created.expected, tampered).map((m) => m.field)
      const dotted = fieldPath(s, f.key).replaceAll('/', '.')
      assert.ok(f.value.kind === 'kernel-options' ? mismatches.some((m) => m.startsWith(`${dotted}.`)) : mismatches.includes(dotted), `${where}: ${mismatches.join(', ')}`)

      // changing it: recreated exactly when immutable, else changed in place; either way verified afterwards
      const changed = parseDesiredState(JSON.stringify({ interfaces: [{ name: NAME, [s.key]: docOf(s, all, sectionWith(d, all, leaf, second)) }] }), { format: 'json' })
      const after = apply(created.state, changed)
      const deleted = after.ops.some((op) => op.kind === 'link.delete' && op.names.includes(NAME))
      assert.equal(deleted, f.immutable === true, `${where}: ${after.ops.map((op) => op.kind).join(', ')}`)
      assert.ok(after.ops.length > 0, `${where}: nothing planned`)
      assert.deepEqual(getAt(sectionOf(after.state.interfaces.find((i) => i.name === NAME), s), leaf.recordPath), second, where)
      assert.deepEqual(verifyHost(after.expected, after.state), [], where)
    }
  })
}
