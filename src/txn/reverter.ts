/**
 * Reverter: register an undo right after each step succeeds; on failure run the undos in reverse order. Generic
 * (not tied to host interfaces), for any multi-step change: creating a bridge, then its firewall rules, then a
 * DHCP server, and so on.
 *
 *     await withReverter(async (r) => {
 *       await createBridge(); r.add('delete bridge', () => deleteBridge())
 *       await startDnsmasq(); r.add('stop dnsmasq', () => stopDnsmasq())
 *     })
 * @module
 */
import { errorMessage, HostnetError, RollbackError } from '../errors.js'

export interface Undo {
  label: string
  run: () => unknown
}

export interface UndoFailure {
  label: string
  error: unknown
}

export class Reverter {
  private undos: Undo[] = []

  add(label: string, run: () => unknown): void {
    this.undos.push({ label, run })
  }

  get size(): number {
    return this.undos.length
  }

  /** Forget every undo: the steps are kept. */
  commit(): void {
    this.undos = []
  }

  /** Run every undo, newest first, even if some fail; returns the failures. */
  async revert(): Promise<UndoFailure[]> {
    const todo = this.undos.reverse()
    this.undos = []
    const failures: UndoFailure[] = []
    for (const u of todo) {
      try {
        await u.run()
      } catch (error) {
        failures.push({ label: u.label, error })
      }
    }
    return failures
  }
}

/**
 * Run `fn`; if it throws, revert and rethrow the original error, or a RollbackError (cause: the original) when an
 * undo failed too. On success the undos are dropped.
 */
export async function withReverter<T>(fn: (r: Reverter) => Promise<T>): Promise<T> {
  const r = new Reverter()
  try {
    const out = await fn(r)
    r.commit()
    return out
  } catch (original) {
    const failures = await r.revert()
    if (failures.length > 0) throw new RollbackError(original, failures.map((f) => labelled(f)))
    throw original
  }
}

/** The undo's error, with the undo's label in the message (kind kept). */
function labelled(f: UndoFailure): HostnetError {
  const kind = f.error instanceof HostnetError ? f.error.kind : 'backend-failure'
  return new HostnetError(kind, `${f.label}: ${errorMessage(f.error)}`, { cause: f.error })
}
