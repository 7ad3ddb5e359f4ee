/**
 * Crash recovery: finish, by rolling back, every transaction left open by a process that is gone ('applying' or
 * 'rolling-back' with a dead owner), and every pending-confirm transaction whose deadline has passed. Every
 * command that touches a target runs this first, and the confirm timer runs it on every tick.
 * @module
 */
import { HostnetError } from '../errors.js'
import { describeTarget } from '../model/target.js'
import { ACTOR_RECOVERY, ACTOR_TIMER, type Actor, type JournalEntry } from '../store/index.js'
import { processRunning, sameProcess } from '../sys/process.js'
import { resolveEngine, type Engine, type EngineDeps } from './engine.js'
import { errorToJson } from './error-json.js'
import { completeRollback } from './restore.js'
import { targetFromKey } from './target-key.js'

export interface RecoveryReport {
  /** Transactions this call rolled back. */
  rolledBack: number[]
  /** Transactions whose rollback failed (now in status 'failed'). */
  failed: Array<{ id: number; target: string; error: unknown }>
}

/** Why this entry must be rolled back now, or undefined if it is not ours to touch. */
export function recoveryReason(eng: Engine, e: JournalEntry): HostnetError | undefined {
  switch (e.status) {
    case 'pending-confirm':
      if (e.confirmDeadlineMs === undefined || e.confirmDeadlineMs > eng.nowMs()) return undefined
      return new HostnetError('timeout', `transaction ${e.id} was not confirmed before its deadline`)
    case 'applying':
    case 'rolling-back':
      if (e.owner !== undefined && (sameProcess(e.owner, eng.owner) || processRunning(e.owner))) return undefined
      return new HostnetError('backend-failure', `transaction ${e.id} was interrupted (process ${e.owner?.pid ?? '?'} is gone)`)
    case 'committed':
    case 'rolled-back':
    case 'failed':
      return undefined
  }
}

/** On whose behalf recovery rolls `e` back: the confirm timer for an expired deadline, else crash recovery. */
export function recoveryActor(e: JournalEntry): Actor {
  return e.status === 'pending-confirm' ? ACTOR_TIMER : ACTOR_RECOVERY
}

/**
 * Claim `e` for rolling back (compare-and-set), then roll it back on behalf of `actor`. Returns false if someone
 * else got it first.
 */
export async function claimAndRollBack(eng: Engine, e: JournalEntry, reason: HostnetError, actor: Actor): Promise<boolean> {
  const claimed = eng.store.journal.transition(e.id, {
    from: [e.status],
    expectOwner: e.status === 'pending-confirm' ? undefined : e.owner,
    to: 'rolling-back',
    owner: eng.owner,
    ...(e.error === undefined ? { error: errorToJson(reason) } : {}),
  })
  if (!claimed) return false
  eng.log(`${reason.message}: rolling back ${describeTarget(targetFromKey(e.target))}`)
  await completeRollback(eng, eng.store.journal.require(e.id), reason, actor)
  return true
}

export async function recover(eng: Engine): Promise<RecoveryReport> {
  const report: RecoveryReport = { rolledBack: [], failed: [] }
  for (const e of eng.store.journal.listOpen()) {
    const reason = recoveryReason(eng, e)
    if (reason === undefined) continue
    try {
      if (await claimAndRollBack(eng, e, reason, recoveryActor(e))) report.rolledBack.push(e.id)
    } catch (error) {
      eng.log(`warning: recovery of transaction ${e.id} failed: ${error instanceof Error ? error.message : String(error)}`)
      report.failed.push({ id: e.id, target: e.target, error })
    }
  }
  return report
}

/** Public entry point: recover every target in the store. */
export function recoverPending(deps: EngineDeps): Promise<RecoveryReport> {
  return recover(resolveEngine(deps))
}
