import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { HostnetError } from '../../errors.js'
import { isIfName } from '../../model/values/ifname.js'
import { bridgeFromTableName, nftComment, nftIfNameProblem, nftIfNameString, nftTableName } from './names.js'

test('table names: plain names stay readable, everything else is escaped', () => {
  assert.equal(nftTableName('virbr0'), 'hostnet_virbr0')
  assert.equal(nftTableName('br-ex.100'), 'hostnet_br-ex.100')
  assert.equal(nftTableName('br_0'), 'hostnet_br_5f0')
  assert.equal(nftTableName("b'r$é"), 'hostnet_b_27r_24_c3_a9')
  assert.ok(nftTableName('x'.repeat(15)).length <= 8 + 45)
})

test('table names are valid nft identifiers, unique per bridge, and decode back to the bridge', () => {
  const ifName = fc
    .string({ minLength: 1, maxLength: 15, unit: 'binary' })
    .filter((s) => isIfName(s) && nftIfNameProblem(s) === undefined)
  fc.assert(
    fc.property(ifName, ifName, (a, b) => {
      const ta = nftTableName(a)
      assert.match(ta, /^hostnet_[A-Za-z0-9_.-]+$/)
      assert.equal(bridgeFromTableName(ta), a)
      assert.equal(ta === nftTableName(b), a === b)
    }),
    { numRuns: 2000 },
  )
})

test('names that are not canonical hostnet table names decode to undefined', () => {
  const notOurs = ['hostnet_', 'filter', 'hostnet_a_zz', 'hostnet_a_5', 'hostnet_a_2F', 'hostnet_a_2d', 'hostnet_a/b']
  for (const t of [...notOurs, `hostnet_${'a'.repeat(16)}`, 'hostnet_a_ff']) {
    assert.equal(bridgeFromTableName(t), undefined, t)
  }
})

test('interface strings: trailing * escaped, quote and backslash refused with the field named', () => {
  assert.equal(nftIfNameString('eth0', 'x'), '"eth0"')
  assert.equal(nftIfNameString('eth*', 'x'), '"eth\\*"')
  assert.equal(nftIfNameString('a*b', 'x'), '"a*b"')
  assert.throws(
    () => nftIfNameString('a"b', "forward dev of network 'n'"),
    (e: unknown) => e instanceof HostnetError && /forward dev of network 'n' 'a"b'/.test(e.message),
  )
  assert.throws(() => nftIfNameString('a\\b', 'x'), /backslash/)
  assert.throws(() => nftTableName('a b'), /whitespace/)
})

test('comments are printable ASCII without quotes or backslashes, at most 128 bytes', () => {
  assert.equal(nftComment('a"b\\c\né'), `"a'b/c??"`)
  assert.equal(nftComment('x'.repeat(300)).length, 130)
})
