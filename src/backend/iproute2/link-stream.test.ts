import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { repoRoot } from '../../../test/helpers/paths.js'
import type { Iface } from '../../model/host/iface.js'
import { LinkStream } from './link-stream.js'
import type { IdResolver } from './query-sections.js'
import { addPortLists, linksToIfaces } from './query-state.js'

const ids: IdResolver = { userId: () => 1000, groupId: () => undefined }
const dir = join(repoRoot(), 'src/backend/iproute2/testdata')

/** What LinkStream gives for `text` fed in `cuts` pieces, completed as the query completes it. */
function streamed(text: string, cuts: number[]): { ifaces: Iface[]; whole: boolean } {
  const s = new LinkStream(ids)
  let at = 0
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(text.slice(at, c))
    at = c
  }
  s.push(text.slice(at))
  let whole = false
  const done = s.finish((t) => {
    whole = true
    return t.trim() === '' ? [] : (JSON.parse(t) as unknown)
  })
  if ('links' in done) return { ifaces: linksToIfaces(done.links, ids), whole }
  addPortLists(done.ifaces)
  return { ifaces: done.ifaces, whole }
}

for (const c of ['query-netns', 'query-uml']) {
  const links = JSON.parse(readFileSync(join(dir, `${c}.links.json`), 'utf8')) as unknown
  const compact = JSON.stringify(links) // as ip prints it
  const want = linksToIfaces(links, ids)

  test(`LinkStream: ${c} in any pieces gives the links of one JSON.parse, without parsing the whole`, () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: compact.length }), { maxLength: 40 }), (cuts) => {
        const got = streamed(`${compact}\n`, cuts)
        assert.deepEqual(got.ifaces, want)
        assert.equal(got.whole, false)
      }),
      { numRuns: 100 },
    )
  })

  test(`LinkStream: ${c} in another layout falls back to parsing the whole text`, () => {
    const pretty = JSON.stringify(links, null, 1)
    const got = streamed(pretty, [7, 100, 2000])
    assert.deepEqual(got.ifaces, want)
    assert.equal(got.whole, true)
  })
}

test('LinkStream: empty output and an empty array', () => {
  assert.deepEqual(streamed('', []).ifaces, [])
  assert.deepEqual(streamed('[]\n', [1]), { ifaces: [], whole: false })
  assert.throws(() => streamed('[{"ifindex":1,"ifname":"lo"},{"ifindex":2,', []), SyntaxError)
})
