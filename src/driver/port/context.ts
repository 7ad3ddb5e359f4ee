/**
 * The port driver's resolved dependencies, shared by its allocation, plugging, release and recovery files.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Uuid } from '../../model/values/uuid.js'
import { actorOr, changeBy, type Actor, type ChangeInput, type ChangeOutcome, type Store } from '../../store/index.js'
import { currentProcess, type ProcessIdentity } from '../../sys/process.js'
import { NetworkStore } from '../../store/networks.js'
import { PortStore } from '../../store/ports.js'
import type { PortServices } from './services.js'

export interface PortDriverDeps {
  store: Store
  services: PortServices
  /** Process identity written into the store (default: this process). */
  owner?: ProcessIdentity
  /** Who makes the changes of calls that do not name their actor (default: the store's actor). */
  actor?: Actor
  /** Progress and warning lines for humans (default: nothing). */
  log?: (line: string) => void
  /** UUIDs for generated virtualport ids and ports made from domain interfaces (default: random). */
  uuidGen?: () => Uuid
  /** Test hook: sleep this long once a port's devices exist, before it is marked plugged (never in production). */
  pauseAfterPlugMs?: number
}

export interface PortContext {
  store: Store
  ports: PortStore
  networks: NetworkStore
  services: PortServices
  owner: ProcessIdentity
  /** Who makes this call's changes (per call: `acting`). */
  actor: Actor
  log: (line: string) => void
  uuidGen: () => Uuid
  pauseAfterPlugMs: number | undefined
}

export function resolvePortContext(d: PortDriverDeps): PortContext {
  return {
    store: d.store,
    ports: new PortStore(d.store.db, d.store.nowMs, d.store.changes),
    networks: new NetworkStore(d.store.db, d.store.nowMs, d.store.changes),
    services: d.services,
    owner: d.owner ?? currentProcess(),
    actor: actorOr(d.actor, d.store.actor),
    log: d.log ?? (() => undefined),
    uuidGen: d.uuidGen ?? (() => randomUUID() as Uuid),
    pauseAfterPlugMs: d.pauseAfterPlugMs,
  }
}

/** A port's change record entry (object: its UUID), on behalf of the context's actor. */
export function portChange(
  ctx: Pick<PortContext, 'actor'>,
  key: string,
  uuid: string,
  kind: 'port.created' | 'port.deleted',
  detail: Record<string, unknown>,
  outcome: ChangeOutcome = 'ok',
): ChangeInput {
  return changeBy(ctx, key, kind, uuid, { detail, outcome })
}
