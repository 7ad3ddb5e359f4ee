/**
 * Architecture guard: the import graph of src/ (product files and their tests, type-only imports included) has no
 * cycle. A cycle means two files cannot be understood, tested or moved one without the other; the fix is to
 * move what both need into a third file, or to pass a function in (as plan/ovs gets the kernel planner).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { importsOf } from './helpers/imports.js'
import { repoRoot } from './helpers/paths.js'

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** file → the files under the same tree it imports (relative specifiers, `.js` read as the `.ts` source). */
export function importGraph(files: readonly string[], read: (f: string) => string): Map<string, string[]> {
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const deps: string[] = []
    for (const spec of importsOf(read(file))) {
      if (!spec.startsWith('.')) continue
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts')
      if (known.has(target) && !deps.includes(target)) deps.push(target)
    }
    graph.set(file, deps)
  }
  return graph
}

/** The strongly connected components with more than one file (or a file importing itself), Tarjan's algorithm. */
function cyclicComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  let next = 0
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const scc: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      scc.push(w)
    } while (w !== v)
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc)
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return out
}

/** One cycle through the first (sorted) file of a component: the shortest way back to it. */
function cycleIn(graph: ReadonlyMap<string, readonly string[]>, scc: readonly string[]): string[] {
  const members = new Set(scc)
  const start = [...scc].sort()[0]!
  const from = new Map<string, string>()
  const queue = [start]
  for (let k = 0; k < queue.length; k++) {
    const v = queue[k]!
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue
      if (w === start) {
        const path = [v]
        while (path[0] !== start) path.unshift(from.get(path[0]!)!)
        return [...path, start]
      }
      if (from.has(w)) continue
      from.set(w, v)
      queue.push(w)
    }
  }
  return [start]
}

/** Every import cycle under srcDir, each as `a.ts -> b.ts -> a.ts` (paths relative to srcDir). Exported for the proof below. */
export function importCycles(srcDir: string, files: readonly string[], read: (f: string) => string): string[] {
  const graph = importGraph(files, read)
  return cyclicComponents(graph).map((scc) => cycleIn(graph, scc).map((f) => relative(srcDir, f)).join(' -> '))
}

test('the import graph of src/ has no cycle', () => {
  const srcDir = join(repoRoot(), 'src')
  assert.deepEqual(importCycles(srcDir, walk(srcDir, []), (f) => readFileSync(f, 'utf8')), [])
})

test('the cycle check finds a cycle planted in the real src/ tree, and a type-only one', () => {
  const srcDir = join(repoRoot(), 'src')
  const files = walk(srcDir, [])
  const errors = join(srcDir, 'errors.ts')
  // errors.ts is imported by nearly everything: importing the CLI's entry point from it closes a long cycle
  const planted = (f: string): string => readFileSync(f, 'utf8') + (f === errors ? "\nimport { main } from './cli/main.js'\n" : '')
  const found = importCycles(srcDir, files, planted)
  assert.ok(found.some((c) => / ?errors\.ts -> cli\/main\.ts /.test(` ${c} `)), found.join('\n'))

  const small: Record<string, string> = {
    '/x/src/a.ts': "import { b } from './b.js'\n",
    '/x/src/b.ts': "import type { C } from './sub/c.js'\n",
    '/x/src/sub/c.ts': "export type { A } from '../a.js'\nimport { y } from 'yaml'\n",
    '/x/src/d.ts': "import { a } from './a.js'\n",
  }
  assert.deepEqual(importCycles('/x/src', Object.keys(small), (f) => small[f]!), ['a.ts -> b.ts -> sub/c.ts -> a.ts'])
})
