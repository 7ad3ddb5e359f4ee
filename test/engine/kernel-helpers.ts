/** Real-kernel engine tests: a fresh sandbox namespace and state dir per test, removed even on failure. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import type { HostState } from '../../src/model/host/state.js'
import { createSandbox, destroySandbox } from '../../src/lab/sandbox.js'
import { openStore, type JournalEntry } from '../../src/store/index.js'
import { processRunning as ownerAlive } from '../../src/sys/process.js'
import { CONFIRM_TIMER_ROLE } from '../../src/txn/index.js'
import { tempDir } from './cli-helpers.js'

export interface KernelEnv {
  ns: string
  target: Target
  stateDir: string
  backend: Iproute2Backend
  /** Write a document into the temp dir, return its path. */
  file(name: string, text: string): string
  /** The journal, newest first. */
  journal(): JournalEntry[]
}

let serial = 0

/** Comparable view of a state: what a rollback must restore. */
export function project(s: HostState): unknown {
  const ifaces = s.interfaces
    .map((i) => ({
      name: i.name,
      type: i.type,
      state: i.state,
      mtu: i.mtu,
      mac: i.mac,
      controller: i.controller ?? null,
      ipv4: (i.ipv4?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort(),
      ipv6: (i.ipv6?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const routes = s.routes.map((r) => JSON.stringify(r)).sort()
  return { ifaces, routes }
}

async function stopDaemon(stateDir: string): Promise<void> {
  const store = openStore(stateDir)
  try {
    for (let i = 0; i < 50; i++) {
      const h = store.daemons.holder(CONFIRM_TIMER_ROLE)
      if (h === undefined || !ownerAlive(h)) return
      if (i === 20) process.kill(h.pid, 'SIGTERM')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    store.close()
  }
}

export async function withKernelEnv(fn: (env: KernelEnv) => Promise<void>): Promise<void> {
  const ns = `hne${process.pid % 100000}x${serial++}`
  const dir = tempDir('hostnet-kernel-')
  await createSandbox({ name: ns })
  const stateDir = join(dir.path, 'state')
  try {
    await fn({
      ns,
      target: { kind: 'netns', name: ns },
      stateDir,
      backend: new Iproute2Backend(),
      file: (name, text) => {
        const p = join(dir.path, name)
        writeFileSync(p, text)
        return p
      },
      journal: () => {
        const s = openStore(stateDir)
        try {
          return s.journal.list()
        } finally {
          s.close()
        }
      },
    })
  } finally {
    await stopDaemon(stateDir)
    await destroySandbox(ns)
    dir.remove()
  }
}

export const BRIDGE_DOC = `interfaces:
  - name: br0
    type: linux-bridge
    state: up
    ipv4: {enabled: true, address: [{ip: 192.0.2.1, prefix-length: 24}]}
    bridge:
      options: {stp: {enabled: false}}
      port: [{name: eth0}, {name: eth1}]
  - name: eth2
    type: veth
    mtu: 1400
    ipv4: {enabled: true, address: [{ip: 198.51.100.2, prefix-length: 24}]}
routes:
  config:
    - {destination: 203.0.113.0/24, next-hop-address: 192.0.2.254, next-hop-interface: br0}
`

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Poll `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await sleep(100)
  }
  return check()
}
