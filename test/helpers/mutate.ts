/**
 * Random mutations of valid documents for parser property tests (fast-check arbitraries). Each mutation is
 * a small edit of the text: deleting, duplicating or swapping a slice, inserting markup or odd characters,
 * or replacing an attribute value or element text with a hostile value.
 */
import fc from 'fast-check'

const HOSTILE_VALUES = [
  '', ' ', '-1', '0', '4294967296', '99999999999999999999', '0x10', '1e3', 'NaN', 'yes', 'no', 'on', 'off',
  '256.1.1.1', '::1::', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '../x', 'a/b', 'a b', 'é', '\u0000',
  '<', '&amp;', '"', "'", 'x'.repeat(300), '192.168.122.300', '1.2.3.4/33', 'fe80::/129', '-', '65536',
]
const HOSTILE_MARKUP = ['<', '>', '&', '&bogus;', '<x>', '</x>', '<!--', ']]>', '<![CDATA[x]]>', '<?pi?>', '/>', "'", '"', '\u0001']

export type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'attr'; which: number; value: string }
  | { op: 'text'; which: number; value: string }
  | { op: 'drop-element'; which: number }
  | { op: 'dup-element'; which: number }

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...HOSTILE_MARKUP), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('attr' as const), which: fc.nat(), value: fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.string({ maxLength: 12 })) }),
  fc.record({ op: fc.constant('text' as const), which: fc.nat(), value: fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.string({ maxLength: 12 })) }),
  fc.record({ op: fc.constant('drop-element' as const), which: fc.nat() }),
  fc.record({ op: fc.constant('dup-element' as const), which: fc.nat() }),
)

function nth(re: RegExp, s: string, which: number): RegExpExecArray | undefined {
  const all = [...s.matchAll(re)]
  if (all.length === 0) return undefined
  return all[which % all.length] as RegExpExecArray
}

function escapeAttr(v: string, q: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(q === "'" ? /'/g : /"/g, q === "'" ? '&apos;' : '&quot;')
}

export function applyMutation(doc: string, m: Mutation): string {
  const n = doc.length
  switch (m.op) {
    case 'delete': {
      const at = m.at % n
      return doc.slice(0, at) + doc.slice(at + m.len)
    }
    case 'duplicate': {
      const at = m.at % n
      return doc.slice(0, at) + doc.slice(at, at + m.len) + doc.slice(at)
    }
    case 'insert': {
      const at = m.at % (n + 1)
      return doc.slice(0, at) + m.text + doc.slice(at)
    }
    case 'attr': {
      const hit = nth(/(\s[\w:]+=)(['"])([^'"]*)\2/g, doc, m.which)
      if (!hit) return doc
      const q = hit[2]!
      return doc.slice(0, hit.index) + hit[1] + q + escapeAttr(m.value, q) + q + doc.slice(hit.index + hit[0].length)
    }
    case 'text': {
      const hit = nth(/>([^<>]+)</g, doc, m.which)
      if (!hit) return doc
      const v = m.value.replace(/&/g, '&amp;').replace(/</g, '&lt;')
      return doc.slice(0, hit.index) + '>' + v + '<' + doc.slice(hit.index + hit[0].length)
    }
    case 'drop-element': {
      const hit = nth(/<([\w:]+)\b[^<>]*\/>/g, doc, m.which)
      if (!hit) return doc
      return doc.slice(0, hit.index) + doc.slice(hit.index + hit[0].length)
    }
    case 'dup-element': {
      const hit = nth(/<([\w:]+)\b[^<>]*\/>/g, doc, m.which)
      if (!hit) return doc
      return doc.slice(0, hit.index) + hit[0] + hit[0] + doc.slice(hit.index + hit[0].length)
    }
  }
}

/** One to three mutations applied to one of the seed documents. */
export function mutatedDocArb(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
    .map(([i, ms]) => ms.reduce((d, m) => applyMutation(d, m), seeds[i]!))
}
