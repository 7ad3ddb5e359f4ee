/**
 * The subscribers of the api-events benchmark, in a process of their own: N event streams on the read-only
 * socket; prints `ready` once all are open, then waits until each has received `expect` events (or the time
 * runs out) and prints one JSON line: per-subscriber counts, whether each saw every event in order, and the
 * latency of every delivery (arrival minus the record's time, ms).
 * Usage: node sse-subscribers-child.js SOCKET N EXPECT TARGET
 */
import { performance } from 'node:perf_hooks'
import { SseClient } from '../../src/api/client/events.js'

const [socket, nArg, expectArg, target] = process.argv.slice(2)
const n = Number(nArg)
const expect = Number(expectArg)
const path = `/events?kind=port&target=${encodeURIComponent(target ?? '')}`
const clients = await Promise.all(Array.from({ length: n }, () => SseClient.open(socket!, path)))
if (clients.some((c) => c.status !== 200)) throw new Error(`a subscription failed: ${clients.map((c) => c.status).join(',')}`)
process.stdout.write('ready\n')
const deadline = Date.now() + 600_000
await Promise.all(clients.map((c) => c.until((es) => es.length >= expect, Math.max(1, deadline - Date.now())).catch(() => undefined)))
const latencies: number[] = []
const wallOffset = performance.timeOrigin
const first = clients[0]?.events.map((e) => e.id) ?? []
const report = clients.map((c) => {
  const ids = c.events.map((e) => e.id)
  for (const e of c.events) latencies.push(wallOffset + e.receivedMs - Number(e.data.timeMs))
  const ordered = ids.every((id, i) => i === 0 || id > ids[i - 1]!)
  return { count: ids.length, ordered, same: ids.length === first.length && ids.every((id, i) => id === first[i]) }
})
for (const c of clients) c.close()
latencies.sort((a, b) => a - b)
const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN
process.stdout.write(`${JSON.stringify({ subscribers: report.length, counts: [...new Set(report.map((r) => r.count))], allOrdered: report.every((r) => r.ordered), allSame: report.every((r) => r.same), deliveries: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? NaN })}\n`)
