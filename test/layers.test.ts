/**
 * Architecture guard: each layer (top-level folder under src/) may import only the layers ARCHITECTURE.md
 * allows. Pure layers may not import node: modules or packages at all. Product code (src/ without its *.test.ts)
 * never depends on test/: no import of it, no string naming a path under it (such as `dist/test/...`).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { importsOf } from './helpers/imports.js'
import { repoRoot } from './helpers/paths.js'
import { productSources } from './helpers/sources.js'

/**
 * layer → layers it may import (itself always allowed); `node`/`pkg` allow node: builtins / npm packages; `gates`:
 * layers it may enter only through their gates: a folder's `index.ts` (`backend/iproute2/index.ts`) or a file at
 * the layer's top (`backend/backend.ts`).
 */
export const RULES: Record<string, { layers: string[]; node: boolean; pkg: string[]; gates?: string[] }> = {
  errors: { layers: [], node: false, pkg: [] },
  model: { layers: ['errors'], node: false, pkg: [] },
  codec: { layers: ['errors', 'model'], node: false, pkg: ['yaml'] },
  plan: { layers: ['errors', 'model'], node: false, pkg: [] },
  sys: { layers: ['errors'], node: true, pkg: [] },
  backend: { layers: ['errors', 'model', 'codec', 'plan', 'sys'], node: true, pkg: [] },
  store: { layers: ['errors', 'model', 'codec', 'sys'], node: true, pkg: ['better-sqlite3'] },
  txn: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys'], node: true, pkg: [] },
  driver: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys', 'txn'], node: true, pkg: [], gates: ['backend'] },
  lab: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys', 'txn', 'driver'], node: true, pkg: [], gates: ['backend', 'driver'] },
  service: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys', 'txn', 'driver'], node: true, pkg: [] },
  api: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys', 'txn', 'driver', 'service'], node: true, pkg: ['*'] },
  cli: { layers: ['errors', 'model', 'codec', 'plan', 'backend', 'store', 'sys', 'txn', 'driver', 'lab', 'service', 'api'], node: true, pkg: ['*'] },
}

function layerOf(srcDir: string, file: string): string {
  const rel = relative(srcDir, file)
  const first = rel.split('/')[0]!
  return first.replace(/\.(ts|js)$/, '')
}

/** A layer's gate: `<layer>/<folder>/index.js` or `<layer>/<file>.js`. */
function isGate(srcDir: string, resolved: string): boolean {
  const parts = relative(srcDir, resolved).split('/')
  return parts.length === 2 || (parts.length === 3 && /^index\.(js|ts)$/.test(parts[2]!))
}

/** Violations for every file under srcDir. Exported so a test can prove the check catches one. */
export function layerViolations(srcDir: string, files: string[], read: (f: string) => string): string[] {
  const problems: string[] = []
  for (const file of files) {
    const layer = layerOf(srcDir, file)
    if (layer === 'main') continue // composition root
    const rule = RULES[layer]
    if (!rule) {
      problems.push(`${relative(srcDir, file)}: folder '${layer}' is not a known layer (add it to RULES and ARCHITECTURE.md)`)
      continue
    }
    for (const spec of importsOf(read(file))) {
      if (spec.startsWith('node:')) {
        if (!rule.node) problems.push(`${relative(srcDir, file)}: layer '${layer}' may not import '${spec}'`)
      } else if (spec.startsWith('.')) {
        const resolved = resolve(dirname(file), spec)
        const target = layerOf(srcDir, resolved)
        if (target !== layer && !rule.layers.includes(target)) {
          problems.push(`${relative(srcDir, file)}: layer '${layer}' may not import layer '${target}' ('${spec}')`)
        } else if (rule.gates?.includes(target) === true && !isGate(srcDir, resolved)) {
          problems.push(`${relative(srcDir, file)}: layer '${layer}' may enter layer '${target}' only through an index.ts or a top-level file ('${spec}')`)
        }
      } else if (!rule.pkg.includes('*') && !rule.pkg.includes(spec.split('/')[0]!)) {
        problems.push(`${relative(srcDir, file)}: layer '${layer}' may not import package '${spec}'`)
      }
    }
  }
  return problems
}

/** A string naming a path under test/: a `test/` segment (`../../test/x`, `dist/test/x`) or ending in `/test`. */
const TEST_PATH_RE = /(?:^|[^\w.-])test\/|\/test$/

/** The string literals of a TypeScript source (import specifiers, plain strings, template text), comments excluded. */
export function stringLiteralsOf(file: string, src: string): string[] {
  const out: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node)) out.push(node.text)
    else if (ts.isTemplateExpression(node)) out.push(node.head.text + node.templateSpans.map((s) => `\${…}${s.literal.text}`).join(''))
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(file, src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS))
  return out
}

/** Product files that import or name a path under test/. Exported so a test can prove the check catches one. */
export function testPathReferences(srcDir: string, files: string[], read: (f: string) => string): string[] {
  const problems: string[] = []
  for (const file of files) {
    const src = read(file)
    if (!src.includes('test')) continue // most files: no need to parse them
    for (const text of stringLiteralsOf(file, src)) {
      if (TEST_PATH_RE.test(text)) problems.push(`${relative(srcDir, file)}: names a path under test/ ('${text}')`)
    }
  }
  return problems
}

test('the layer check lets driver/ into a backend only through its index.ts (or backend/backend.ts)', () => {
  const src = [
    "import { LinkLayer } from '../../backend/iproute2/index.js'",
    "import type { HostBackend } from '../../backend/backend.js'",
    "import { ipArgv } from '../../backend/iproute2/argv.js'",
    "import { Op } from '../../backend/ovsdb/ops.js'",
  ].join('\n')
  const problems = layerViolations('/x/src', ['/x/src/driver/port/bad.ts'], () => src)
  assert.deepEqual(problems, [
    "driver/port/bad.ts: layer 'driver' may enter layer 'backend' only through an index.ts or a top-level file ('../../backend/iproute2/argv.js')",
    "driver/port/bad.ts: layer 'driver' may enter layer 'backend' only through an index.ts or a top-level file ('../../backend/ovsdb/ops.js')",
  ])
})

test('lab/ sits above driver/: the CLI may import it, driver/, txn/ and store/ may not', () => {
  const importLab = (): string => "import { createSandbox } from '../../lab/sandbox.js'"
  const files = ['/x/src/driver/network/bad.ts', '/x/src/txn/sub/bad.ts', '/x/src/store/sub/bad.ts', '/x/src/cli/sub/ok.ts']
  assert.deepEqual(layerViolations('/x/src', files, importLab), [
    "driver/network/bad.ts: layer 'driver' may not import layer 'lab' ('../../lab/sandbox.js')",
    "txn/sub/bad.ts: layer 'txn' may not import layer 'lab' ('../../lab/sandbox.js')",
    "store/sub/bad.ts: layer 'store' may not import layer 'lab' ('../../lab/sandbox.js')",
  ])
  const deep = layerViolations('/x/src', ['/x/src/lab/bad.ts'], () => "import { plugAll } from '../driver/port/plug.js'")
  assert.deepEqual(deep, ["lab/bad.ts: layer 'lab' may enter layer 'driver' only through an index.ts or a top-level file ('../driver/port/plug.js')"])
})

test('every src/ import respects the layer rules', () => {
  const srcDir = join(repoRoot(), 'src')
  const problems = layerViolations(srcDir, productSources(srcDir), (f) => readFileSync(f, 'utf8'))
  assert.deepEqual(problems, [])
})

test('the layer check catches a model file importing node: and a backend', () => {
  const srcDir = '/x/src'
  const files = ['/x/src/model/bad.ts']
  const problems = layerViolations(srcDir, files, () => "import { x } from 'node:fs'\nimport { y } from '../backend/iproute2/query.js'\n")
  assert.equal(problems.length, 2)
  assert.match(problems[0]!, /layer 'model' may not import 'node:fs'/)
  assert.match(problems[1]!, /layer 'model' may not import layer 'backend'/)
})

test('no product file in src/ imports or names a path under test/', () => {
  const srcDir = join(repoRoot(), 'src')
  assert.deepEqual(testPathReferences(srcDir, productSources(srcDir), (f) => readFileSync(f, 'utf8')), [])
})

test('the test/ check catches imports, paths and templates naming test/, not comments or look-alikes', () => {
  const src = [
    "import { lab } from '../../test/network/lab.js'",
    "const a = new URL(`../../test/dnsmasq/${name}`, import.meta.url)",
    "const b = join(root, 'dist/test')",
    '// the clients used to live in test/dnsmasq/ (see ../test/x.ts)',
    "const c = ['latest/x', 'contest/y', 'test', 'unit-test/z', `${x}.test/`]",
  ].join('\n')
  const problems = testPathReferences('/x/src', ['/x/src/cli/bad.ts'], () => src)
  assert.deepEqual(problems, [
    "cli/bad.ts: names a path under test/ ('../../test/network/lab.js')",
    "cli/bad.ts: names a path under test/ ('../../test/dnsmasq/${…}')",
    "cli/bad.ts: names a path under test/ ('dist/test')",
  ])
})

/**
 * Rooms inside a layer that must stay apart: plan/ovs wraps the kernel planner, which plan/host.ts hands it as a
 * parameter, so neither room imports the other (both use plan/'s shared files: ops, caps, problems, planner).
 */
export const ROOM_RULES: ReadonlyArray<{ room: string; mayNotImport: readonly string[] }> = [
  { room: 'plan/kernel', mayNotImport: ['plan/ovs'] },
  { room: 'plan/ovs', mayNotImport: ['plan/kernel'] },
]

function inRoom(srcDir: string, file: string, room: string): boolean {
  return relative(srcDir, file).startsWith(`${room}/`)
}

/** Imports from one room into a room it must not import. Exported so a test can prove the check catches one. */
export function roomViolations(srcDir: string, files: string[], read: (f: string) => string): string[] {
  const problems: string[] = []
  for (const file of files) {
    for (const { room, mayNotImport } of ROOM_RULES) {
      if (!inRoom(srcDir, file, room)) continue
      for (const spec of importsOf(read(file))) {
        if (!spec.startsWith('.')) continue
        const target = resolve(dirname(file), spec)
        const other = mayNotImport.find((r) => inRoom(srcDir, target, r))
        if (other !== undefined) problems.push(`${relative(srcDir, file)}: room '${room}' may not import room '${other}' ('${spec}')`)
      }
    }
  }
  return problems
}

test('plan/kernel and plan/ovs do not import each other', () => {
  const srcDir = join(repoRoot(), 'src')
  assert.deepEqual(roomViolations(srcDir, productSources(srcDir), (f) => readFileSync(f, 'utf8')), [])
})

test('the room check catches plan/ovs importing plan/kernel, not plan/ops or a kernel file importing plan/', () => {
  const files: Record<string, string> = {
    '/x/src/plan/ovs/plan.ts': "import { planKernel } from '../kernel/plan.js'\nimport type { HostOp } from '../ops.js'\n",
    '/x/src/plan/kernel/diff.ts': "import type { HostOp } from '../ops.js'\nimport { x } from './kernel-ovs.js'\n",
  }
  assert.deepEqual(roomViolations('/x/src', Object.keys(files), (f) => files[f]!), [
    "plan/ovs/plan.ts: room 'plan/ovs' may not import room 'plan/kernel' ('../kernel/plan.js')",
  ])
})
