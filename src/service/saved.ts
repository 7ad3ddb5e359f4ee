/**
 * The saved desired state of targets (store/saved-states.ts): `show --saved`, `diff --saved` (the drift: what
 * changed behind hostnet's back, as the operations that would undo it), `restore --saved`, and boot (every
 * target's saved state as one verified transaction per target, as far as it still fits the host, then the
 * autostart networks).
 * @module
 */
import { errorMessage } from '../errors.js'
import type { Target } from '../model/target.js'
import type { DesiredState } from '../model/host/state.js'
import { netnsExists } from '../sys/netns.js'
import { applySaved, fittedSaved, targetFromKey, targetKey, type SavedApplyResult, type SavedSkip } from '../txn/index.js'
import { actorOr, type ActorOptions } from '../store/index.js'
import { diffDocument } from './host.js'
import type { DiffOutput } from './ops.js'
import type { Runtime } from './runtime.js'

export function savedDocument(rt: Runtime, target: Target): DesiredState | undefined {
  return rt.store.saved.read(targetKey(target))?.desired
}

export interface SavedDiff extends DiffOutput {
  /** Parts of the saved state that no longer fit the host (left out of the diff). */
  skipped: SavedSkip[]
}

/** The operations that would bring the target back to its saved state; undefined when nothing is saved. */
export async function diffSaved(rt: Runtime, target: Target): Promise<SavedDiff | undefined> {
  const caps = await rt.caps(target)
  const fitted = await fittedSaved({ backend: rt.backend, store: rt.store, target, ...(caps === undefined ? {} : { caps }) })
  if (fitted === undefined) return undefined
  return { ...(await diffDocument(rt, target, fitted.desired)), skipped: fitted.skipped }
}

/** Apply the target's saved state (as far as it fits) as one verified transaction. */
export async function restoreSaved(rt: Runtime, target: Target, who: ActorOptions = {}): Promise<SavedApplyResult> {
  const caps = await rt.caps(target)
  return applySaved({ ...rt.deps, target, ...(caps === undefined ? {} : { caps }), ...(who.actor === undefined ? {} : { actor: who.actor }) })
}

export interface BootTargetResult extends Partial<Omit<SavedApplyResult, 'status'>> {
  target: string
  status: SavedApplyResult['status'] | 'target-missing' | 'failed'
  error?: string
}

export interface BootReport {
  targets: BootTargetResult[]
  networks: { started: string[]; failed: Array<{ network: string; error: string }> }
}

/** Every target's saved state, then the autostart networks (whose bridges may sit on what was just restored). */
export async function bootAll(rt: Runtime, who: ActorOptions = {}): Promise<BootReport> {
  const targets = await restoreAllSaved(rt, who)
  const auto = await rt.networks().autostartAll()
  return { targets, networks: { started: auto.started, failed: auto.failed.map((f) => ({ network: f.network, error: errorMessage(f.error) })) } }
}

/** Every target's saved state, one verified transaction each; a target that fails does not stop the others. */
export async function restoreAllSaved(rt: Runtime, who: ActorOptions = {}): Promise<BootTargetResult[]> {
  const actor = actorOr(who.actor, rt.store.actor)
  const targets: BootTargetResult[] = []
  for (const key of rt.store.saved.targets()) {
    const target = targetFromKey(key)
    if (target.kind === 'netns' && !netnsExists(target.name)) {
      targets.push({ target: key, status: 'target-missing', error: `network namespace '${target.name}' does not exist` })
      continue
    }
    try {
      targets.push(await restoreSaved(rt, target, { actor }))
    } catch (e) {
      targets.push({ target: key, status: 'failed', error: errorMessage(e) })
    }
  }
  return targets
}
