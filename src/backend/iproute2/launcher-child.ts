/**
 * The process launcher's child (see launcher.ts): reads one JSON request per line on stdin
 * ({id, argv, input?, env?, timeoutMs, stream?}), runs argv (no shell), and answers each with a JSON header line
 * ({id, exitCode, timedOut, stdoutBytes, stderrBytes} or {id, error}) followed by the raw stdout and stderr
 * bytes; with `stream`, stdout also goes out as it comes, in {id, chunk: true, stdoutBytes} messages. Exits when its stdin is closed (its parent closed it or is gone) and the commands under way are done.
 * @module
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

interface Request {
  id: number
  argv: string[]
  input?: string
  env?: Record<string, string>
  timeoutMs: number
  /** Forward stdout as it comes, in {id, chunk: true, stdoutBytes} messages, before the final answer. */
  stream?: boolean
}

let running = 0
let closed = false

function answer(header: Record<string, unknown>, out: Buffer = Buffer.alloc(0), err: Buffer = Buffer.alloc(0)): void {
  process.stdout.write(Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, stdoutBytes: out.length, stderrBytes: err.length })}\n`), out, err]))
  running--
  if (closed && running === 0) process.exitCode = 0 // nothing keeps the loop alive: exits once stdout is flushed
}

function run(req: Request): void {
  running++
  const [cmd, ...args] = req.argv
  const child = spawn(cmd ?? '', args, { stdio: ['pipe', 'pipe', 'pipe'], env: req.env ? { ...process.env, ...req.env } : process.env })
  const out: Buffer[] = []
  const err: Buffer[] = []
  let done = false
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, req.timeoutMs)
  // streamed output is forwarded at most once per turn of the event loop (ip writes in small pieces)
  let flushing = false
  const flush = (): void => {
    flushing = false
    if (out.length === 0 || done) return
    const b = Buffer.concat(out)
    out.length = 0
    process.stdout.write(Buffer.concat([Buffer.from(`${JSON.stringify({ id: req.id, chunk: true, stdoutBytes: b.length, stderrBytes: 0 })}\n`), b]))
  }
  child.stdout.on('data', (b: Buffer) => {
    out.push(b)
    if (req.stream === true && !flushing) {
      flushing = true
      setImmediate(flush)
    }
  })
  child.stderr.on('data', (b: Buffer) => err.push(b))
  child.on('error', (e: NodeJS.ErrnoException) => {
    if (done) return
    done = true
    clearTimeout(timer)
    answer({ id: req.id, error: { code: e.code, message: e.message } })
  })
  child.on('close', (code) => {
    if (done) return
    done = true
    clearTimeout(timer)
    answer({ id: req.id, exitCode: code ?? -1, timedOut }, Buffer.concat(out), Buffer.concat(err))
  })
  child.stdin.on('error', () => {
    /* the child may exit before reading stdin; its exit status reports the problem */
  })
  child.stdin.end(req.input ?? '')
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
lines.on('line', (line) => {
  if (line.trim() !== '') run(JSON.parse(line) as Request)
})
// stdin closed (the parent closed it or is gone): finish the commands under way, answer them, then exit
lines.on('close', () => {
  closed = true
})
