/**
 * The CLI stays fast only while each command loads what it needs: this guards it. bin/hostnet runs with a module
 * hook that records every ES module the process loads (the bundle's chunks); dist/cli/meta.json (written by
 * scripts/build-cli.mjs) says which source files each chunk holds. A command that starts importing the YAML codec,
 * the OVSDB client, the dnsmasq or nftables renderers, the network driver or the transaction engine where it does
 * not need them fails here: import them inside the function that uses them (`await import(...)`), or move the
 * light part into a module of its own (see ARCHITECTURE.md, "A new command").
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '../helpers/paths.js'
import { hostnetBinPath, tempDir } from '../engine/cli-helpers.js'
import { canUseNetns, withNetns } from '../helpers/netns.js'

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown> }>
}

/** Modules no listing or version command may load. */
const HEAVY: ReadonlyArray<[string, RegExp]> = [
  ['the YAML package', /^node_modules\/yaml\//],
  ['the YAML codec', /^src\/codec\/yaml\//],
  ['the OVSDB client', /^src\/backend\/(ovsdb|ovs-host)\//],
  ['the dnsmasq renderer', /^src\/backend\/dnsmasq\/(render|conf-)/],
  ['the nftables renderer', /^src\/backend\/nftables\//],
  ['the iproute2 backend', /^src\/backend\/iproute2\/(index|query|render)/],
  ['the network driver', /^src\/driver\/network\/driver\.ts$/],
  ['the transaction engine', /^src\/txn\/(apply|engine|recover)\.ts$/],
]

const HOOKS = `import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.HOSTNET_TEST_MODULE_TRACE, url + '\\n')
  return next(url, context)
}
`

/** Source files (relative to the repository) of every bundle chunk `args` loads, and the command's result. */
function sourcesLoadedBy(args: string[], dir: string): { sources: Set<string>; code: number | null; stdout: string; stderr: string } {
  const root = repoRoot()
  const hooks = join(dir, 'hooks.mjs')
  const register = join(dir, 'register.mjs')
  const trace = join(dir, `trace-${args[0]}.txt`)
  writeFileSync(hooks, HOOKS)
  writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)})\n`)
  writeFileSync(trace, '')
  const r = spawnSync(process.execPath, ['--import', register, hostnetBinPath(), ...args], {
    encoding: 'utf8',
    env: { ...process.env, HOSTNET_TEST_MODULE_TRACE: trace, HOSTNET_STATE_DIR: join(dir, 'state') },
  })
  const meta = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'meta.json'), 'utf8')) as Meta
  const sources = new Set<string>()
  for (const url of readFileSync(trace, 'utf8').split('\n').filter(Boolean)) {
    const out = meta.outputs[relative(root, fileURLToPath(url))]
    for (const input of Object.keys(out?.inputs ?? {})) sources.add(input)
  }
  return { sources, code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function heavyIn(sources: Set<string>): string[] {
  return [...sources].flatMap((s) => HEAVY.filter(([, re]) => re.test(s)).map(([what]) => `${what} (${s})`))
}

test('hostnet --version loads no command module and not the store', () => {
  const dir = tempDir('hostnet-lazy-')
  try {
    const r = sourcesLoadedBy(['--version'], dir.path)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/)
    assert.ok(r.sources.has('src/cli/program.ts'), 'the trace sees the bundle')
    const extra = [...r.sources].filter((s) => s.startsWith('src/') && !/^src\/(cli\/(program|command-table|output|exit|stack-map|remote)|errors)\.ts$/.test(s))
    assert.deepEqual(extra, [])
  } finally {
    dir.remove()
  }
})

test('hostnet net-list and net-info read the store without the heavy modules', () => {
  const dir = tempDir('hostnet-lazy-')
  try {
    const xml = join(dir.path, 'n.xml')
    writeFileSync(xml, "<network><name>lazy</name><forward mode='nat'/><ip address='10.231.0.1' netmask='255.255.255.0'/></network>\n")
    const define = spawnSync(process.execPath, [hostnetBinPath(), 'net-define', '--netns', 'hostnet-lazy-none', '--state-dir', join(dir.path, 'state'), xml], { encoding: 'utf8' })
    assert.equal(define.status, 0, define.stderr)
    for (const args of [['net-list', '--all'], ['net-info', '--netns', 'hostnet-lazy-none', 'lazy']]) {
      const r = sourcesLoadedBy(args, dir.path)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /lazy/)
      assert.ok(r.sources.has('src/cli/net.ts') && r.sources.has('src/store/open.ts'), `${args[0]}: the trace sees its modules`)
      assert.deepEqual(heavyIn(r.sources), [], `${args[0]} loads heavy modules`)
    }
  } finally {
    dir.remove()
  }
})

test('hostnet --url URL net-list loads the HTTP client, not the store', () => {
  const dir = tempDir('hostnet-lazy-')
  try {
    // nothing listens on the discard port of loopback: the request fails at once, after the modules are loaded
    const r = sourcesLoadedBy(['net-list', '--all', '--url', 'http://127.0.0.1:9'], dir.path)
    assert.notEqual(r.code, 0)
    assert.ok(r.sources.has('src/api/client/http.ts'), [...r.sources].join(' '))
    assert.ok(!r.sources.has('src/store/open.ts'), 'the remote CLI does not open a store')
    assert.deepEqual(heavyIn(r.sources), [])
  } finally {
    dir.remove()
  }
})

test('the guard sees heavy modules where a command needs them (hostnet diff loads the YAML codec)', () => {
  const dir = tempDir('hostnet-lazy-')
  try {
    const doc = join(dir.path, 'd.yaml')
    writeFileSync(doc, 'interfaces: []\n')
    const r = sourcesLoadedBy(['diff', '--netns', 'hostnet-lazy-none', doc], dir.path)
    assert.ok(heavyIn(r.sources).some((h) => h.startsWith('the YAML codec')), [...r.sources].join(' '))
  } finally {
    dir.remove()
  }
})

test('hostnet show of a namespace without Open vSwitch loads no OVSDB client', { skip: canUseNetns() ? false : 'needs root and ip netns' }, async () => {
  const dir = tempDir('hostnet-lazy-')
  try {
    await withNetns(async (ns) => {
      const r = sourcesLoadedBy(['show', '--netns', ns], dir.path)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^interfaces:\n {2}- name: lo\n/)
      assert.ok(r.sources.has('src/backend/ovs-host/backend.ts'), 'the composite backend is there')
      assert.deepEqual([...r.sources].filter((s) => /^src\/backend\/ovsdb\/(client|jsonrpc|monitor)/.test(s) || s === 'src/backend/ovs-host/connections.ts'), [])
    }, 'lazy')
  } finally {
    dir.remove()
  }
})
