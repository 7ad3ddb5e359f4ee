import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseXml } from './parse.js'
import { childElements, getAttr, textContent } from './dom.js'
import { el, escapeXml, foreign, textEl, writeXml } from './write.js'
import { ValidationError } from '../../errors.js'

test('parses attributes in order, entities, CDATA and comments', () => {
  const root = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x='1' y="&lt;&amp;&#65;&#x42;"><b>t&apos;<![CDATA[<raw>]]></b><!--k--><c/></a>\n`)
  assert.equal(root.name, 'a')
  assert.deepEqual(root.attrs, [['x', '1'], ['y', '<&AB']])
  const [b, c] = childElements(root)
  assert.equal(textContent(b!), "t'<raw>")
  assert.equal(c!.name, 'c')
  assert.equal(getAttr(root, 'z'), undefined)
})

test('rejects malformed documents with a typed error naming the line', () => {
  const bad = ['', '<a>', '<a></b>', '<a x=1/>', "<a x='1' x='2'/>", '<a>&bogus;</a>', '<!DOCTYPE a><a/>', '<a/><b/>', '<a>]]></a>', "<a x='<'/>", '<a>&#0;</a>']
  for (const doc of bad) {
    assert.throws(() => parseXml(doc), (e: unknown) => e instanceof ValidationError && e.kind === 'invalid-argument', doc)
  }
  assert.throws(() => parseXml('<a>\n<b>\n</a>'), /line 3/)
})

test('writes libvirt style: single quotes, self-closing, never-self-closing, escaping', () => {
  const doc = el('network', [['ipv6', 'yes'], ['skip', undefined]], [
    textEl('name', `a"b'<c>&`),
    el('ip', [['address', '10.0.0.1']], [], { neverSelfClose: true }),
    el('bridge', [['name', 'virbr0'], ['delay', 0]]),
  ])
  assert.equal(
    writeXml(doc),
    "<network ipv6='yes'>\n  <name>a&quot;b&apos;&lt;c&gt;&amp;</name>\n  <ip address='10.0.0.1'>\n  </ip>\n  <bridge name='virbr0' delay='0'/>\n</network>\n",
  )
  assert.equal(escapeXml('a\u0001b\tc'), 'ab\tc')
})

test('foreign subtrees are written libxml2 style with double quotes', () => {
  const meta = parseXml('<m><app1:foo xmlns:app1="http://foo.org/">fooish</app1:foo>\n  <x a="1"><y/></x></m>')
  const out = writeXml(el('metadata', [], childElements(meta).map(foreign)), 1)
  assert.equal(out, '  <metadata>\n    <app1:foo xmlns:app1="http://foo.org/">fooish</app1:foo>\n    <x a="1">\n      <y/>\n    </x>\n  </metadata>\n')
})

test('rejects characters XML 1.0 does not allow, raw or as character references', () => {
  for (const doc of ['<a>\u0000</a>', "<a x='\u0001'/>", '<a>\u000b</a>', '<a>&#1;</a>', '<a>&#xFFFE;</a>', '<!--\u0002--><a/>']) {
    assert.throws(() => parseXml(doc), (e: unknown) => e instanceof ValidationError && /invalid character/.test(e.message), JSON.stringify(doc))
  }
  assert.throws(() => parseXml('<a>\n<b>\u0007</b></a>'), /line 2, column 4: invalid character U\+0007/)
  assert.equal(textContent(parseXml('<a>&#9;\t&#x10FFFF;</a>')), '\t\t\u{10FFFF}')
})

/** CPU time of `fn` in ms (this process only: other load on the machine does not count). */
function cpuMs(fn: () => void): number {
  const t = process.cpuUsage()
  fn()
  const d = process.cpuUsage(t)
  return (d.user + d.system) / 1000
}

test('duplicate attributes are found in linear time: 200,000 attributes take well under a second', () => {
  const attrs = Array.from({ length: 200_000 }, (_, i) => ` a${i}='v'`).join('')
  let root: ReturnType<typeof parseXml> | undefined
  const ms = cpuMs(() => (root = parseXml(`<a${attrs}/>`)))
  assert.equal(root?.attrs.length, 200_000)
  assert.ok(ms < 1000, `${ms} ms of CPU`)
  assert.throws(() => parseXml(`<a${attrs} a199999='x'/>`), /duplicate attribute 'a199999' on <a>/)
  assert.throws(() => parseXml(`<a x='1' ${'y'.repeat(5000)}='1' ${'y'.repeat(5000)}='2'/>`), (e: unknown) => e instanceof ValidationError && e.message.length < 400)
})

test('documents past the size limit are refused before parsing; nesting is limited', () => {
  assert.throws(() => parseXml(`<a>${' '.repeat(10 * 1024 * 1024)}</a>`), /XML document is too large: \d+ characters, the limit is 10 MiB/)
  assert.throws(() => parseXml('<a>'.repeat(300) + '</a>'.repeat(300)), /nested deeper than 256/)
  assert.equal(parseXml('<a>'.repeat(200) + '</a>'.repeat(200)).name, 'a')
})
