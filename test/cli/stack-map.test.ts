/** Stack traces of the bundled CLI name the TypeScript sources (cli/stack-map.ts, used when an unexpected error is printed). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from '../helpers/paths.js'
import { mapStack } from '../../src/cli/stack-map.js'

/** The raw stack of an error thrown inside the bundle, from a node without source-map support (as bin/hostnet runs). */
function bundleStack(): string {
  const bundle = pathToFileURL(join(repoRoot(), 'dist', 'cli', 'hostnet.js')).href
  const script = `const m = await import(${JSON.stringify(bundle)}); try { m.programWith(null) } catch (e) { process.stdout.write(e.stack) }`
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).stdout
}

test('an error thrown inside the bundle maps to its .ts line; frames without a map stay as they are', () => {
  const stack = bundleStack()
  assert.match(stack, /dist\/cli\/hostnet\.js:\d+:\d+/)
  const mapped = mapStack(stack, repoRoot())
  assert.match(mapped, /at Module\.programWith \(src\/cli\/program\.ts:\d+:\d+\)/)
  assert.doesNotMatch(mapped, /dist\/cli\/hostnet\.js/)
  const plain = 'Error: x\n    at f (file:///nowhere/no-map.js:3:4)'
  assert.equal(mapStack(plain), plain)
})
