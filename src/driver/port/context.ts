/**
 * The port driver's resolved dependencies, shared by its allocation, plugging, release and recovery files.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Uuid } from '../../model/values/uuid.js'
import { currentOwner, type ProcessOwner, type Store } from '../../store/index.js'
import { NetworkStore } from '../../store/networks.js'
import { PortStore } from '../../store/ports.js'
import type { PortServices } from './services.js'

export interface PortDriverDeps {
  store: Store
  services: PortServices
  /** Process identity written into the store (default: this process). */
  owner?: ProcessOwner
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
  owner: ProcessOwner
  log: (line: string) => void
  uuidGen: () => Uuid
  pauseAfterPlugMs: number | undefined
}

export function resolvePortContext(d: PortDriverDeps): PortContext {
  return {
    store: d.store,
    ports: new PortStore(d.store.db, d.store.nowMs),
    networks: new NetworkStore(d.store.db, d.store.nowMs),
    services: d.services,
    owner: d.owner ?? currentOwner(),
    log: d.log ?? (() => undefined),
    uuidGen: d.uuidGen ?? (() => randomUUID() as Uuid),
    pauseAfterPlugMs: d.pauseAfterPlugMs,
  }
}
