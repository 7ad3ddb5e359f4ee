/** Failures of `ip` that concern the target itself rather than one operation (a missing namespace). */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'

/** A not-found error when `stderr` says the target namespace does not exist, else undefined. */
export function targetProblem(target: Target, stderr: string): HostnetError | undefined {
  if (target.kind === 'netns' && /Cannot open network namespace/.test(stderr)) {
    return new HostnetError('not-found', `${describeTarget(target)} does not exist`, { details: { netns: target.name } })
  }
  return undefined
}
