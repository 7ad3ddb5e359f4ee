/**
 * The web console's files (built by scripts/build-console.mjs into dist/console: index.html and hashed assets,
 * each with precompressed .br and .gz siblings), served by `hostnet serve` at `/` on the API's listeners.
 * Nothing is read at start (serve starts as fast without the console): the first request reads the directory's
 * listing, later ones read a file when asked, through a small bounded cache; a page load whose index.html
 * changed on disk (a reinstall) reads the listing again. Caching: a hashed asset never
 * changes (`immutable`, a year); index.html is revalidated on every load (`no-cache` with an ETag), so a new
 * build reaches browsers at once.
 * @module
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CONSOLE_DIR_ENV = 'HOSTNET_CONSOLE_DIR'
/** Where the build puts the console, below the installation's root. */
export const CONSOLE_BUILD_DIR = join('dist', 'console')
export const INDEX_FILE = 'index.html'
export const ASSETS_PREFIX = '/assets/'
/** Largest file served (the build's files are far smaller; anything bigger is not ours). */
export const MAX_ASSET_BYTES = 4 * 1024 * 1024
/** Files kept in memory (the console has a handful; each in up to three encodings). */
export const MAX_CACHED_FILES = 64

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'
export const INDEX_CACHE = 'no-cache'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
}

/**
 * Headers of every console file: the page may load only its own scripts and styles and talk only to its own
 * origin; it is never framed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

export type Encoding = 'br' | 'gzip' | 'identity'

export interface AssetAnswer {
  status: 200 | 304 | 404
  headers: Record<string, string>
  body?: Buffer
}

interface FileEntry {
  /** Encodings available on disk for this file. */
  encodings: Set<Encoding>
}

/** The console's directory of this installation: $HOSTNET_CONSOLE_DIR, else dist/console above this module. */
export function findConsoleDir(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const given = env[CONSOLE_DIR_ENV]
  if (given !== undefined && given !== '') return given
  const start = dirname(fileURLToPath(import.meta.url))
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, CONSOLE_BUILD_DIR)
    if (existsSync(join(candidate, INDEX_FILE))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/** Which encoding to send, given what the client accepts and what exists (brotli, then gzip, then none). */
export function chooseEncoding(acceptEncoding: string | undefined, available: ReadonlySet<Encoding>): Encoding {
  const accepted = new Map<string, number>()
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name === undefined || name === '') continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  const ok = (e: string): boolean => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0
  if (available.has('br') && ok('br')) return 'br'
  if (available.has('gzip') && ok('gzip')) return 'gzip'
  return 'identity'
}

const SUFFIX: Readonly<Record<Encoding, string>> = { br: '.br', gzip: '.gz', identity: '' }

export class ConsoleAssets {
  private files: Map<string, FileEntry> | undefined
  private readonly cache = new Map<string, { body: Buffer; etag: string }>()
  /** index.html's modification time when the listing was read: a newer build (reinstall) is picked up at once. */
  private indexMtimeMs: number | undefined

  constructor(readonly dir: string) {}

  /** Forget the listing and the cache when the build changed under a running serve (one stat per page load). */
  private checkBuild(): void {
    let mtime: number | undefined
    try {
      mtime = statSync(join(this.dir, INDEX_FILE)).mtimeMs
    } catch {
      mtime = undefined // no build (yet): listed as empty
    }
    if (this.files !== undefined && mtime === this.indexMtimeMs) return
    this.files = undefined
    this.cache.clear()
    this.indexMtimeMs = mtime
  }

  /** The served names (`/index.html`, `/assets/x-1a2b.js`) with their encodings; read once, on first use. */
  private listing(): Map<string, FileEntry> {
    if (this.files !== undefined) return this.files
    const files = new Map<string, FileEntry>()
    const add = (rel: string): void => {
      for (const enc of ['br', 'gzip'] as const) {
        if (rel.endsWith(SUFFIX[enc])) {
          const base = rel.slice(0, -SUFFIX[enc].length)
          const e = files.get(base) ?? { encodings: new Set<Encoding>() }
          e.encodings.add(enc)
          files.set(base, e)
          return
        }
      }
      const e = files.get(rel) ?? { encodings: new Set<Encoding>() }
      e.encodings.add('identity')
      files.set(rel, e)
    }
    for (const suffix of ['', SUFFIX.br, SUFFIX.gzip]) if (existsSync(join(this.dir, INDEX_FILE + suffix))) add(`/${INDEX_FILE}${suffix}`)
    const assets = join(this.dir, 'assets')
    if (existsSync(assets)) for (const name of readdirSync(assets)) if (/^[\w.-]+$/.test(name)) add(`${ASSETS_PREFIX}${name}`)
    // only complete entries: the file itself must be there (a stray .gz alone is not served)
    for (const [k, v] of files) if (!v.encodings.has('identity')) files.delete(k)
    this.files = files
    return files
  }

  /** Whether the build is there (index.html). */
  available(): boolean {
    return this.listing().has(`/${INDEX_FILE}`)
  }

  /** The answer for GET/HEAD of `path` (`/` is index.html). Names not in the build's listing are 404. */
  answer(path: string, req: { acceptEncoding?: string | undefined; ifNoneMatch?: string | undefined }): AssetAnswer {
    const name = path === '/' ? `/${INDEX_FILE}` : path
    if (name === `/${INDEX_FILE}` || this.files === undefined) this.checkBuild()
    const entry = this.listing().get(name)
    if (entry === undefined) return { status: 404, headers: {} }
    const encoding = chooseEncoding(req.acceptEncoding, entry.encodings)
    const file = this.read(name, encoding)
    if (file === undefined) return { status: 404, headers: {} }
    const isIndex = name === `/${INDEX_FILE}`
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'cache-control': isIndex ? INDEX_CACHE : IMMUTABLE_CACHE,
      etag: file.etag,
      vary: 'accept-encoding',
    }
    if (encoding !== 'identity') headers['content-encoding'] = encoding
    if (req.ifNoneMatch !== undefined && req.ifNoneMatch.split(',').some((t) => t.trim() === file.etag)) return { status: 304, headers }
    headers['content-length'] = String(file.body.length)
    return { status: 200, headers, body: file.body }
  }

  private read(name: string, encoding: Encoding): { body: Buffer; etag: string } | undefined {
    const key = `${name}${SUFFIX[encoding]}`
    const hit = this.cache.get(key)
    if (hit !== undefined) return hit
    const path = join(this.dir, `${name.slice(1)}${SUFFIX[encoding]}`)
    let body: Buffer
    try {
      if (statSync(path).size > MAX_ASSET_BYTES) return undefined
      body = readFileSync(path)
    } catch {
      return undefined // removed by a rebuild since the listing: the browser reloads index.html
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}${encoding === 'identity' ? '' : `-${encoding}`}"`
    const file = { body, etag }
    if (this.cache.size >= MAX_CACHED_FILES) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(key, file)
    return file
  }
}
