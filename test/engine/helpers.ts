/** Shared fixtures for engine tests: a four-NIC host state, a temp store with a settable clock, a fake backend. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Iface } from '../../src/model/host/iface.js'
import type { DesiredState, HostState } from '../../src/model/host/state.js'
import type { Target } from '../../src/model/target.js'
import { FakeBackend, type FakeBackendOptions } from '../../src/backend/fake/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import type { ProcessIdentity as ProcessOwner } from '../../src/sys/process.js'
import type { EngineDeps } from '../../src/txn/index.js'

export const TARGET: Target = { kind: 'netns', name: 'engine-test' }

/** A pid that cannot be running (above the kernel's pid_max limit). */
export const DEAD_OWNER: ProcessOwner = { pid: 4_194_304 + 7, startTicks: '1' }

export function nic(n: number, extra: Partial<Iface> = {}): Iface {
  return {
    name: `eth${n}`,
    type: 'ethernet',
    state: 'up',
    mtu: 1500,
    mac: `02:00:00:00:00:0${n}`,
    controller: null,
    ipv4: { enabled: false, addresses: [] },
    ipv6: { enabled: false, addresses: [] },
    ...extra,
  }
}

export function fourNics(): HostState {
  return {
    interfaces: [
      { name: 'lo', type: 'loopback', state: 'up', mtu: 65536, mac: '00:00:00:00:00:00', controller: null, ipv4: { enabled: true, addresses: [{ ip: '127.0.0.1', prefixLength: 8 }] }, ipv6: { enabled: false, addresses: [] } },
      nic(0),
      nic(1),
      nic(2, { state: 'down' }),
      nic(3, { ipv4: { enabled: true, addresses: [{ ip: '198.51.100.3', prefixLength: 24 }] } }),
    ],
    routes: [],
  }
}

/** A bridge over eth0+eth1 with an address, a VLAN on eth2, eth3 gone down with a new MTU, and an address removed. */
export function bridgeDoc(): DesiredState {
  return {
    interfaces: [
      {
        name: 'br0',
        type: 'linux-bridge',
        state: 'up',
        mtu: 1500,
        ipv4: { enabled: true, addresses: [{ ip: '192.0.2.1', prefixLength: 24 }] },
        bridge: { options: { stp: false }, ports: [{ name: 'eth0' }, { name: 'eth1' }] },
      },
      { name: 'eth2', type: 'ethernet', state: 'up' },
      { name: 'eth2.10', type: 'vlan', state: 'up', vlan: { baseIface: 'eth2', id: 10 } },
      { name: 'eth3', type: 'ethernet', state: 'up', mtu: 1400, ipv4: { enabled: false, addresses: [] } },
    ],
  }
}

export interface Harness {
  store: Store
  backend: FakeBackend
  deps: EngineDeps
  clock: { nowMs: number }
  logs: string[]
  close(): void
}

export function harness(opts: FakeBackendOptions = {}, initial: HostState = fourNics()): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-engine-'))
  const clock = { nowMs: 1_700_000_000_000 }
  const store = openStore(dir, { nowMs: () => clock.nowMs })
  const backend = new FakeBackend({ ...opts, states: { 'netns:engine-test': initial, ...opts.states } })
  const logs: string[] = []
  const deps: EngineDeps = { backend, store, sleep: async () => undefined, log: (l) => logs.push(l), verifyTimeoutMs: 300, verifyIntervalMs: 100 }
  return {
    store,
    backend,
    deps,
    clock,
    logs,
    close: () => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
