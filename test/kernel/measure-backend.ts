/**
 * Measurements (not a test): `node dist/test/kernel/measure-backend.js [bridges] [vethPairs]`.
 * In fresh namespaces: render+apply of N bridges + M veth pairs (10 ports per bridge, IPv4 on every bridge and
 * on every free veth end, all up) against the same lines hand-fed to `ip -batch`; query against one plain
 * `ip -json -d addr show`; one MTU change; the bulk delete against `link set group` + `link delete group`.
 */
import { spawnSync } from 'node:child_process'
import { Iproute2Backend, renderOps } from '../../src/backend/iproute2/index.js'
import type { HostOp } from '../../src/plan/ops.js'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'

const bridges = Number(process.argv[2] ?? 100)
const pairs = Number(process.argv[3] ?? 1000)
const backend = new Iproute2Backend()

function buildOps(): HostOp[] {
  const ops: HostOp[] = []
  for (let b = 0; b < bridges; b++) {
    ops.push({ kind: 'link.create', iface: { name: `br${b}`, type: 'linux-bridge', bridge: { options: { stp: false, forwardDelaySec: 0 } } } })
    ops.push({ kind: 'link.set-state', name: `br${b}`, state: 'up' })
    ops.push({ kind: 'addr.add', name: `br${b}`, address: { ip: `10.${100 + (b >> 8)}.${b & 255}.1`, prefixLength: 24 } })
  }
  for (let i = 0; i < pairs; i++) {
    ops.push({ kind: 'link.create', iface: { name: `v${i}`, type: 'veth', veth: { peer: `v${i}p` } } })
    ops.push({ kind: 'link.set-controller', name: `v${i}`, controller: `br${i % bridges}` })
    ops.push({ kind: 'link.set-state', name: `v${i}`, state: 'up' })
    ops.push({ kind: 'link.set-state', name: `v${i}p`, state: 'up' })
    ops.push({ kind: 'addr.add', name: `v${i}p`, address: { ip: `10.${i >> 8}.${i & 255}.2`, prefixLength: 24 } })
  }
  return ops
}

function timeMs<T>(fn: () => T): [T, number] {
  const t0 = performance.now()
  const r = fn()
  return [r, performance.now() - t0]
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const r = await fn()
  return [r, performance.now() - t0]
}

function ipBatch(ns: string, lines: readonly string[]): number {
  const [r, ms] = timeMs(() => spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, maxBuffer: 1 << 28 }))
  if (r.status !== 0) throw new Error(`ip -batch failed: ${String(r.stderr)}`)
  return ms
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** One round in two fresh namespaces; `oursFirst` alternates which side runs first (kernel state carries over). */
async function round(oursFirst: boolean, n: number): Promise<Record<string, number>> {
  const [ours, base] = [`hnt-m-${process.pid}-${n}a`, `hnt-m-${process.pid}-${n}b`]
  const out: Record<string, number> = {}
  await createNetns(ours)
  await createNetns(base)
  try {
    const ops = buildOps()
    const [lines, renderMs] = timeMs(() => renderOps(ops))
    out['renderMs'] = renderMs
    const t = { kind: 'netns', name: ours } as const
    const applyOurs = async (): Promise<void> => {
      out['applyMs'] = (await timeAsync(() => backend.apply(t, ops)))[1]
    }
    if (oursFirst) await applyOurs()
    out['baselineApplyMs'] = ipBatch(base, lines)
    if (!oursFirst) await applyOurs()
    const q: number[] = []
    const qr: number[] = []
    const b: number[] = []
    for (let i = 0; i < 5; i++) {
      b.push(timeMs(() => spawnSync('ip', ['-n', ours, '-json', '-d', 'addr', 'show'], { maxBuffer: 1 << 28 }))[1])
      q.push((await timeAsync(() => backend.query(t, { routes: false })))[1])
      qr.push((await timeAsync(() => backend.query(t)))[1])
    }
    const s = await backend.query(t)
    out['links'] = s.interfaces.length
    out['baselineAddrShowMs'] = median(b)
    out['queryNoRoutesMs'] = median(q)
    out['queryWithRoutesMs'] = median(qr)
    out['oneMtuChangeMs'] = (await timeAsync(() => backend.apply(t, [{ kind: 'link.set-mtu', name: 'br7', mtu: 1400 }])))[1]
    const names = s.interfaces.filter((i) => i.name !== 'lo' && !i.name.endsWith('p')).map((i) => i.name)
    const delOurs = async (): Promise<void> => {
      out['deleteMs'] = (await timeAsync(() => backend.apply(t, [{ kind: 'link.delete', names }])))[1]
    }
    if (oursFirst) await delOurs()
    out['baselineDeleteMs'] = ipBatch(base, [...names.map((x) => `link set dev ${x} group 4242`), 'link delete group 4242'])
    if (!oursFirst) await delOurs()
  } finally {
    await deleteNetns(ours)
    await deleteNetns(base)
  }
  return out
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[4] ?? 3)
  const all: Array<Record<string, number>> = []
  for (let n = 0; n < rounds; n++) {
    all.push(await round(n % 2 === 0, n))
    await new Promise((r) => setTimeout(r, 5000)) // let the kernel finish tearing the namespaces down
  }
  const keys = Object.keys(all[0] ?? {})
  const summary = Object.fromEntries(keys.map((k) => [k, Math.round(median(all.map((r) => r[k]!)))]))
  process.stdout.write(`${JSON.stringify({ bridges, vethPairs: pairs, rounds, median: summary, all })}\n`)
}

await main()
