/** The text side of the virsh session: quoting, markers, cutting and cleaning stream segments. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cleanOutput, cutAtMarker, errorLines, markersFor, quoteVirshArg, virshCommandLine } from '../../bench/harness/virsh-line.js'
import { median, percentile, summarize } from '../../bench/harness/stats.js'
import { macForIndex, natNetworkDoc } from '../../bench/harness/libvirt-docs.js'

test('quoteVirshArg leaves plain words alone and single-quotes the rest', () => {
  assert.equal(quoteVirshArg('net-start'), 'net-start')
  assert.equal(quoteVirshArg('/tmp/x-1/a.xml'), '/tmp/x-1/a.xml')
  assert.equal(quoteVirshArg('--all'), '--all')
  assert.equal(quoteVirshArg('a b'), "'a b'")
  assert.equal(quoteVirshArg("c'd"), "'c'\\''d'")
  assert.equal(quoteVirshArg(''), "''")
  assert.equal(quoteVirshArg('#x;y'), "'#x;y'")
  assert.throws(() => quoteVirshArg('a\nb'), /line break/)
  assert.equal(virshCommandLine(['echo', 'a b', 'c']), "echo 'a b' c")
  assert.throws(() => virshCommandLine([]), /empty/)
})

test('markers: stderr marker cuts at its line, stdout marker cuts at itself', () => {
  const m = markersFor('hnabc-1')
  assert.deepEqual(m.lines, ["echo --err @hnabc-1@", "echo --xml '<hnabc-1>'"])
  assert.equal(cutAtMarker('error: boom\nerror: @hnabc-1', m.errMarker, true), undefined, 'incomplete line waits')
  assert.deepEqual(cutAtMarker('error: boom\nerror: @hnabc-1@\nnext', m.errMarker, true), { segment: 'error: boom\n', rest: 'next' })
  assert.deepEqual(cutAtMarker('out\n&lt;hnabc-1&gt;\nvirsh # ', m.outMarker, false), { segment: 'out\n', rest: '\nvirsh # ' })
  assert.equal(cutAtMarker('nothing yet', m.outMarker, false), undefined)
  assert.throws(() => markersFor('bad token'), /bad marker/)
})

test('cleanOutput removes the readline echo of every written line', () => {
  const written = ['net-start n1', 'echo --err @t@', "echo --xml '<t>'"]
  const seg = "\nvirsh # net-start n1\nNetwork n1 started\n\nvirsh # echo --err @t@\n\nvirsh # echo --xml '<t>'\n"
  assert.equal(cleanOutput(seg, written), 'Network n1 started')
  const table = "\nvirsh # net-list\n Name   State\n--------------\n\nvirsh # echo --err @t@\n\nvirsh # echo --xml '<t>'\n"
  assert.equal(cleanOutput(table, ['net-list', ...written.slice(1)]), ' Name   State\n--------------')
  assert.deepEqual(errorLines('error: a\nwarning: b\nerror: c\n'), ['error: a', 'error: c'])
})

test('stats and documents', () => {
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([4, 1, 2, 3]), 2.5)
  assert.ok(Number.isNaN(median([])))
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9)
  assert.deepEqual(summarize([1, 3]), { n: 2, median: 2, p90: 3, min: 1, max: 3, mean: 2 })
  const d = natNetworkDoc(300)
  assert.equal(d.subnet, '10.129.44.0/24')
  assert.match(d.xml, /<range start='10\.129\.44\.2' end='10\.129\.44\.254'\/>/)
  assert.throws(() => natNetworkDoc(40000), /out of range/)
  assert.throws(() => natNetworkDoc(1, 'averylongprefix'), /longer than 15/)
  assert.equal(macForIndex(0x0a0b0c), '52:54:00:0a:0b:0c')
})
