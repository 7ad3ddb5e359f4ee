import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chooseEncoding, ConsoleAssets, IMMUTABLE_CACHE, INDEX_CACHE } from './assets.js'

function build(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-console-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="/assets/app-1a2b.js"></script>')
  writeFileSync(join(dir, 'index.html.gz'), 'GZ-INDEX')
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets', 'app-1a2b.js.br'), 'BR-APP')
  writeFileSync(join(dir, 'assets', 'app-1a2b.js.gz'), 'GZ-APP')
  writeFileSync(join(dir, 'assets', 'stray.js.gz'), 'no plain file beside it')
  writeFileSync(join(dir, 'secret.txt'), 'not part of the build listing')
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) }
}

test('console assets: index revalidated (no-cache), hashed assets immutable, precompressed copies chosen by Accept-Encoding', () => {
  const b = build()
  try {
    const a = new ConsoleAssets(b.dir)
    const index = a.answer('/', { acceptEncoding: 'gzip, deflate, br' })
    assert.equal(index.status, 200)
    assert.equal(index.headers['cache-control'], INDEX_CACHE)
    assert.equal(index.headers['content-encoding'], 'gzip', 'no .br of index.html: gzip')
    assert.equal(index.body?.toString(), 'GZ-INDEX')
    assert.match(index.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/)
    const js = a.answer('/assets/app-1a2b.js', { acceptEncoding: 'gzip, br' })
    assert.equal(js.headers['cache-control'], IMMUTABLE_CACHE)
    assert.equal(js.headers['content-encoding'], 'br')
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal(js.headers['vary'], 'accept-encoding')
    assert.equal(js.body?.toString(), 'BR-APP')
    const plain = a.answer('/assets/app-1a2b.js', { acceptEncoding: 'identity' })
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.equal(plain.body?.toString(), 'console.log(1)')
    // a matching ETag: 304 without a body
    const again = a.answer('/assets/app-1a2b.js', { acceptEncoding: 'br', ifNoneMatch: js.headers['etag'] })
    assert.equal(again.status, 304)
    assert.equal(again.body, undefined)
    assert.notEqual(plain.headers['etag'], js.headers['etag'], 'each encoding has its own ETag')
  } finally {
    b.done()
  }
})

test('console assets: only the build listing is served (no traversal, no stray files, no half entries)', () => {
  const b = build()
  try {
    const a = new ConsoleAssets(b.dir)
    for (const p of ['/secret.txt', '/assets/../secret.txt', '/assets/stray.js', '/assets/stray.js.gz', '/assets/app-1a2b.js.br', '/../index.html', '/assets/', '/assets/nope.js']) {
      assert.equal(a.answer(p, {}).status, 404, p)
    }
    assert.equal(new ConsoleAssets(join(b.dir, 'missing')).available(), false)
  } finally {
    b.done()
  }
})

test('console assets: Accept-Encoding with q-values and wildcards', () => {
  const both = new Set(['br', 'gzip', 'identity'] as const)
  assert.equal(chooseEncoding('br;q=0, gzip', both), 'gzip')
  assert.equal(chooseEncoding('*', both), 'br')
  assert.equal(chooseEncoding('*;q=0', both), 'identity')
  assert.equal(chooseEncoding(undefined, both), 'identity')
  assert.equal(chooseEncoding('gzip;q=0.5, br;q=0.1', new Set(['identity'] as const)), 'identity')
})

test('console assets: a new build under a running server is served from the next page load on', () => {
  const b = build()
  try {
    const a = new ConsoleAssets(b.dir)
    assert.equal(a.answer('/assets/app-1a2b.js', {}).status, 200)
    rmSync(join(b.dir, 'assets'), { recursive: true })
    mkdirSync(join(b.dir, 'assets'))
    writeFileSync(join(b.dir, 'assets', 'app-9f8e.js'), 'console.log(2)')
    writeFileSync(join(b.dir, 'index.html'), '<!doctype html><script src="/assets/app-9f8e.js"></script>')
    rmSync(join(b.dir, 'index.html.gz'))
    utimesSync(join(b.dir, 'index.html'), new Date(), new Date(Date.now() + 5000))
    assert.match(a.answer('/', {}).body?.toString() ?? '', /app-9f8e/)
    assert.equal(a.answer('/assets/app-9f8e.js', {}).body?.toString(), 'console.log(2)')
    assert.equal(a.answer('/assets/app-1a2b.js', {}).status, 404)
  } finally {
    b.done()
  }
})
