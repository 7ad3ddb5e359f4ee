/**
 * Host-state fixtures for planner tests: current states written in the desired-state YAML schema, golden case
 * folders, and a comparable projection of interfaces (for "back to the snapshot" assertions).
 */
import { describeRule } from '../../src/model/host/route-rule.js'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import type { Iface } from '../../src/model/host/iface.js'
import type { Route } from '../../src/model/host/route.js'
import type { HostState } from '../../src/model/host/state.js'
import { viewCurrent } from '../../src/plan/kernel/current.js'
import { metricOf, tableOf } from '../../src/plan/kernel/routes.js'
import { repoRoot } from './paths.js'

export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1'

/** A current state written as a desired-state document (routes.config = the current routes). */
export function hostStateFromYaml(text: string): HostState {
  const d = parseDesiredState(text)
  const state: HostState = { interfaces: d.interfaces, routes: d.routes?.config ?? [] }
  if (d.routeRules !== undefined) state.routeRules = d.routeRules.config
  return state
}

/** Case folders under `src/<rel>` (sorted), read from the source tree. */
export function goldenCases(rel: string): Array<{ name: string; dir: string }> {
  const root = join(repoRoot(), 'src', rel)
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: join(root, d.name) }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

export function readText(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8')
}

/** Compare `actual` with the golden file, or write it when UPDATE_GOLDEN=1 (or the file is missing). */
export function golden(dir: string, file: string, actual: string): string {
  const path = join(dir, file)
  if (UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(path, actual)
  }
  return readFileSync(path, 'utf8')
}

/** What "the same interface" means when comparing states: every restorable field, in a stable form. */
export function projectIface(i: Iface): Record<string, unknown> {
  const addrs = (c: Iface['ipv4']): string[] => (c?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort()
  const out: Record<string, unknown> = {
    type: i.type,
    state: i.state ?? 'down',
    mtu: i.mtu,
    mac: i.mac,
    controller: i.controller ?? null,
    ipv4: addrs(i.ipv4),
    ipv6: addrs(i.ipv6),
    bridgePort: i.bridgePort,
    bridge: i.bridge?.options,
    bond: i.bond === undefined ? undefined : { mode: i.bond.mode, options: i.bond.options },
    vlan: i.vlan,
    veth: i.veth,
    macvlan: i.macvlan,
    vxlan: i.vxlan,
    vrf: i.vrf?.tableId,
    tap: i.tap,
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out
}

function routeText(r: Route): string {
  return `${r.destination} via ${r.nextHopAddress ?? '-'} dev ${r.nextHopInterface ?? '-'} table ${tableOf(r)} metric ${metricOf(r)}`
}

/** Interfaces `names` of `state` (absent ones as 'absent') and the routes through them, comparable with deepEqual. */
export function projectState(state: HostState, names: readonly string[]): Record<string, unknown> {
  const view = viewCurrent(state)
  const set = new Set(names)
  const ifaces: Record<string, unknown> = {}
  for (const n of [...names].sort()) {
    const i = view.ifaces.get(n)
    ifaces[n] = i === undefined ? 'absent' : projectIface(i)
  }
  const routes = state.routes.filter((r) => r.nextHopInterface !== undefined && set.has(r.nextHopInterface)).map(routeText).sort()
  const rules = state.routeRules?.map(describeRule).sort()
  // policy rules are not per interface: shown when there are some (a scoped read has none)
  return rules === undefined || rules.length === 0 ? { ifaces, routes } : { ifaces, routes, rules }
}

/**
 * `actual` cut down to the keys `template` defines (recursively): compares a restored state with a snapshot
 * that does not list every field (hand-written fixtures), without hiding a field the snapshot does give.
 */
export function restrictTo(actual: unknown, template: unknown): unknown {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return actual
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(template)) {
    if (v === undefined) continue
    out[k] = restrictTo((actual as Record<string, unknown>)[k], v)
  }
  return out
}
