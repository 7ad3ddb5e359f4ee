/**
 * Which line of an `ip -batch -` run failed, and why (pure). Without -force, ip stops at the first failing
 * line, prints the kernel's (or its own) message and then `Command failed -:N` (N: 1-based input line), and
 * exits 1. A few argument errors found while parsing a line (`master NAME` of a missing device, a malformed
 * value) make ip exit at once with status 255 and no line number: then the line is found by the quoted
 * argument the message names, the first line that uses it.
 * @module
 */

export interface BatchFailure {
  /** 0-based index of the failing line, when known. */
  lineIndex: number | undefined
  /** What ip printed about the failure (one line, trimmed). */
  message: string
}

const FAILED_RE = /^Command failed -:(\d+)\s*$/

/** The last message line before `end` (earlier lines may be warnings about other, successful lines). */
function messageBefore(lines: readonly string[], end: number): string {
  for (let i = end - 1; i >= 0; i--) {
    const l = lines[i]!.trim()
    if (l !== '' && !FAILED_RE.test(l)) return l
  }
  return ''
}

const BLAME_RES: readonly RegExp[] = [/argument "([^"]*)" is wrong/, /Cannot find device "([^"]*)"/, /[Dd]evice "([^"]*)" does not exist/]

/** The token an immediate-exit message blames, e.g. `Error: argument "br9" is wrong: Device does not exist`. */
export function blamedToken(stderr: string): string | undefined {
  for (const re of BLAME_RES) {
    const m = re.exec(stderr)
    if (m !== null) return m[1]
  }
  return undefined
}

function firstLineUsing(lines: readonly string[], token: string): number | undefined {
  const at = lines.findIndex((l) => l.split(' ').includes(token))
  return at < 0 ? undefined : at
}

export function parseBatchFailure(stderr: string, batchLines: readonly string[]): BatchFailure {
  const err = stderr.split('\n')
  for (let i = err.length - 1; i >= 0; i--) {
    const m = FAILED_RE.exec(err[i]!.trim())
    if (m === null) continue
    const n = Number(m[1])
    return { lineIndex: n >= 1 && n <= batchLines.length ? n - 1 : undefined, message: messageBefore(err, i) }
  }
  const token = blamedToken(stderr)
  const message = messageBefore(err, err.length) || 'ip exited without a message'
  return { lineIndex: token === undefined ? undefined : firstLineUsing(batchLines, token), message }
}
