/**
 * Engine-level end-to-end environment: a fresh network namespace (optionally a sandbox with veth "NICs"
 * eth0..eth3), a temp state dir with its store, and the iproute2 backend. Documents go through the whole engine:
 * parseDesiredState → applyState (query, plan, journal, apply, verify). Everything is removed afterwards, also
 * on failure. Used by the netns tests here and, inside the UML guest, by test/kernel-lane/engine-cases.ts.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HostBackend } from '../../src/backend/backend.js'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import type { Iface } from '../../src/model/host/iface.js'
import type { HostState } from '../../src/model/host/state.js'
import type { KernelCaps } from '../../src/plan/caps.js'
import { createSandbox, destroySandbox } from '../../src/lab/sandbox.js'
import { openStore, type JournalEntry, type Store } from '../../src/store/index.js'
import { applyState, type ApplyResult } from '../../src/txn/index.js'
import { makeNetns, removeNetns, uniqueNetnsName } from '../helpers/netns.js'

export interface E2eEnv {
  ns: string
  target: Target
  backend: Iproute2Backend
  store: Store
  caps: KernelCaps
  /** Parse `yaml` and apply it through the engine (optionally through another backend, e.g. a failing one). */
  apply(yaml: string, opts?: { backend?: HostBackend }): Promise<ApplyResult>
  query(): Promise<HostState>
  /** The newest journal entry. */
  lastTxn(): JournalEntry | undefined
}

export interface E2eOptions {
  /** A sandbox namespace with NICs eth0..eth3 (veth ends whose peers sit in a switch namespace). */
  sandbox?: boolean
  /** Parent directory of the temp state dir (default: the OS temp dir). */
  tmpBase?: string
}

/** The interface `name` of `s`; fails the test when it is missing. */
export function ifaceOf(s: HostState, name: string): Iface {
  const i = s.interfaces.find((x) => x.name === name)
  if (i === undefined) throw new Error(`interface '${name}' is missing from the queried state`)
  return i
}

export function hasIface(s: HostState, name: string): boolean {
  return s.interfaces.some((x) => x.name === name)
}

export function addrs(c: Iface['ipv4']): string[] {
  return (c?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort()
}

export async function withE2e<T>(fn: (env: E2eEnv) => Promise<T>, opts: E2eOptions = {}): Promise<T> {
  const dir = mkdtempSync(join(opts.tmpBase ?? tmpdir(), 'hostnet-e2e-'))
  let ns: string | undefined
  let store: Store | undefined
  try {
    if (opts.sandbox === true) {
      ns = uniqueNetnsName('sb')
      await createSandbox({ name: ns })
    } else {
      ns = await makeNetns('e2e')
    }
    const target: Target = { kind: 'netns', name: ns }
    const backend = new Iproute2Backend()
    const caps = await backend.caps(target)
    const st = openStore(join(dir, 'state'))
    store = st
    const env: E2eEnv = {
      ns,
      target,
      backend,
      store: st,
      caps,
      apply: (yaml, o = {}) => applyState({ backend: o.backend ?? backend, store: st, target, caps, desired: parseDesiredState(yaml) }),
      query: () => backend.query(target),
      lastTxn: () => st.journal.list({ limit: 1 })[0],
    }
    return await fn(env)
  } finally {
    store?.close()
    if (ns !== undefined) {
      if (opts.sandbox === true) await destroySandbox(ns)
      else await removeNetns(ns)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
