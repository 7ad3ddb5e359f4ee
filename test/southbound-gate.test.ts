/**
 * The southbound gate: only src/backend/ builds what goes to iproute2, tc and OVSDB. Everything above speaks in
 * the backends' typed operations (backend/iproute2 LinkOp and LinkLayer, backend/ovs-host, backend/tc), so the
 * token guard of `ip -batch` lines (backend/iproute2/render-tokens.ts) cannot be bypassed. A TypeScript-AST scan of
 * src/ outside backend/ fails on:
 *   - an array literal whose first element is 'ip', 'tc' or 'bridge' (an argv), also through a constant of the file;
 *     only sys/ may build `ip netns ...` argv (namespace primitives: create, delete, exec, pids);
 *   - a string or template literal that reads as an `ip`/`tc`/`bridge` batch line (`link set dev ...`, `qdisc add ...`);
 *   - a call of the backends' private argv helper `ipArgv`;
 *   - an OVSDB operation: an object literal `{ op: 'insert' | 'update' | 'mutate' | 'delete' | 'select' | 'wait' | ... }`
 *     or a call of the `Op.insert(...)` builders.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { repoRoot } from './helpers/paths.js'
import { productSources } from './helpers/sources.js'

const PROGRAMS = new Set(['ip', 'tc', 'bridge'])
/** The objects of `ip`, `tc` and `bridge` (an argv's second word when it is not an option). */
const OBJECTS = new Set(['link', 'address', 'addr', 'route', 'rule', 'neigh', 'neighbour', 'netns', 'tuntap', 'maddress', 'nexthop', 'tunnel', 'monitor', 'qdisc', 'class', 'filter', 'fdb', 'mdb', 'vlan'])
const VERBS = new Set(['add', 'set', 'del', 'delete', 'flush', 'replace', 'change', 'show', 'list', 'get', 'exec', 'pids', 'append', 'prepend'])
/** Calls that run an argv. */
const RUNNERS = new Set(['run', 'spawn', 'spawnSync', 'execFile', 'execFileSync'])
const OVSDB_OPS = new Set(['insert', 'update', 'mutate', 'delete', 'select', 'wait', 'commit', 'abort', 'comment', 'assert'])
/** `ip`/`tc`/`bridge` batch lines: an object and a verb, e.g. `link set`, `address add`, `qdisc del`, `fdb add`. */
const BATCH_LINE_RE =
  /^\s*(?:link|address|addr|route|tuntap|neigh|neighbour|rule|maddress|nexthop|tunnel|qdisc|class|filter|fdb|mdb|vlan)\s+(?:add|set|del|delete|flush|replace|change|show|list|get|append|prepend)\b/

/** The text of a string-like expression: a literal, a template's head, or a `const` of this file bound to one. */
function textOf(node: ts.Node, consts: ReadonlyMap<string, string>): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text
  if (ts.isTemplateExpression(node)) return node.head.text
  if (ts.isIdentifier(node)) return consts.get(node.text)
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) return textOf(node.expression, consts)
  return undefined
}

/** `const NAME = 'text'` declarations of a file (argv programs named through a constant). */
function stringConsts(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>()
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && ts.isStringLiteralLike(node.initializer)) {
      const list = node.parent
      if (ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0) out.set(node.name.text, node.initializer.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

/**
 * Whether an array starting with a program's name is an argv rather than a list of words that happens to start
 * with one (libvirt's element names 'ip', 'bridge' in the codec): it is run, or its second element is an option
 * or spread, or an object of the program followed by a verb (or by a computed value).
 */
function isArgv(node: ts.ArrayLiteralExpression, second: string | undefined, consts: ReadonlyMap<string, string>): boolean {
  const parent = node.parent
  if (ts.isCallExpression(parent) && parent.arguments[0] === node) {
    const callee = parent.expression
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : ''
    if (RUNNERS.has(name)) return true
  }
  const el = node.elements
  if (el.length < 2) return false
  if (ts.isSpreadElement(el[1]!) || second?.startsWith('-') === true) return true
  if (second === undefined || !OBJECTS.has(second)) return false
  if (el.length < 3) return true
  const third = textOf(el[2]!, consts)
  return third === undefined || VERBS.has(third)
}

function where(sf: ts.SourceFile, node: ts.Node): string {
  return `${sf.fileName}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`
}

/** What a file outside backend/ builds for the southbound systems. Exported so a test can prove the check catches it. */
export function southboundViolations(srcDir: string, file: string, src: string): string[] {
  const rel = relative(srcDir, file)
  if (rel.startsWith('backend/')) return []
  const sf = ts.createSourceFile(rel, src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const consts = stringConsts(sf)
  const problems: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isArrayLiteralExpression(node) && node.elements.length > 0) {
      const first = textOf(node.elements[0]!, consts)
      const second = node.elements[1] === undefined ? undefined : textOf(node.elements[1], consts)
      const namespacePrimitive = first === 'ip' && second === 'netns' && rel.startsWith('sys/')
      if (first !== undefined && PROGRAMS.has(first) && !namespacePrimitive && isArgv(node, second, consts)) problems.push(`${where(sf, node)}: builds a '${first}' argv`)
    } else if ((ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
      const text = ts.isTemplateExpression(node) ? node.head.text : node.text
      if (BATCH_LINE_RE.test(text)) problems.push(`${where(sf, node)}: builds a batch line ('${text.slice(0, 40)}')`)
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const p of node.properties) {
        if (!ts.isPropertyAssignment(p) || (p.name.getText(sf) !== 'op' && p.name.getText(sf) !== "'op'")) continue
        const value = textOf(p.initializer, consts)
        if (value !== undefined && OVSDB_OPS.has(value)) problems.push(`${where(sf, node)}: builds an OVSDB '${value}' operation`)
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Op' && OVSDB_OPS.has(callee.name.text)) {
        problems.push(`${where(sf, node)}: builds an OVSDB '${callee.name.text}' operation`)
      } else if (ts.isIdentifier(callee) && callee.text === 'ipArgv') {
        problems.push(`${where(sf, node)}: builds an 'ip' argv`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return problems
}

test('no ip/tc/bridge argv or batch line, and no OVSDB operation, is built outside src/backend/', () => {
  const srcDir = join(repoRoot(), 'src')
  const problems = productSources(srcDir).flatMap((f) => southboundViolations(srcDir, f, readFileSync(f, 'utf8')))
  assert.deepEqual(problems, [])
})

test('the southbound check catches argv, batch lines and OVSDB operations, and leaves backend/ and look-alikes alone', () => {
  const planted = [
    "const a = await runner.run(['ip', '-n', ns, '-batch', '-'], { input })",
    "const TC = 'tc'",
    "const b = [TC, 'qdisc', 'show', 'dev', dev]",
    "const lines = [`link set dev ${name} up`, 'route add default via 10.0.0.1', `qdisc del dev ${dev} root`]",
    "const c = ipArgv(target, '-json', 'link', 'show')",
    "const txn = JSON.stringify(['Open_vSwitch', { op: 'insert', table: 'Open_vSwitch', row: {} }])",
    "const d = Op.mutate('Bridge', [], [])",
    "const e = ['bridge', 'fdb', 'show']",
    "const f = ['ip', 'netns', 'add', name]",
    "spawn(['tc', ...args])",
    // look-alikes: a message, a field named op with another value, an array of words, a method called op
    "const g = `cannot set the link of ${name}: it is gone`",
    "const h = { op: 'replace', kind: 'x' }",
    "const i = ['link', 'set']",
    "const k = ['ip', 'route', 'portForward', 'script']",
    "el('host', [['ip', formatIp(h.ip)], ['bridge', def.bridge]])",
    "const j = ops.op('insert')",
    '// link set dev x up, in a comment',
  ].join('\n')
  const problems = southboundViolations('/x/src', '/x/src/lab/bad.ts', planted)
  assert.deepEqual(problems, [
    "lab/bad.ts:1: builds a 'ip' argv",
    "lab/bad.ts:3: builds a 'tc' argv",
    "lab/bad.ts:4: builds a batch line ('link set dev ')",
    "lab/bad.ts:4: builds a batch line ('route add default via 10.0.0.1')",
    "lab/bad.ts:4: builds a batch line ('qdisc del dev ')",
    "lab/bad.ts:5: builds an 'ip' argv",
    "lab/bad.ts:6: builds an OVSDB 'insert' operation",
    "lab/bad.ts:7: builds an OVSDB 'mutate' operation",
    "lab/bad.ts:8: builds a 'bridge' argv",
    "lab/bad.ts:9: builds a 'ip' argv",
    "lab/bad.ts:10: builds a 'tc' argv",
  ])
  assert.deepEqual(southboundViolations('/x/src', '/x/src/backend/iproute2/x.ts', planted), [], 'backend/ may build them')
  assert.deepEqual(southboundViolations('/x/src', '/x/src/sys/netns.ts', "const f = ['ip', 'netns', 'add', name]"), [], 'sys/ may build ip netns argv')
})
