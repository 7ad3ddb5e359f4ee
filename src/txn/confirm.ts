/**
 * Confirm or revert a pending-confirm transaction (`hostnet commit` / `hostnet rollback`).
 * @module
 */
import { HostnetError } from '../errors.js'
import { describeTarget, type Target } from '../model/target.js'
import type { JournalEntry } from '../store/index.js'
import { resolveEngine, type Engine, type EngineDeps } from './engine.js'
import { claimAndRollBack, recover } from './recover.js'
import { targetKey } from './target-key.js'
import { txnChange } from './txn-change.js'

function pendingOn(eng: Engine, target: Target, verb: string): JournalEntry {
  const open = eng.store.journal.findOpen(targetKey(target))
  if (open === undefined) {
    const last = eng.store.journal.list({ target: targetKey(target), limit: 1 })[0]
    const hint = last === undefined ? '' : ` (the last one, ${last.id}, is ${last.status})`
    throw new HostnetError('not-found', `nothing to ${verb}: no transaction is waiting for confirmation on ${describeTarget(target)}${hint}`)
  }
  if (open.status !== 'pending-confirm') {
    throw new HostnetError('conflict', `cannot ${verb} transaction ${open.id} on ${describeTarget(target)}: it is ${open.status}`)
  }
  return open
}

/** Keep the change of the pending-confirm transaction on `target`. */
export async function commitPending(deps: EngineDeps & { target: Target }): Promise<JournalEntry> {
  const eng = resolveEngine(deps)
  await recover(eng) // a transaction past its deadline is rolled back here, never committed
  const open = pendingOn(eng, deps.target, 'commit')
  const change = txnChange(open, 'txn.committed', eng.actor)
  const ok = eng.store.journal.transition(open.id, { from: ['pending-confirm'], to: 'committed', confirmDeadlineMs: null, change })
  if (!ok) throw new HostnetError('conflict', `transaction ${open.id} changed while committing it (its confirm deadline passed?)`)
  return eng.store.journal.require(open.id)
}

/** Restore the state from before the pending-confirm transaction on `target`. */
export async function rollbackPending(deps: EngineDeps & { target: Target }): Promise<JournalEntry> {
  const eng = resolveEngine(deps)
  await recover(eng)
  const open = pendingOn(eng, deps.target, 'roll back')
  const reason = new HostnetError('conflict', `transaction ${open.id} rolled back on request`)
  if (!(await claimAndRollBack(eng, open, reason, eng.actor))) {
    throw new HostnetError('conflict', `transaction ${open.id} changed while rolling it back (committed or timed out meanwhile?)`)
  }
  return eng.store.journal.require(open.id)
}
