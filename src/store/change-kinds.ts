/**
 * The vocabulary of the change record: a closed set of kinds (`family.event`), the outcomes, and the actors
 * (who made a change). ARCHITECTURE.md ("The change record") documents each kind; adding one is a line here
 * and a line there (the table does not constrain kinds, so no migration is needed).
 * @module
 */
import { ValidationError } from '../errors.js'

export const CHANGE_KINDS = [
  // host-interface transactions (object: the transaction id)
  'txn.applied', // applied and verified, kept at once
  'txn.pending-confirm', // applied and verified, waiting for `hostnet commit` before its deadline
  'txn.committed', // a pending-confirm transaction confirmed
  'txn.rolled-back', // the state from before it restored (after a failure, on request, on timeout, after a crash)
  'txn.failed', // ended neither applied nor cleanly restored (bad input, a failed rollback: detail.error)
  // interface definitions, libvirt's iface-* verbs (object: the interface name)
  'iface.defined',
  'iface.undefined',
  'iface.started',
  'iface.stopped',
  // virtual networks (object: the network name)
  'network.defined',
  'network.undefined',
  'network.started',
  'network.stopped',
  'network.autostart-changed',
  'network.dnsmasq-restarted', // by supervision, after its dnsmasq died
  'network.updated', // net-update: detail.section, command, live, config, dnsmasq (reload, restart, none)
  // ports (object: the port UUID)
  'port.created',
  'port.deleted',
  // DHCP leases handed out by a network's dnsmasq (object: the network name)
  'dhcp.lease-granted',
  'dhcp.lease-released',
  // Kimchi facade: templates (object: the template name) and guests, libvirt domains (object: the domain name)
  'template.created',
  'template.updated',
  'template.deleted',
  'vm.defined',
  'vm.undefined',
  'vm.started',
  'vm.stopped',
  'vm.nic-attached',
  'vm.nic-detached',
  'vm.nic-updated',
] as const

export type ChangeKind = (typeof CHANGE_KINDS)[number]

/** The families: a kind's part before the dot (`--kind network` selects every `network.*`). */
export const CHANGE_FAMILIES = [...new Set(CHANGE_KINDS.map((k) => k.slice(0, k.indexOf('.'))))]

/** `ok`: the change named by the kind happened; `failed`: it was attempted and did not (detail.error says why). */
export const CHANGE_OUTCOMES = ['ok', 'failed'] as const
export type ChangeOutcome = (typeof CHANGE_OUTCOMES)[number]

export function isChangeKind(s: string): s is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(s)
}

/** Kinds selected by names or families (`network`, `port.created`); a name that is neither is refused. */
export function expandChangeKinds(names: readonly string[]): ChangeKind[] {
  const out = new Set<ChangeKind>()
  for (const n of names) {
    if (isChangeKind(n)) out.add(n)
    else if (CHANGE_FAMILIES.includes(n)) CHANGE_KINDS.filter((k) => k.startsWith(`${n}.`)).forEach((k) => out.add(k))
    else {
      throw new ValidationError(`unknown change kind '${cut(n, 64)}': expected one of ${CHANGE_FAMILIES.join(', ')} or a kind such as 'network.started'`, {
        path: '--kind',
        value: cut(n, 64),
      })
    }
  }
  return [...out]
}

/**
 * Who made a change: `cli:<unix user>` (a hostnet command), `api:<principal>` (set per request by the API server),
 * `timer` (the confirm timer rolling back an expired transaction), `supervisor` (serve: autostart, dnsmasq
 * restarts), `recovery` (undoing what a crashed process left), `dnsmasq` (DHCP leases).
 */
export type Actor = string

/**
 * Per-call options of everything that changes something (driver verbs; the engine's EngineDeps has the same
 * field): `actor` names who asks, as written into the change record; default: the component's actor, which
 * defaults to the store's (the composition root's). A long-lived API server passes each request's actor here.
 */
export interface ActorOptions {
  actor?: Actor | undefined
}

export const ACTOR_TIMER: Actor = 'timer'
export const ACTOR_SUPERVISOR: Actor = 'supervisor'
export const ACTOR_RECOVERY: Actor = 'recovery'
export const ACTOR_DNSMASQ: Actor = 'dnsmasq'

/** Longest actor accepted (a user or principal name is cut to fit). */
export const ACTOR_MAX_CHARS = 128

export function cliActor(user: string): Actor {
  return `cli:${actorName(user)}`
}

export function apiActor(principal: string): Actor {
  return `api:${actorName(principal)}`
}

/** A name without control characters or whitespace, at most what fits in an actor. */
function actorName(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\s\x00-\x1f\x7f]/g, '_')
  return clean === '' ? '?' : clean.slice(0, ACTOR_MAX_CHARS - 4)
}

/** The cluster agent of a host (`hostnet agent --host-id ID`): it applies what the cluster's etcd asks. */
export function agentActor(hostId: string): Actor {
  return `agent:${actorName(hostId)}`
}

const ACTOR_RE = /^(?:(?:cli|api|agent):[^\s\x00-\x1f\x7f]+|timer|supervisor|recovery|dnsmasq)$/

/** The actor a call names (checked), else the default one (a component's, the store's). */
export function actorOr(given: Actor | undefined, dflt: Actor): Actor {
  return given === undefined ? dflt : checkActor(given)
}

/** A component's context acting for `actor` for one call (itself when none is given, or the same one). */
export function actingFor<T extends { readonly actor: Actor }>(ctx: T, actor: Actor | undefined): T {
  return actor === undefined || actor === ctx.actor ? ctx : { ...ctx, actor: checkActor(actor) }
}

/** Refuse anything that is not an actor of the forms above (an API passing a raw header, say). */
export function checkActor(a: string): Actor {
  if (a.length > ACTOR_MAX_CHARS || !ACTOR_RE.test(a)) {
    throw new ValidationError(`invalid actor '${cut(a, 64)}': expected cli:USER, api:PRINCIPAL, agent:HOST, timer, supervisor, recovery or dnsmasq`, {
      path: 'actor',
      value: cut(a, 64),
    })
  }
  return a
}

/** `s` cut to `max` characters (with an ellipsis) for messages and records. */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`
}
