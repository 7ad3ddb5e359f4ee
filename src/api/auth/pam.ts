/**
 * Host accounts through PAM, without a native addon: Debian's `pamtester SERVICE USER authenticate`, spawned
 * with argv and the password on its standard input. Admin = member of the `hostnet-admin` group (`id -nG`).
 * A bounded number of checks run at once; a successful check is cached briefly (HTTP Basic sends the password
 * with every request) under a hash of the credentials.
 * @module
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import type { Role } from '../context.js'

export const ADMIN_GROUP = 'hostnet-admin'
export const DEFAULT_PAM_SERVICE = 'hostnet'
export const PAM_TIMEOUT_MS = 10_000
export const PAM_MAX_CONCURRENT = 4
export const PAM_CACHE_TTL_MS = 60_000
export const PAM_CACHE_MAX = 256
/** A user name as PAM and useradd accept it (no option-looking or odd names reach the helper). */
const USER_RE = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i

export type PamOutcome = { ok: true; role: Role } | { ok: false; reason: 'denied' | 'busy' | 'unavailable' }

export interface PamOptions {
  service?: string
  /** pamtester's path (tests may point elsewhere). */
  pamtester?: string
  nowMs?: () => number
}

function run(argv: readonly string[], input: string | undefined, timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] })
    let stdout = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (b: Buffer) => {
      if (stdout.length < 65_536) stdout += b.toString('utf8')
    })
    child.on('error', () => {
      clearTimeout(timer)
      resolve({ code: null, stdout })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout })
    })
    child.stdin.on('error', () => undefined) // the helper may exit before reading
    child.stdin.end(input === undefined ? undefined : `${input}\n`)
  })
}

export class PamAuthenticator {
  private running = 0
  private readonly cache = new Map<string, { role: Role; untilMs: number }>()
  private readonly service: string
  private readonly bin: string
  private readonly nowMs: () => number

  constructor(opts: PamOptions = {}) {
    this.service = opts.service ?? DEFAULT_PAM_SERVICE
    this.bin = opts.pamtester ?? 'pamtester'
    this.nowMs = opts.nowMs ?? Date.now
  }

  async check(user: string, password: string): Promise<PamOutcome> {
    if (!USER_RE.test(user) || password.includes('\n') || password.includes('\0') || password.length > 1024) return { ok: false, reason: 'denied' }
    const key = createHash('sha256').update(`${user}\0${password}`).digest('hex')
    const hit = this.cache.get(key)
    if (hit !== undefined && hit.untilMs > this.nowMs()) return { ok: true, role: hit.role }
    if (this.running >= PAM_MAX_CONCURRENT) return { ok: false, reason: 'busy' }
    this.running++
    try {
      const r = await run([this.bin, '--', this.service, user, 'authenticate'], password, PAM_TIMEOUT_MS)
      if (r.code === null) return { ok: false, reason: 'unavailable' }
      if (r.code !== 0) return { ok: false, reason: 'denied' }
      const role = (await this.groups(user)).includes(ADMIN_GROUP) ? 'admin' : 'viewer'
      if (this.cache.size >= PAM_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(key, { role, untilMs: this.nowMs() + PAM_CACHE_TTL_MS })
      return { ok: true, role }
    } finally {
      this.running--
    }
  }

  private async groups(user: string): Promise<string[]> {
    const r = await run(['id', '-nG', '--', user], undefined, PAM_TIMEOUT_MS)
    return r.code === 0 ? r.stdout.trim().split(/\s+/) : []
  }
}
