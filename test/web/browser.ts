/**
 * The web console's test rig: the console built (scripts/build-console.mjs, a no-op when up to date), a sandbox
 * with `hostnet serve` on plain HTTP over loopback (its console at /), API tokens made with the CLI, and Debian's
 * Chromium driven by playwright-core (pinned to the release built for Chromium's major), headless. Accessibility
 * checks run axe-core inside the page; screenshots go to test-output/console/ (git-ignored).
 * @module
 */
import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as net from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { runCli, spawnCli, tempDir, type CliResult } from '../engine/cli-helpers.js'
import { repoRoot } from '../helpers/paths.js'
import { uniqueNetnsName } from '../helpers/netns.js'

/** Page-side globals used inside page.evaluate (this file compiles without the DOM library). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any

export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update']
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

export function screenshotDir(): string {
  const dir = join(repoRoot(), 'test-output', 'console')
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Why browser tests cannot run here (undefined: they can). */
export function browserSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)'
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM}: run scripts/install.sh`
  return undefined
}

export async function ensureConsoleBuilt(): Promise<void> {
  const script = join(repoRoot(), 'scripts', 'build-console.mjs')
  const { buildConsole } = (await import(script)) as { buildConsole: () => Promise<boolean> }
  await buildConsole()
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  process.stdout.write(`# chromium ${browser.version()} (playwright-core ${playwrightVersion()})\n`)
  return browser
}

function playwrightVersion(): string {
  const require = createRequire(import.meta.url)
  return (JSON.parse(readFileSync(require.resolve('playwright-core/package.json'), 'utf8')) as { version: string }).version
}

/** axe-core's source, injected into pages (the console's CSP is bypassed by the test's browser context). */
let axeSource: string | undefined
function axe(): string {
  if (axeSource === undefined) {
    const require = createRequire(import.meta.url)
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  }
  return axeSource
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe())
  const found = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }> } }
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }))
  })
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))))
    })
  })
}

/** A sandbox with `hostnet serve` (API + console on 127.0.0.1, plain HTTP) and admin/viewer tokens. */
export class ConsoleLab {
  sandbox = uniqueNetnsName('web')
  dir = tempDir('hostnet-web-')
  serve: ChildProcess | undefined
  serveLog = ''
  url = ''
  adminToken = ''
  viewerToken = ''

  get target(): string {
    return `netns:${this.sandbox}`
  }

  get sd(): string[] {
    return ['--state-dir', this.dir.path]
  }

  cli(args: readonly string[]): Promise<CliResult> {
    return runCli([...args])
  }

  /** A CLI command that must succeed. */
  async ok(args: readonly string[]): Promise<string> {
    const r = await runCli([...args])
    if (r.code !== 0) throw new Error(`hostnet ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
    return r.stdout
  }

  async open(): Promise<void> {
    await this.ok(['sandbox', 'create', '--name', this.sandbox])
    this.adminToken = (await this.ok(['token', 'create', '--role', 'admin', ...this.sd])).trim().split('\n').pop()!.trim()
    this.viewerToken = (await this.ok(['token', 'create', '--role', 'viewer', ...this.sd])).trim().split('\n').pop()!.trim()
    const child = spawnCli(['serve', ...this.sd, '--poll-ms', '200', '--listen', `127.0.0.1:${await freePort()}`, '--no-tls'])
    this.serve = child
    child.stdout?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    const deadline = Date.now() + 30_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${this.serveLog}`)
      const m = /API listening on 127\.0\.0\.1:(\d+) \(tcp\)/.exec(this.serveLog)
      if (m !== null && /web console at \//.test(this.serveLog)) {
        this.url = `http://127.0.0.1:${m[1]}`
        return
      }
      if (Date.now() > deadline) throw new Error(`serve did not start its API: ${this.serveLog}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** The namespace's links as `ip -j` shows them, for a before/after comparison. */
  links(): Array<{ name: string; controller?: string; mtu: number; up: boolean; kind?: string }> {
    const r = spawnSync('ip', ['-n', this.sandbox, '-j', '-d', 'link', 'show'], { encoding: 'utf8' })
    const links = JSON.parse(r.stdout) as Array<{ ifname: string; master?: string; mtu: number; flags: string[]; linkinfo?: { info_kind?: string } }>
    return links
      .map((l) => ({ name: l.ifname, ...(l.master === undefined ? {} : { controller: l.master }), mtu: l.mtu, up: l.flags.includes('UP'), ...(l.linkinfo?.info_kind === undefined ? {} : { kind: l.linkinfo.info_kind }) }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  async close(): Promise<void> {
    const child = this.serve
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    await runCli(['sandbox', 'destroy', '--name', this.sandbox])
    rmSync(this.dir.path, { recursive: true, force: true })
  }
}

/** A browser context logged in with a token through the console's login form; the page shows the topology. */
export async function loginWithToken(browser: Browser, lab: ConsoleLab, token: string, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, bypassCSP: true, baseURL: lab.url })
  const page = await context.newPage()
  await page.goto(`/#/${encodeURIComponent(lab.target)}/topology`)
  await page.getByRole('radio', { name: 'API token' }).check()
  await page.getByLabel('Token', { exact: true }).fill(token)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: `Topology of ${lab.target}` }).waitFor()
  return { context, page }
}
