/**
 * A worker process for the port concurrency tests: opens its own store and NetworkDriver on a lab's state
 * directory, prints `ready`, waits for a line on stdin, then creates `count` ports of `network` as fast as it can
 * (`inflight` creations at a time) and prints one JSON line: the ports it got and the errors it met.
 *
 *   node stress-worker.js STATE_DIR NETNS NETWORK COUNT INFLIGHT plug|noplug SEED
 *
 * $STRESS_GUEST_NETNS: put each port's guest side into this namespace (`eth<SEED>x<I>`).
 */
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { HostnetError } from '../../src/errors.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import { parsePortInput } from '../../src/driver/port/index.js'
import { openStore } from '../../src/store/index.js'
import { macFor, newPortXml } from './stress-lab.js'

export interface WorkerResult {
  pid: number
  ok: Array<{ uuid: string; dev: string | undefined; device: string | undefined; status: string }>
  errors: Array<{ kind: string; name: string; message: string; field: string | undefined }>
}

async function main(): Promise<void> {
  const [stateDir, netns, network, countArg, inflightArg, plugArg, seedArg] = process.argv.slice(2)
  if (stateDir === undefined || netns === undefined || network === undefined) throw new Error('usage: STATE_DIR NETNS NETWORK COUNT INFLIGHT plug|noplug SEED')
  const count = Number(countArg)
  const inflight = Number(inflightArg ?? '1')
  const plug = plugArg !== 'noplug'
  const seed = Number(seedArg ?? '0')
  const pause = Number(process.env['HOSTNET_TEST_PORT_PAUSE_AFTER_PLUG_MS'] ?? '')
  const store = openStore(stateDir)
  const driver = createNetworkDriver({
    backend: new Iproute2Backend(),
    store,
    stateDir,
    ...(Number.isFinite(pause) && pause > 0 ? { portPauseAfterPlugMs: pause } : {}),
  })
  const target = { kind: 'netns' as const, name: netns }
  const result: WorkerResult = { pid: process.pid, ok: [], errors: [] }
  process.stdout.write('ready\n')
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()))
  let next = 0
  const one = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const uuid = randomUUID()
      try {
        const port = parsePortInput(newPortXml(uuid, `vm-${seed}-${i}`, macFor(seed * 100_000 + i)))
        const guestNs = process.env['STRESS_GUEST_NETNS']
        const req = guestNs === undefined || guestNs === '' ? { port } : { port, guest: { netns: guestNs, name: `eth${seed}x${i}` } }
        const p = await driver.ports.create(target, network, req, plug ? {} : { plug: false })
        const dev = p.port.plug?.type === 'direct' ? p.port.plug.dev : undefined
        result.ok.push({ uuid: p.uuid, dev, device: p.device, status: p.status })
      } catch (e) {
        const he = e instanceof HostnetError ? e : undefined
        const field = (he?.details as { field?: string } | undefined)?.field
        result.errors.push({ kind: he?.kind ?? 'untyped', name: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e), field })
      }
    }
  }
  await Promise.all(Array.from({ length: inflight }, one))
  driver.close()
  store.close()
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
