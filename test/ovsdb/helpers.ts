/**
 * Helpers for tests against a real private ovsdb-server: availability check, start/stop with leak checks,
 * database snapshots (to prove a failed transaction changed nothing) and a JSON-RPC proxy that can drop
 * answers (to lose a transaction's reply after it committed).
 * @module
 */
import { execFileSync } from 'node:child_process'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { OvsPrivate, stopAll, type OvsPrivateOptions } from '../../src/lab/ovs-private.js'
import { OvsdbClient, type OvsdbClientOptions } from '../../src/backend/ovsdb/client.js'
import { JsonStreamSplitter } from '../../src/backend/ovsdb/json-splitter.js'
import { Op } from '../../src/backend/ovsdb/ops.js'

/** Whether ovsdb-server and ovsdb-tool are installed (tests skip otherwise). */
export function ovsAvailable(): boolean {
  try {
    execFileSync('ovsdb-server', ['--version'], { stdio: 'ignore' })
    execFileSync('ovsdb-tool', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false // not installed
  }
}

export const SKIP_OVS = ovsAvailable() ? false : 'Open vSwitch (ovsdb-server) is not installed'

const started: OvsPrivate[] = []

export async function startOvs(opts: OvsPrivateOptions = {}): Promise<OvsPrivate> {
  const ovs = await OvsPrivate.start(opts)
  started.push(ovs)
  return ovs
}

export function connectClient(ovs: OvsPrivate, opts: Partial<OvsdbClientOptions> = {}): Promise<OvsdbClient> {
  return OvsdbClient.connect({ address: ovs.address, keepaliveIntervalMs: 0, ...opts })
}

/** Live (non-zombie) processes whose command line mentions one of `needles`. */
export function processesMentioning(needles: readonly string[]): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((l) => needles.some((n) => l.includes(n)))
    .filter((l) => !/^\s*\d+\s+Z/.test(l))
}

/** Stop everything this file started and return daemons still running (should be none). */
export async function stopAllAndCheck(): Promise<string[]> {
  await stopAll()
  return processesMentioning(started.map((o) => o.runDir))
}

/** Every row of the vswitch tables hostnet uses, as JSON (to compare before/after a failed transaction). */
export async function snapshot(client: OvsdbClient): Promise<string> {
  const tables = ['Open_vSwitch', 'Bridge', 'Port', 'Interface', 'Manager']
  const results = await client.transact('Open_vSwitch', tables.map((t) => Op.select(t, [])))
  const byTable = results.map((r, i) => [tables[i], (r.rows ?? []).map((row) => JSON.stringify(row)).sort()])
  return JSON.stringify(byTable)
}

export interface DroppingProxy {
  address: string
  /** Drop the answer to the next `transact` and cut the client's connection once it has been answered. */
  dropNextTransactAnswer(): void
  close(): Promise<void>
}

/** A unix-socket proxy in `dir` to `target` (a unix socket path) that can swallow one transact answer. */
export async function droppingProxy(dir: string, target: string): Promise<DroppingProxy> {
  const path = join(dir, 'proxy.sock')
  let armed = false
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = createConnection({ path: target })
    sockets.add(client).add(upstream)
    const fromClient = new JsonStreamSplitter()
    const fromServer = new JsonStreamSplitter()
    let dropId: unknown
    client.on('data', (b) => {
      for (const t of fromClient.push(b)) {
        const m = JSON.parse(t) as { method?: string; id?: unknown }
        if (armed && m.method === 'transact') {
          armed = false
          dropId = m.id
        }
        upstream.write(t)
      }
    })
    upstream.on('data', (b) => {
      for (const t of fromServer.push(b)) {
        const m = JSON.parse(t) as { id?: unknown; method?: string }
        if (dropId !== undefined && m.method === undefined && m.id === dropId) {
          client.destroy() // the transaction committed; the client never learns it
          upstream.destroy()
          return
        }
        client.write(t)
      }
    })
    const close = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  })
  await new Promise<void>((r) => server.listen(path, r))
  return {
    address: `unix:${path}`,
    dropNextTransactAnswer: () => {
      armed = true
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
