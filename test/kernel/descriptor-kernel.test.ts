/**
 * The descriptors and the iproute2 kind files agree on the real kernel: for every type hostnet creates that this
 * kernel has (the caps probe), a link whose section sets as many fields as the planner accepts together, each to a
 * value generated from the descriptor (not the kernel's default), is created by the backend, read back by the
 * query, and verified; then every field changed to another value (in place or by recreation, as the descriptor
 * says), read back and verified again. Nothing here names a type or a field, so a new type's kind file is checked
 * against its descriptor as soon as both exist (bond, VLAN, VRF and dummy: the full-kernel lane's cases).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Iproute2Backend, kernelCaps } from '../../src/backend/iproute2/index.js'
import type { KernelCaps } from '../../src/plan/caps.js'
import type { DesiredState, HostState } from '../../src/model/host/state.js'
import type { IfaceTypeDescriptor } from '../../src/model/host/types/descriptor.js'
import type { IfaceType } from '../../src/model/host/iface.js'
import { planHost, verifyHost } from '../../src/plan/index.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { candidates, docOf, getAt, leaves, sectionOf, setAt, TABLE_TYPES, type Leaf, type Rec } from '../helpers/descriptor-values.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

/**
 * Each type gets bases of its own: a device takes macvlans or ipvlans, not both (EBUSY), so types sharing a base
 * would test the kernel's exclusions, not the descriptors.
 */
const basesOf = (i: number): { base: string; otherBase: string } => ({ base: `ua${i}`, otherBase: `ub${i}` })

/** A document entry of type `d` named `name` with `rec` as its section. */
function entry(d: IfaceTypeDescriptor<IfaceType>, name: string, rec: Rec): Rec {
  const s = d.section!
  return { name, type: d.type, state: 'up', [s.key]: docOf(s, leaves(s.fields), rec) }
}

function accepted(current: HostState, doc: Rec, caps: KernelCaps): DesiredState | undefined {
  try {
    const desired = parseDesiredState(JSON.stringify(doc), { format: 'json' })
    planHost(current, desired, { caps })
    return desired
  } catch {
    return undefined
  }
}

/**
 * The section of `name`: what creation needs (the required fields and the base, together), then every other field
 * set to the candidate at `pick` (or the next one) that the codec and the planner accept with the rest; with
 * `from` (the section to change), every field changed that way, one at a time.
 */
function build(current: HostState, caps: KernelCaps, d: IfaceTypeDescriptor<IfaceType>, i: number, pick: number, from?: Rec): Rec {
  const all = leaves(d.section!.fields)
  const name = `d${i}`
  const names = { name, ...basesOf(i) }
  // option maps (a bond's sysfs options) are valid or not by mode, which only the kernel knows: the lane's bond case
  const valuesOf = (l: Leaf): unknown[] => (l.field.value.kind === 'kernel-options' ? [] : (candidates(d, l.field, names) ?? []).filter((v) => v !== l.field.kernelDefault || pick > 0))
  const needed = all.filter((l) => l.field.requiredToCreate === true || l.field.key === d.baseField)
  let rec: Rec
  if (from === undefined) {
    rec = {}
    for (const l of needed) setAt(rec, l.recordPath, valuesOf(l)[0])
    assert.ok(accepted(current, { interfaces: [entry(d, name, rec)] }, caps) !== undefined, `${d.type}: what creation needs is refused`)
  } else rec = structuredClone(from)
  for (const l of from === undefined ? all.filter((x) => !needed.includes(x)) : all) {
    const values = valuesOf(l)
    const before = JSON.stringify(getAt(rec, l.recordPath))
    for (const v of [...values.slice(pick), ...values.slice(0, pick)]) {
      if (JSON.stringify(v) === before) continue
      const next = structuredClone(rec)
      setAt(next, l.recordPath, v)
      if (accepted(current, { interfaces: [entry(d, name, next)] }, caps) === undefined) continue
      rec = next
      break
    }
  }
  return rec
}

test('every field of every type this kernel has: created, read back and verified; changed, read back and verified', { skip }, async (t) => {
  const backend = new Iproute2Backend()
  await withNetns(async (_ns, target) => {
    const caps = await kernelCaps(target)
    const types = TABLE_TYPES.filter((d) => caps.creatableKinds?.has(d.type) !== false)
    assert.ok(types.length >= 4, types.map((d) => d.type).join(','))
    t.diagnostic(`types: ${types.map((d) => d.type).join(', ')}`)
    const baseNames = types.flatMap((_d, i) => Object.values(basesOf(i)))
    const bases = parseDesiredState(JSON.stringify({ interfaces: baseNames.map((n) => ({ name: n, type: 'veth', state: 'up', mtu: 9000, veth: { peer: `${n}p` } })) }), { format: 'json' })
    await backend.apply(target, planHost(await backend.query(target), bases, { caps }).ops)

    const sections = new Map<string, Rec>()
    for (const pick of [0, 1]) {
      const current = await backend.query(target)
      const interfaces = types.map((d, i) => {
        const name = `d${i}`
        const rec = build(current, caps, d, i, pick, sections.get(name))
        sections.set(name, rec)
        return entry(d, name, rec)
      })
      const desired = accepted(current, { interfaces }, caps)
      assert.ok(desired !== undefined, `round ${pick}: the document of every type together is refused`)
      const plan = planHost(current, desired, { caps })
      await backend.apply(target, plan.ops)
      const after = await backend.query(target)
      assert.deepEqual(verifyHost(plan.expected, after), [], `round ${pick}`)
      types.forEach((d, i) => {
        const got = sectionOf(after.interfaces.find((x) => x.name === `d${i}`), d.section!)
        for (const l of leaves(d.section!.fields)) {
          const want = getAt(sections.get(`d${i}`), l.recordPath)
          if (want !== undefined) assert.deepEqual(getAt(got, l.recordPath), want, `round ${pick}: ${d.type} ${l.field.key}`)
        }
      })
    }
  })
  assert.deepEqual(leakedNetns(), [])
})
