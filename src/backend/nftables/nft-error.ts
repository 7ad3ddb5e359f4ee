/**
 * Failures of `nft`: the typed error carrying nft's own message, and the classification of a failed run
 * (missing namespace, missing nft binary, no permission, or nft refusing the script).
 * @module
 */
import { CommandError, HostnetError } from '../../errors.js'
import { describeTarget } from '../../model/target.js'
import type { Target } from '../../model/target.js'

/** nft refused a script. `nftMessage` is nft's error text; `line` the 1-based script line it blames, if any. */
export class NftError extends HostnetError {
  readonly nftMessage: string
  readonly line: number | undefined

  constructor(
    message: string,
    opts: { nftMessage: string; line?: number; argv: readonly string[]; exitCode: number; stderr: string },
  ) {
    super('backend-failure', message, {
      cause: new CommandError(opts.argv, opts.exitCode, opts.stderr),
      details: { nftMessage: opts.nftMessage, line: opts.line, argv: [...opts.argv], exitCode: opts.exitCode },
    })
    this.name = 'NftError'
    this.nftMessage = opts.nftMessage
    this.line = opts.line
  }
}

/** nft's `Error:` lines (with their `file:line:col:` locations), or the first non-empty line of stderr. */
export function nftErrorMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim())
  const errors = lines.filter((l) => /\bError:/.test(l))
  if (errors.length > 0) return errors.join('; ')
  return lines.find((l) => l !== '') ?? 'no error message'
}

/** The first script line nft blames (`/dev/stdin:12:3-9: Error: …` → 12). */
export function nftErrorLine(stderr: string): number | undefined {
  const m = /^[^\s:]+:(\d+):\d+(?:-\d+)?: Error:/m.exec(stderr)
  return m === null ? undefined : Number(m[1])
}

/** The error for a failed nft run: `what` says what was attempted (`apply the firewall script`). */
export function nftFailure(
  target: Target,
  argv: readonly string[],
  exitCode: number,
  stderr: string,
  what: string,
): HostnetError {
  const where = describeTarget(target)
  if (target.kind === 'netns' && /Cannot open network namespace/.test(stderr)) {
    return new HostnetError('not-found', `${where} does not exist`, { details: { netns: target.name } })
  }
  if (/exec of "nft" failed|nft: (command )?not found/.test(stderr)) {
    return new HostnetError('dependency', `cannot ${what} in ${where}: the nft program is not installed`, {
      cause: new CommandError(argv, exitCode, stderr),
    })
  }
  const nftMessage = nftErrorMessage(stderr)
  if (/Operation not permitted|Permission denied/.test(stderr)) {
    return new HostnetError('permission', `cannot ${what} in ${where}: ${nftMessage}`, {
      cause: new CommandError(argv, exitCode, stderr),
    })
  }
  const line = nftErrorLine(stderr)
  return new NftError(`nft could not ${what} in ${where}: ${nftMessage}`, {
    nftMessage,
    ...(line === undefined ? {} : { line }),
    argv,
    exitCode,
    stderr,
  })
}
