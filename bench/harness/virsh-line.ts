/**
 * The text side of driving an interactive virsh over pipes (pure functions, no I/O):
 * - `virshCommandLine`: argv → one line of virsh's own command syntax (single quotes; `'\''` for a quote);
 * - markers: after each command the session writes `echo --err @TOKEN@` (stderr) and `echo --xml '<TOKEN>'`
 *   (stdout, printed as `&lt;TOKEN&gt;`, a text that never occurs in the echoed input), so each stream can be
 *   cut into per-command segments;
 * - `cleanOutput`: removes what readline echoes back (`virsh # LINE`) from a stdout segment.
 * @module
 */
import { HostnetError } from '../../src/errors.js'

const PLAIN_ARG = /^[A-Za-z0-9_./:=@%+,-]+$/

/** Quotes one argument for virsh's command parser. Newlines cannot be sent over a line-based session. */
export function quoteVirshArg(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new HostnetError('invalid-argument', `virsh argument contains a line break: ${JSON.stringify(arg)}`)
  if (PLAIN_ARG.test(arg)) return arg
  return `'${arg.replaceAll("'", "'\\''")}'`
}

export function virshCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new HostnetError('invalid-argument', 'empty virsh command')
  return argv.map(quoteVirshArg).join(' ')
}

export interface Markers {
  /** Written after the command: prints `@TOKEN@` on stderr, then `&lt;TOKEN&gt;` on stdout. */
  lines: [string, string]
  errMarker: string
  outMarker: string
}

export function markersFor(token: string): Markers {
  if (!/^[A-Za-z0-9-]+$/.test(token)) throw new HostnetError('bug', `bad marker token '${token}'`)
  return {
    lines: [`echo --err @${token}@`, `echo --xml '<${token}>'`],
    errMarker: `@${token}@`,
    outMarker: `&lt;${token}&gt;`,
  }
}

/**
 * Finds `marker` in `buf`. For a stderr marker (`wholeLine`), the segment ends at the start of the marker's
 * line (virsh prefixes it with `error: `) and the rest begins after that line.
 */
export function cutAtMarker(buf: string, marker: string, wholeLine: boolean): { segment: string; rest: string } | undefined {
  const at = buf.indexOf(marker)
  if (at < 0) return undefined
  if (!wholeLine) return { segment: buf.slice(0, at), rest: buf.slice(at + marker.length) }
  const nl = buf.indexOf('\n', at)
  if (nl < 0) return undefined // the line is not complete yet
  const lineStart = buf.lastIndexOf('\n', at) + 1
  return { segment: buf.slice(0, lineStart), rest: buf.slice(nl + 1) }
}

const PROMPT_AT_END = /virsh [#>] $/

/** Removes the echo of each written line (with the prompt before it) and surrounding blank lines. */
export function cleanOutput(segment: string, written: readonly string[]): string {
  let s = segment
  for (const line of written) {
    const at = s.indexOf(`${line}\n`)
    if (at < 0) continue
    s = s.slice(0, at).replace(PROMPT_AT_END, '') + s.slice(at + line.length + 1)
  }
  return s.replace(PROMPT_AT_END, '').replace(/^\n+/, '').replace(/\s+$/, '')
}

/** Error lines virsh printed for one command (its `error: ...` lines). */
export function errorLines(stderrSegment: string): string[] {
  return stderrSegment.split('\n').filter((l) => l.startsWith('error:'))
}
