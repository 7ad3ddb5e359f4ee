#!/usr/bin/env node
// Builds the web console (web/ → dist/console): type check (tsc -p web/tsconfig.json), Vite build (index.html and
// content-hashed assets under assets/), then a brotli (.br) and a gzip (.gz) copy of every text file, so
// `hostnet serve` sends them compressed without compressing anything itself. Skipped when nothing it reads
// changed since the last build (a hash of web/, src/ and package-lock.json, kept in dist/console/.build-hash);
// `--force` builds anyway. scripts/install.sh runs it; the browser tests run it too (a no-op when up to date).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const root = new URL('..', import.meta.url).pathname
export const CONSOLE_OUT_DIR = join(root, 'dist', 'console')
const STAMP = join(CONSOLE_OUT_DIR, '.build-hash')
const COMPRESSIBLE = /\.(html|js|css|svg|json|txt)$/

function files(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) files(p, out)
    else out.push(p)
  }
  return out
}

/** What the build reads: the console's sources, the pure layers it imports, the pinned packages. */
function inputHash() {
  const h = createHash('sha256')
  for (const f of [...files(join(root, 'web')), ...files(join(root, 'src')), join(root, 'package-lock.json'), join(root, 'scripts', 'build-console.mjs')]) {
    h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0')
  }
  return h.digest('hex')
}

export function consoleUpToDate() {
  return existsSync(STAMP) && existsSync(join(CONSOLE_OUT_DIR, 'index.html')) && readFileSync(STAMP, 'utf8').trim() === inputHash()
}

function precompress(dir) {
  for (const f of files(dir)) {
    if (!COMPRESSIBLE.test(f)) continue
    const body = readFileSync(f)
    writeFileSync(`${f}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }))
    writeFileSync(`${f}.gz`, gzipSync(body, { level: 9 }))
  }
}

export async function buildConsole({ force = false } = {}) {
  const hash = inputHash()
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash && existsSync(join(CONSOLE_OUT_DIR, 'index.html'))) return false
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const check = spawnSync(process.execPath, [tsc, '-p', join(root, 'web', 'tsconfig.json')], { cwd: root, encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`type errors in web/:\n${check.stdout}${check.stderr}`)
  let vite
  try {
    vite = await import('vite')
  } catch (e) {
    throw new Error(`vite is not installed (${e.message}): run bash scripts/install.sh (or npm ci)`)
  }
  await vite.build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' })
  precompress(CONSOLE_OUT_DIR)
  writeFileSync(STAMP, `${hash}\n`)
  return true
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    const built = await buildConsole({ force: process.argv.includes('--force') })
    if (!built) console.error('build-console: up to date')
  } catch (e) {
    console.error(`build-console: ${e.message}`)
    process.exit(1)
  }
}
