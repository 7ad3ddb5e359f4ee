/** The topology layout (web/src/topology/layout.ts, pure): layers follow the edges, nothing overlaps, same graph same picture, and it stays fast. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { layoutTopology, type Box, type LayoutEdge, type LayoutNode } from '../../web/src/topology/layout.js'

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

function assertNoOverlap(boxes: Map<string, Box>): void {
  const all = [...boxes.entries()].sort((a, b) => a[1].x - b[1].x || a[1].y - b[1].y)
  // sweep by column: boxes of different columns cannot overlap (columns are apart by COLUMN_GAP)
  const byX = new Map<number, Array<[string, Box]>>()
  for (const e of all) byX.set(e[1].x, [...(byX.get(e[1].x) ?? []), e])
  for (const col of byX.values()) {
    col.sort((a, b) => a[1].y - b[1].y)
    for (let i = 1; i < col.length; i++) assert.ok(!overlap(col[i - 1]![1], col[i]![1]), `${col[i - 1]![0]} overlaps ${col[i]![0]}`)
  }
}

/** A host: NICs → bond → VLAN → bridge → network → ports → guests, plus a veth pair and loose interfaces. */
function sample(): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const nodes: LayoutNode[] = []
  const edges: LayoutEdge[] = []
  const n = (id: string, kind = 'iface'): void => void nodes.push({ id, kind, label: id.split(':')[1]! })
  for (const id of ['iface:eth0', 'iface:eth1', 'iface:bond0', 'iface:bond0.10', 'iface:br0', 'iface:va', 'iface:vb', 'iface:lone1', 'iface:lone2']) n(id)
  n('network:lan', 'network')
  for (const p of ['p1', 'p2', 'p3']) n(`port:${p}`, 'port')
  n('guest:vm1', 'guest')
  n('guest:vm2', 'guest')
  const e = (from: string, to: string, kind = 'controller'): void => void edges.push({ from, to, kind })
  e('iface:eth0', 'iface:bond0')
  e('iface:eth1', 'iface:bond0')
  e('iface:bond0', 'iface:bond0.10', 'base')
  e('iface:bond0.10', 'iface:br0')
  e('iface:br0', 'network:lan', 'bridge')
  for (const p of ['p1', 'p2', 'p3']) e('network:lan', `port:${p}`, 'port')
  e('port:p1', 'guest:vm1', 'guest')
  e('port:p2', 'guest:vm1', 'guest')
  e('port:p3', 'guest:vm2', 'guest')
  e('iface:va', 'iface:vb', 'peer')
  e('iface:va', 'iface:br0')
  return { nodes, edges }
}

test('layout: each edge goes to a column on the right; peers do not rank; no overlaps; deterministic', () => {
  const { nodes, edges } = sample()
  const l = layoutTopology(nodes, edges)
  const x = (id: string): number => l.boxes.get(id)!.x
  for (const e of edges) if (e.kind !== 'peer') assert.ok(x(e.from) < x(e.to), `${e.from} left of ${e.to}`)
  assert.deepEqual(
    ['iface:eth0', 'iface:bond0', 'iface:bond0.10', 'iface:br0', 'network:lan', 'port:p1', 'guest:vm1'].map(x),
    [...new Set(['iface:eth0', 'iface:bond0', 'iface:bond0.10', 'iface:br0', 'network:lan', 'port:p1', 'guest:vm1'].map(x))].sort((a, b) => a - b),
    'one layer per step',
  )
  assertNoOverlap(l.boxes)
  assert.equal(l.boxes.size, nodes.length)
  assert.equal(l.edges.length, edges.length)
  for (const b of l.boxes.values()) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= l.width && b.y + b.height <= l.height, JSON.stringify(b))
  // unconnected interfaces sit below the connected part
  const bottom = Math.max(...['iface:br0', 'port:p3', 'guest:vm2'].map((id) => l.boxes.get(id)!.y))
  assert.ok(l.boxes.get('iface:lone1')!.y > bottom)
  assert.deepEqual(layoutTopology(nodes, edges), l, 'same graph, same picture')
  // a fan of ports centres on its network
  const ys = ['port:p1', 'port:p2', 'port:p3'].map((id) => l.boxes.get(id)!.y)
  const net = l.boxes.get('network:lan')!.y
  assert.ok(Math.min(...ys) <= net && net <= Math.max(...ys), `network at ${net}, ports at ${ys.join(', ')}`)
})

test('layout: a cycle (not expected from the server) still lays out every node without overlaps', () => {
  const nodes = ['a', 'b', 'c'].map((id) => ({ id, kind: 'iface', label: id }))
  const l = layoutTopology(nodes, [{ from: 'a', to: 'b', kind: 'controller' }, { from: 'b', to: 'c', kind: 'controller' }, { from: 'c', to: 'a', kind: 'controller' }])
  assert.equal(l.boxes.size, 3)
  assertNoOverlap(l.boxes)
})

test('layout: 1,000 interfaces, 100 networks, 2,000 ports and their guests: every node placed, none overlapping (time printed; the console benchmark measures it)', () => {
  const nodes: LayoutNode[] = []
  const edges: LayoutEdge[] = []
  for (let b = 0; b < 100; b++) {
    nodes.push({ id: `iface:br${b}`, kind: 'iface', label: `br${b}` }, { id: `network:n${b}`, kind: 'network', label: `n${b}` })
    edges.push({ from: `iface:br${b}`, to: `network:n${b}`, kind: 'bridge' })
    for (let i = 0; i < 9; i++) {
      nodes.push({ id: `iface:v${b}-${i}`, kind: 'iface', label: `v${b}-${i}` })
      edges.push({ from: `iface:v${b}-${i}`, to: `iface:br${b}`, kind: 'controller' })
    }
    for (let p = 0; p < 20; p++) {
      nodes.push({ id: `port:${b}-${p}`, kind: 'port', label: `tap${b}-${p}` }, { id: `guest:vm${b}-${p}`, kind: 'guest', label: `vm${b}-${p}` })
      edges.push({ from: `network:n${b}`, to: `port:${b}-${p}`, kind: 'port' }, { from: `port:${b}-${p}`, to: `guest:vm${b}-${p}`, kind: 'guest' })
    }
  }
  const t0 = performance.now()
  const l = layoutTopology(nodes, edges)
  const ms = performance.now() - t0
  process.stdout.write(`# layout of ${nodes.length} nodes, ${edges.length} edges: ${ms.toFixed(0)} ms\n`)
  assert.equal(l.boxes.size, nodes.length)
  assertNoOverlap(l.boxes)
})
