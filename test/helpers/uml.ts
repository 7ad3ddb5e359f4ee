/**
 * The full-kernel lane: run a compiled JS file under a User-Mode Linux kernel (bonding, 802.1q, dummy, vrf...)
 * with this machine's filesystem as root, through the shared uml-kernel-lane.sh recipe (located by paths.ts sharedDir();
 * $HOSTNET_UML_RECIPE overrides). Unavailable lane: tests skip, or fail when the CI environment variable is set.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { repoRoot, sharedDir } from './paths.js'

export function umlRecipePath(): string {
  return process.env['HOSTNET_UML_RECIPE'] ?? join(sharedDir(), 'recipes/uml-kernel-lane.sh')
}

/** Why the lane cannot run here, or undefined when it can. */
export function umlUnavailableReason(): string | undefined {
  if (!existsSync(umlRecipePath())) return `no recipe at ${umlRecipePath()}`
  if (spawnSync('sh', ['-c', 'command -v linux.uml'], { stdio: 'ignore' }).status !== 0) {
    return 'linux.uml not installed (apt-get install user-mode-linux)'
  }
  return undefined
}

/** undefined when the lane is available; a skip message otherwise. Throws under CI, where the lane is required. */
export function umlSkip(): string | undefined {
  const reason = umlUnavailableReason()
  if (reason !== undefined && process.env['CI']) throw new Error(`full-kernel lane required under CI: ${reason}`)
  return reason
}

export interface UmlResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface UmlOptions {
  args?: string[]
  mem?: string
  timeoutMs?: number
  /** Kernel modules to load in the guest instead of the recipe's default list (e.g. `['sch_sfq', 'act_police']`). */
  modules?: string[]
}

/** Run `node FILE ARGS` inside the UML guest; resolves with its output and exit status (125: guest failed). */
export function runUnderUml(jsFile: string, opts: UmlOptions = {}): Promise<UmlResult> {
  const argv = [
    umlRecipePath(),
    ...(opts.mem ? ['--mem', opts.mem] : []),
    ...(opts.modules ? ['--modules', opts.modules.join(' ')] : []),
    '--',
    process.execPath,
    jsFile,
    ...(opts.args ?? []),
  ]
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', argv, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? -1 })
    })
  })
}

/** The JSON object a lane script printed as its last line starting with `{`. */
export function lastJsonLine(stdout: string): unknown {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'))
  if (line === undefined) throw new Error(`no JSON result in the lane output:\n${stdout.slice(-2000)}`)
  return JSON.parse(line) as unknown
}
