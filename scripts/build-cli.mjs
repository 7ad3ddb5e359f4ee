#!/usr/bin/env node
// Builds the CLI bundle that bin/hostnet runs: dist/cli/hostnet.js (entry: src/cli/program.ts) and its lazy
// chunks (one per command group and per shared part, loaded by the command table's import()s), plus the
// scripts started as processes: launcher-child.js and client-main.js (found next to the chunk that starts them)
// and dhcp-event.js (bin/hostnet-dhcp-event, dnsmasq's lease script). ES modules with code splitting, source maps beside each file; only better-sqlite3's compiled addon is
// loaded from node_modules. esbuild is a pinned devDependency and needs no network. `--metafile` also writes
// dist/cli/meta.json (which source files each output holds; the laziness test reads it).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
export const CLI_OUT_DIR = join(root, 'dist', 'cli')

/** Build the bundle; returns esbuild's metafile. */
export async function buildCli() {
  let esbuild
  try {
    esbuild = await import('esbuild')
  } catch (e) {
    throw new Error(`esbuild is not installed (${e.message}): run bash scripts/install.sh (or npm ci)`)
  }
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      hostnet: 'src/cli/program.ts',
      'launcher-child': 'src/backend/iproute2/launcher-child.ts',
      'client-main': 'src/lab/guest/client-main.ts',
      'dhcp-event': 'src/cli/dhcp-event.ts',
    },
    outdir: CLI_OUT_DIR,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // better-sqlite3's JavaScript is bundled too; its compiled addon is loaded from node_modules (store/open.ts)
    // commander and yaml are CommonJS: their require() of node: builtins needs a real require in ES modules
    banner: { js: "import { createRequire as __hostnetCreateRequire } from 'node:module'; const require = __hostnetCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
    write: false,
  })
  const files = [...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })), { path: join(CLI_OUT_DIR, 'meta.json'), contents: Buffer.from(JSON.stringify(result.metafile)) }]
  installFiles(files)
  return result.metafile
}

/**
 * Put the outputs in place without disturbing a hostnet process (or a test run) using the current ones: unchanged
 * files are not touched, changed ones are replaced by rename (chunk names carry a content hash), files of an
 * earlier build are removed last.
 */
function installFiles(files) {
  mkdirSync(CLI_OUT_DIR, { recursive: true })
  for (const f of files) {
    if (existsSync(f.path) && Buffer.compare(readFileSync(f.path), f.contents) === 0) continue
    const tmp = `${f.path}.${process.pid}.tmp`
    writeFileSync(tmp, f.contents)
    renameSync(tmp, f.path)
  }
  const keep = new Set(files.map((f) => basename(f.path)))
  for (const name of readdirSync(CLI_OUT_DIR)) if (!keep.has(name) && !name.endsWith('.tmp')) rmSync(join(CLI_OUT_DIR, name), { force: true })
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    await buildCli()
  } catch (e) {
    console.error(`build-cli: ${e.message}`)
    process.exit(1)
  }
}
