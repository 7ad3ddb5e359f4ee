/**
 * Issue 16, the input defects: 8 (`xml normalize` reads its input like every command: a missing file or a
 * directory is a one-line error, no stack trace), 9 (messages cut long values), 10 (port UUIDs are looked up the
 * way libvirt parses them; a malformed one is invalid input), 11 (invalid UTF-8 is refused, never replaced),
 * 12 (deeply nested YAML is refused before the library sees it, however often), 14 (`--confirm-within` takes
 * decimal seconds only), and the document size limit on the CLI's input path.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError, ValidationError } from '../../src/errors.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { MAX_DOCUMENT_BYTES } from '../../src/codec/limits.js'
import { decodeDocument } from '../../src/codec/input.js'
import { parseNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { fixture, natXml, NS } from '../network/fakes.js'
import { spawn } from 'node:child_process'
import { hostnetBinPath, runCli, tempDir, type CliResult } from '../engine/cli-helpers.js'

/** bin/hostnet with `args` and then one argument of raw bytes, through `xargs -0` (no shell). */
function runWithRawArg(args: readonly string[], raw: Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('xargs', ['-0', process.execPath, hostnetBinPath(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(raw)
  })
}

const NET_OK = `<network><name>n</name><forward mode='nat'/><ip address='10.5.0.1' prefix='24'/></network>\n`

test('xml normalize: a missing file is exit 3, a directory exit 2, each one line without a stack trace', async () => {
  const dir = tempDir('hostnet-inputs-')
  try {
    const missing = await runCli(['xml', 'normalize', '--kind', 'network', join(dir.path, 'nope.xml')])
    assert.equal(missing.code, 3, missing.stderr)
    assert.match(missing.stderr, /^error: cannot read '.*nope\.xml': ENOENT\n$/)
    const isDir = await runCli(['xml', 'normalize', '--kind', 'network', dir.path])
    assert.equal(isDir.code, 2, isDir.stderr)
    assert.match(isDir.stderr, /^error: cannot read '.*': it is a directory\n$/)
  } finally {
    dir.remove()
  }
})

test('invalid UTF-8 is refused with exit 2 (file and argument), never stored as U+FFFD', async () => {
  const dir = tempDir('hostnet-inputs-')
  try {
    const file = join(dir.path, 'net.xml')
    writeFileSync(file, Buffer.concat([Buffer.from('<network><name>"'), Buffer.from([0xff, 0x28]), Buffer.from(`"</name><forward mode='nat'/></network>`)]))
    const norm = await runCli(['xml', 'normalize', '--kind', 'network', file])
    assert.equal(norm.code, 2, norm.stderr)
    assert.match(norm.stderr, /is not valid UTF-8 \(byte 16 /)
    const define = await runCli(['net-define', '--netns', 'hostnet-absent-ns', '--state-dir', join(dir.path, 's'), file])
    assert.equal(define.code, 2, define.stderr)
    assert.match(define.stderr, /not valid UTF-8/)
    // an argument that is not UTF-8 (xargs passes the bytes on as they are)
    const arg = await runWithRawArg(['net-info', '--netns', 'hostnet-absent-ns', '--state-dir', join(dir.path, 's')], Buffer.from([0x61, 0xff]))
    // xargs reports 123 for any status 1-125 of the command; the message is the invalid-input one, before any lookup
    assert.equal(arg.code, 123, arg.stderr)
    assert.equal(arg.stderr, "error: argument 6 'a\ufffd' is not valid UTF-8\n")
    assert.throws(() => decodeDocument(Uint8Array.from([0x61, 0xe2, 0x82]), 'x'), /byte 1 /)
    assert.equal(decodeDocument(Buffer.from('é☃\u{1F600}'), 'x'), 'é☃\u{1F600}')
  } finally {
    dir.remove()
  }
})

test('documents over the size limit are refused before parsing, on stdin and from files', async () => {
  const dir = tempDir('hostnet-inputs-')
  try {
    const big = join(dir.path, 'big.xml')
    writeFileSync(big, `<network><name>n</name><!--${'x'.repeat(MAX_DOCUMENT_BYTES)}--></network>`)
    const r = await runCli(['xml', 'normalize', '--kind', 'network', big])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /is too large: \d+ bytes, the limit is 10 MiB/)
    assert.throws(() => parseDesiredState(`# ${'x'.repeat(MAX_DOCUMENT_BYTES)}\n`), /too large/)
    assert.throws(() => parseNetworkPortXml(`<networkport>${' '.repeat(MAX_DOCUMENT_BYTES)}</networkport>`), /too large/)
  } finally {
    dir.remove()
  }
})

test('messages cut long values: a 5 MB name gives a short error, in text and in JSON', async () => {
  const dir = tempDir('hostnet-inputs-')
  try {
    const file = join(dir.path, 'net.xml')
    const name = 'n'.repeat(5_000_000)
    writeFileSync(file, `<network><name>${name}</name><forward mode='nat'/><ip address='10.5.0.1' prefix='24'/></network>`)
    const r = await runCli(['net-define', '--netns', 'hostnet-absent-ns', '--state-dir', join(dir.path, 's'), file])
    assert.equal(r.code, 2, r.stderr.slice(0, 300))
    assert.ok(r.stderr.length < 600, `stderr has ${r.stderr.length} characters`)
    assert.match(r.stderr, /invalid network name 'n+…\[\d+ characters\]…n+'/)
    const j = await runCli(['net-define', '--json', '--netns', 'hostnet-absent-ns', '--state-dir', join(dir.path, 's'), file])
    assert.equal(j.code, 2)
    assert.ok(j.stdout.length < 10_000, `JSON error has ${j.stdout.length} characters`)
    const e = new ValidationError(`bad value '${'v'.repeat(50_000)}'`, { value: 'v'.repeat(50_000) })
    assert.ok(e.message.length <= 2000 && String(e.value).length <= 4000)
  } finally {
    dir.remove()
  }
})

test('port UUIDs: any case, with or without dashes, find the port; a malformed one is invalid input', async () => {
  const f = fixture()
  try {
    await f.driver.define(NS, natXml('n', '10.6.1'))
    await f.driver.start(NS, 'n')
    const uuid = '5d744f21-ba4a-4d6e-bdb4-3a3e2e3f4c1a'
    const port = parseNetworkPortXml(
      `<networkport><uuid>${uuid.toUpperCase()}</uuid><owner><name>g</name><uuid>4d744f21-ba4a-4d6e-bdb4-3a3e2e3f4c1a</uuid></owner>` +
        `<mac address='52:54:00:00:00:01'/></networkport>`,
    )
    await f.driver.ports.create(NS, 'n', { port }, { plug: false })
    for (const spelled of [uuid, uuid.toUpperCase(), uuid.replace(/-/g, ''), ` ${uuid} `]) {
      assert.equal(f.driver.ports.get(NS, 'n', spelled).uuid, uuid, spelled)
      assert.match(f.driver.ports.dumpXml(NS, 'n', spelled), new RegExp(uuid))
    }
    for (const bad of ['nope', `${uuid}0`, uuid.replace('5', 'g')]) {
      assert.throws(() => f.driver.ports.get(NS, 'n', bad), (e) => e instanceof HostnetError && e.kind === 'invalid-argument' && /malformed network port UUID/.test(e.message), bad)
      await assert.rejects(() => f.driver.ports.delete(NS, 'n', bad), (e) => e instanceof HostnetError && e.kind === 'invalid-argument', bad)
    }
    assert.throws(() => f.driver.ports.get(NS, 'n', '6d744f21-ba4a-4d6e-bdb4-3a3e2e3f4c1a'), (e) => e instanceof HostnetError && e.kind === 'not-found')
    await f.driver.ports.delete(NS, 'n', uuid.toUpperCase().replace(/-/g, ''))
    assert.equal(f.driver.ports.list(NS, 'n').length, 0)
  } finally {
    f.close()
  }
})

test('deeply nested YAML and JSON are refused, repeatedly, in one process (the library aborted Node on the second)', () => {
  const docs = ['['.repeat(5000) + ']'.repeat(5000), `a: &x 1\nb: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')]
  for (let round = 0; round < 3; round++) {
    for (const d of docs) assert.throws(() => parseDesiredState(d), /nested deeper than 64 levels/)
    assert.throws(() => parseDesiredState('['.repeat(100_000) + ']'.repeat(100_000), { format: 'json' }), /nested deeper than 64 levels/)
  }
})

test('--confirm-within and --poll-ms take decimal numbers only (0x10 is not 16 s)', async () => {
  const dir = tempDir('hostnet-inputs-')
  try {
    const doc = join(dir.path, 'doc.yaml')
    writeFileSync(doc, 'interfaces: []\n')
    for (const v of ['0x10', '1e3', '-5', '0', ' 5', 'Infinity', '99999999', '']) {
      const r = await runCli(['apply', '--netns', 'hostnet-absent-ns', '--state-dir', join(dir.path, 's'), '--confirm-within', v, doc])
      assert.equal(r.code, 2, `${v}: ${r.stderr}`)
      assert.match(r.stderr, /invalid --confirm-within/, v)
    }
    mkdirSync(join(dir.path, 's2'))
    const serve = await runCli(['serve', '--state-dir', join(dir.path, 's2'), '--poll-ms', '0x10'])
    assert.equal(serve.code, 2, serve.stderr)
    assert.match(serve.stderr, /invalid --poll-ms/)
  } finally {
    dir.remove()
  }
  void NET_OK
})
