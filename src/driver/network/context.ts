/**
 * The network driver's resolved dependencies, shared by its lifecycle, recovery and supervision files.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { networkObject } from '../../model/network/network-def.js'
import { actorOr, changeBy, type Actor, type ChangeInput, type ChangeKind, type ChangeOutcome, type Store } from '../../store/index.js'
import { currentProcess, type ProcessIdentity } from '../../sys/process.js'
import { NetworkStore, type NetworkRecord } from '../../store/networks.js'
import { targetKey } from '../../txn/target-key.js'
import type { NetworkServices } from './services.js'
import type { PortDriverDeps } from '../port/context.js'

export interface NetworkDriverDeps {
  store: Store
  services: NetworkServices
  /** Process identity written into the store (default: this process). */
  owner?: ProcessIdentity
  /** Who makes the changes of calls that do not name their actor (default: the store's actor). */
  actor?: Actor
  /** Progress and warning lines for humans (default: nothing). */
  log?: (line: string) => void
  /** Random bytes for MAC addresses (tests). */
  random?: (n: number) => Uint8Array
  /** Whether an Open vSwitch bridge exists (undefined: OVS-backed networks cannot be started). */
  ovsBridgeExists?: (target: Target, name: string) => Promise<boolean>
  /** Called by NetworkDriver.close (release connections the dependencies hold). */
  onClose?: () => unknown
  /** Test hook: pause a start once its bridge exists (never set in production). */
  pauseAfterBridgeMs?: number
  /** The port driver's services and options (default: the real services, without OVS sandbox resolution). */
  ports?: Omit<PortDriverDeps, 'store' | 'owner' | 'log' | 'actor'>
}


/** What stopping a network asks of its ports (the NetworkDriver's PortDriver). */
export interface NetworkPortHooks {
  /** Delete the network's ports, unplugging them, on behalf of `actor`; returns how many there were. */
  releaseAll(target: Target, network: string, actor: Actor): Promise<number>
}

export interface DriverContext {
  store: Store
  networks: NetworkStore
  services: NetworkServices
  owner: ProcessIdentity
  /** Who makes this call's changes (per call: `acting`, from the verbs' ActorOptions). */
  actor: Actor
  log: (line: string) => void
  random: ((n: number) => Uint8Array) | undefined
  ovsBridgeExists: ((target: Target, name: string) => Promise<boolean>) | undefined
  onClose: (() => unknown) | undefined
  pauseAfterBridgeMs: number | undefined
  /** Set by NetworkDriver once its PortDriver exists. */
  portHooks?: NetworkPortHooks
}

export function resolveDriverContext(d: NetworkDriverDeps): DriverContext {
  return {
    store: d.store,
    networks: new NetworkStore(d.store.db, d.store.nowMs, d.store.changes),
    services: d.services,
    owner: d.owner ?? currentProcess(),
    actor: actorOr(d.actor, d.store.actor),
    log: d.log ?? (() => undefined),
    random: d.random,
    ovsBridgeExists: d.ovsBridgeExists,
    onClose: d.onClose,
    pauseAfterBridgeMs: d.pauseAfterBridgeMs,
  }
}

export function notFound(name: string): HostnetError {
  return new HostnetError('not-found', `network not found: no network with matching name '${name}'`, {
    details: { object: networkObject(name) },
  })
}

export function requireRecord(ctx: DriverContext, target: Target, name: string): NetworkRecord {
  const rec = ctx.networks.get(targetKey(target), name)
  if (rec === undefined) throw notFound(name)
  return rec
}

/** The error for acting on a network another operation holds (starting or stopping). */
export function busy(rec: NetworkRecord): HostnetError {
  const who = rec.owner === undefined ? '' : ` by process ${rec.owner.pid}`
  return new HostnetError('conflict', `network '${rec.name}' is ${rec.status}${who}`, {
    details: { object: networkObject(rec.name), status: rec.status },
  })
}

/** A network's change record entry, on behalf of the context's actor. */
export function networkChange(
  ctx: Pick<DriverContext, 'actor'>,
  key: string,
  name: string,
  kind: Extract<ChangeKind, `network.${string}`>,
  opts: { outcome?: ChangeOutcome; detail?: Record<string, unknown> } = {},
): ChangeInput {
  return changeBy(ctx, key, kind, name, opts)
}
