import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { HostnetError } from '../../errors.js'
import { isIfName } from '../../model/values/ifname.js'
import { bridgeFromEscaped, escapeBridgeName, nftChainName, nftComment, nftIfNameProblem, nftIfNameString, parseChainName } from './names.js'

test('chain names: plain bridge names stay readable, everything else is escaped', () => {
  assert.equal(nftChainName('forward', 'virbr0'), 'forward_virbr0')
  assert.equal(nftChainName('postrouting', 'br-ex.100'), 'postrouting_br-ex.100')
  assert.equal(escapeBridgeName('br_0'), 'br_5f0')
  assert.equal(escapeBridgeName("b'r$é"), 'b_27r_24_c3_a9')
  assert.ok(nftChainName('postrouting', 'x'.repeat(15)).length <= 12 + 45)
})

test('chain names are valid nft identifiers, unique per bridge, and decode back to kind and bridge', () => {
  const ifName = fc
    .string({ minLength: 1, maxLength: 15, unit: 'binary' })
    .filter((s) => isIfName(s) && nftIfNameProblem(s) === undefined)
  fc.assert(
    fc.property(ifName, ifName, (a, b) => {
      const ca = nftChainName('forward', a)
      assert.match(ca, /^forward_[A-Za-z0-9_.-]+$/)
      assert.deepEqual(parseChainName(ca), { kind: 'forward', bridgeName: a })
      assert.equal(ca === nftChainName('forward', b), a === b)
    }),
    { numRuns: 2000 },
  )
})

test('names that are not canonical hostnet chain names decode to undefined', () => {
  const notOurs = ['forward_', 'input', '_virbr0', 'forward_a_zz', 'forward_a_5', 'forward_a_2F', 'forward_a_2d', 'forward_a/b']
  for (const c of [...notOurs, `forward_${'a'.repeat(16)}`, 'forward_a_ff']) assert.equal(parseChainName(c), undefined, c)
  assert.equal(bridgeFromEscaped('a_2F'), undefined)
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
  assert.throws(() => nftChainName('forward', 'a b'), /whitespace/)
})

test('comments are printable ASCII without quotes or backslashes, at most 128 bytes', () => {
  assert.equal(nftComment('a"b\\c\né'), `"a'b/c??"`)
  assert.equal(nftComment('x'.repeat(300)).length, 130)
})
