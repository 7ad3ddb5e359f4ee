#!/usr/bin/env node
// Runs the compiled test files (dist/**/*.test.js) with node:test and ends with the line
// "N passed, N failed". Arguments are substrings that select test files (all files when none).
// First it builds the CLI bundle (scripts/build-cli.mjs, about a second), so that the tests, which run
// bin/hostnet as users do, never run a bundle older than the sources.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { tmpdir } from 'node:os'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('-'))

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const bundle = spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: 'inherit', cwd: root })
if (bundle.status !== 0) {
  console.log('\n0 passed, 1 failed (the CLI bundle did not build)')
  process.exit(1)
}

const files = walk(dist, [])
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort()
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(1)
}
const summaryFile = join(tmpdir(), `hostnet-test-summary-${process.pid}.json`)
const args = [
  '--enable-source-maps',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts/summary-reporter.mjs')}`,
  `--test-reporter-destination=${summaryFile}`,
  ...passthrough,
  ...files,
]
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root })
let summary = { passed: 0, failed: 1, skipped: 0, failures: ['(no summary: the test runner crashed)'] }
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8').trim().split('\n').pop())
  rmSync(summaryFile)
} catch {}
if (summary.failures.length > 0) {
  console.log('\nFailed tests:')
  for (const f of summary.failures) console.log(`  ${f}`)
}
const failed = summary.failed + (r.status !== 0 && summary.failed === 0 ? 1 : 0)
console.log(`\n${summary.passed} passed, ${failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`)
process.exit(failed === 0 ? 0 : 1)
