/**
 * Every type hostnet creates has its iproute2 kind file, with a creation, a read-back and a caps probe; every
 * kind file belongs to a type with a kernel kind.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CREATABLE_TYPES, typeDescriptor } from '../../../model/host/types/index.js'
import { LINK_KINDS, linkKind } from './index.js'

test('every creatable type has a kind that creates it and proves it in the caps probe', () => {
  for (const type of CREATABLE_TYPES) {
    const k = linkKind(type)
    assert.ok(k !== undefined, `no iproute2 kind file for ${type}`)
    assert.ok(k.create !== undefined || k.createLines !== undefined, `${type}: no way to create it`)
    assert.ok(k.probe !== undefined, `${type}: no caps probe line`)
  }
})

test('every kind file is for a type with a kernel kind and a section to read (or none), listed once', () => {
  assert.equal(new Set(LINK_KINDS.map((k) => k.type)).size, LINK_KINDS.length)
  for (const k of LINK_KINDS) {
    const d = typeDescriptor(k.type)
    assert.ok(d.kernelKind !== undefined, `${k.type}: no kernel kind in its descriptor`)
    if (k.read !== undefined) assert.ok(d.section !== undefined, `${k.type}: reads a section it does not have`)
    if (k.readPort !== undefined) assert.ok(d.controller?.portOptions !== undefined, `${k.type}: reads port options it does not have`)
  }
})
