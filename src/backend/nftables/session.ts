/**
 * A long-lived `nft -i` process per target, for long-lived drivers (serve, benchmarks). Each `nft -f` run
 * rebuilds nft's cache of the whole ruleset (one netlink dump per table: ~40 ms with 100 network tables on the
 * reference VM); an interactive session keeps it and only refreshes it when the ruleset generation changed, so a
 * network's transaction costs ~5 ms. Correctness does not depend on the cache: nft compares the kernel's
 * generation id before every command.
 *
 * Protocol: the script goes as one line (nft's `;` separators), followed by `list table inet hostnetmark<N>`
 * for a table that never exists. That marker command always fails, so its error, carrying the unique name,
 * is the last thing on stderr for this script; whatever stderr holds before it is the script's own error.
 * A script that cannot be written as one line, a dead session, or a namespace that was replaced (another inode
 * under /run/netns) fall back to a fresh session or a one-shot `nft -f -`.
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { NETNS_RUN_DIR } from '../../sys/netns.js'

const MARK_PREFIX = 'hostnetmark'
/** Sessions unused this long exit (they would keep a deleted namespace alive). */
export const NFT_SESSION_IDLE_MS = 2_000
const SCRIPT_TIMEOUT_MS = 60_000

/** The script as one interactive line, or undefined when it cannot be (quotes spanning lines, a `#` comment). */
export function oneLineScript(script: string): string | undefined {
  const lines = script.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  for (const l of lines) if ((l.match(/"/g)?.length ?? 0) % 2 !== 0 || l.startsWith('#')) return undefined
  return lines.map((l) => l.replace(/;$/, '')).join('; ').replace(/\{; /g, '{ ')
}

function nsInode(target: Target): number | undefined {
  if (target.kind === 'host') return 0
  try {
    return statSync(join(NETNS_RUN_DIR, target.name)).ino
  } catch {
    return undefined // the namespace is gone: the session must not be used
  }
}

class Session {
  private readonly child: ChildProcessWithoutNullStreams
  private err = ''
  private waiting: { mark: string; resolve: (stderr: string) => void } | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private seq = 0
  private idle: NodeJS.Timeout | undefined
  dead = false

  constructor(
    readonly target: Target,
    readonly inode: number,
    private readonly onExit: () => void,
  ) {
    const argv = target.kind === 'host' ? ['nft', '-i'] : ['ip', 'netns', 'exec', target.name, 'nft', '-i']
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout.resume() // successful commands print nothing; never let the pipe fill
    this.child.stderr.on('data', (b: Buffer) => this.onStderr(b.toString('utf8')))
    this.child.on('exit', () => this.die())
    this.child.on('error', () => this.die())
    this.child.stdin.on('error', () => this.die())
  }

  private onStderr(text: string): void {
    this.err += text
    const w = this.waiting
    if (w === undefined) return
    const at = this.err.indexOf(`list table inet ${w.mark}\n`)
    if (at < 0) return
    const caret = this.err.indexOf('^', at)
    const lineEnd = caret < 0 ? -1 : this.err.indexOf('\n', caret)
    if (lineEnd < 0) return // the caret line of the marker's error is not complete yet
    const own = this.err.slice(0, this.err.lastIndexOf('Error:', at))
    this.err = this.err.slice(lineEnd + 1)
    this.waiting = undefined
    w.resolve(own)
  }

  private die(): void {
    if (this.dead) return
    this.dead = true
    if (this.idle !== undefined) clearTimeout(this.idle)
    this.onExit()
    this.waiting?.resolve('\u0000session ended')
    this.waiting = undefined
  }

  /** Run one script line; resolves to nft's error text ('' when it succeeded). */
  run(line: string): Promise<string> {
    const next = this.queue.then(
      () =>
        new Promise<string>((resolve) => {
          if (this.dead) return resolve('\u0000session ended')
          const mark = `${MARK_PREFIX}${process.pid}x${this.seq++}`
          const timer = setTimeout(() => {
            this.close()
            resolve('\u0000session timed out')
          }, SCRIPT_TIMEOUT_MS)
          this.waiting = {
            mark,
            resolve: (s) => {
              clearTimeout(timer)
              resolve(s)
            },
          }
          this.child.stdin.write(`${line}\nlist table inet ${mark}\n`)
        }),
    )
    this.queue = next.catch(() => undefined)
    void next.then(() => this.armIdle())
    return next
  }

  private armIdle(): void {
    if (this.idle !== undefined) clearTimeout(this.idle)
    this.idle = setTimeout(() => this.close(), NFT_SESSION_IDLE_MS)
    this.idle.unref()
  }

  close(): void {
    if (this.dead) return
    this.child.stdin.end()
    this.child.kill('SIGTERM')
    this.die()
  }
}

/** nft sessions by target; `run` returns undefined when the caller should use a one-shot `nft -f -` instead. */
export class NftSessions {
  private readonly sessions = new Map<string, Session>()

  async run(target: Target, script: string): Promise<'ok' | undefined> {
    const line = oneLineScript(script)
    const inode = nsInode(target)
    if (line === undefined || inode === undefined) return undefined
    const key = target.kind === 'host' ? 'host' : `netns:${target.name}`
    let s = this.sessions.get(key)
    if (s !== undefined && (s.dead || s.inode !== inode)) {
      s.close()
      s = undefined
    }
    if (s === undefined) {
      const fresh = new Session(target, inode, () => {
        if (this.sessions.get(key) === fresh) this.sessions.delete(key)
      })
      this.sessions.set(key, fresh)
      s = fresh
    }
    const err = await s.run(line)
    if (err.startsWith('\u0000')) return undefined // the session died: the caller retries one-shot
    if (err.trim() !== '') {
      throw new HostnetError('backend-failure', `nft in ${describeTarget(target)} failed: ${err.trim().split('\n')[0] ?? ''}`, {
        details: { stderr: err, script },
      })
    }
    return 'ok'
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.close()
    this.sessions.clear()
  }
}
