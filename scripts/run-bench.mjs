#!/usr/bin/env node
// `npm run bench -- NAME [args...]`: builds the project (tsc; its output goes to stderr, and type errors in
// unrelated files do not stop the run since tsc still emits; then the CLI bundle that bin/hostnet runs), then runs dist/bench/NAME.js with the remaining
// arguments. `--no-build` skips the build. Without NAME, lists the available benchmarks.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const argv = process.argv.slice(2)
const noBuild = argv.includes('--no-build')
const [name, ...rest] = argv.filter((a) => a !== '--no-build')

function available() {
  const dir = join(root, 'bench')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort()
}

if (!name || name.startsWith('-')) {
  console.error('usage: npm run bench -- NAME [--no-build] [args...]')
  console.error(`available benchmarks: ${available().join(', ') || '(none)'}`)
  process.exit(2)
}
if (!available().includes(name)) {
  console.error(`unknown benchmark '${name}'; available benchmarks: ${available().join(', ') || '(none)'}`)
  process.exit(2)
}
if (!noBuild) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const b = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: ['ignore', 2, 2] })
  if (b.error) throw b.error
  const cli = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: ['ignore', 2, 2] })
  if (cli.status !== 0) process.exit(cli.status ?? 1)
}
const script = join(root, 'dist', 'bench', `${name}.js`)
if (!existsSync(script)) {
  console.error(`no compiled benchmark ${script}`)
  process.exit(2)
}
const r = spawnSync(process.execPath, ['--enable-source-maps', script, ...rest], { stdio: 'inherit', cwd: root })
process.exit(r.status ?? 1)
