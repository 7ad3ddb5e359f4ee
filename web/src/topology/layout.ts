/**
 * Layered layout of the topology graph (pure, no DOM: the tests run it in Node). Edges point from the lower layer
 * to the upper one (NIC → bond → bridge → network → port → guest), so:
 *   1. rank: each node's column is the longest path to it from a node with no incoming edge (`peer` edges of veth
 *      pairs do not rank anything);
 *   2. components: each connected part of the graph is laid out on its own, the parts stacked top to bottom,
 *      biggest first; nodes with no edge at all are packed in a grid at the end, by kind;
 *   3. order: inside a component, each column is ordered by a depth-first walk from the first column, then by a
 *      few barycenter sweeps (the mean position of a node's neighbours in the column before / after);
 *   4. coordinates: nodes are placed at the mean height of their neighbours, pushed down so none overlap.
 * Every step is linear in nodes + edges per sweep: thousands of nodes lay out in milliseconds. The result is
 * deterministic (same graph, same picture), so screenshots and tests are stable.
 * @module
 */

export interface LayoutNode {
  id: string
  kind: string
  label: string
}

export interface LayoutEdge {
  from: string
  to: string
  kind: string
}

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface PlacedEdge extends LayoutEdge {
  /** SVG path data. */
  path: string
}

export interface Layout {
  boxes: Map<string, Box>
  edges: PlacedEdge[]
  width: number
  height: number
}

export const NODE_HEIGHT = 28
export const ROW_GAP = 10
export const COLUMN_GAP = 70
export const COMPONENT_GAP = 28
export const MARGIN = 16
const CHAR_WIDTH = 7.2
const MIN_WIDTH = 64
const MAX_WIDTH = 220
const SWEEPS = 4

/** Edge kinds that say nothing about layers. */
const UNRANKED: ReadonlySet<string> = new Set(['peer'])

export function nodeWidth(label: string): number {
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(label.length * CHAR_WIDTH) + 24))
}

interface Graph {
  ids: string[]
  index: Map<string, number>
  /** Ranked edges only, by node index. */
  succ: number[][]
  pred: number[][]
  /** All edges (ranked and not), undirected, for components. */
  adj: number[][]
}

function graphOf(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Graph {
  const ids = nodes.map((n) => n.id)
  const index = new Map(ids.map((id, i) => [id, i]))
  const succ: number[][] = ids.map(() => [])
  const pred: number[][] = ids.map(() => [])
  const adj: number[][] = ids.map(() => [])
  for (const e of edges) {
    const a = index.get(e.from)
    const b = index.get(e.to)
    if (a === undefined || b === undefined || a === b) continue
    adj[a]!.push(b)
    adj[b]!.push(a)
    if (UNRANKED.has(e.kind)) continue
    succ[a]!.push(b)
    pred[b]!.push(a)
  }
  return { ids, index, succ, pred, adj }
}

/** Longest-path ranks; a cycle (not expected) is broken where the walk finds it. */
function ranks(g: Graph): number[] {
  const n = g.ids.length
  const indeg = g.pred.map((p) => p.length)
  const rank = new Array<number>(n).fill(0)
  const queue: number[] = []
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i)
  const seen = new Array<boolean>(n).fill(false)
  for (let head = 0; ; ) {
    while (head < queue.length) {
      const v = queue[head++]!
      seen[v] = true
      for (const w of g.succ[v]!) {
        rank[w] = Math.max(rank[w]!, rank[v]! + 1)
        if (--indeg[w]! === 0) queue.push(w)
      }
    }
    // nodes left are on cycles: release the first one and go on
    const stuck = seen.indexOf(false)
    if (stuck < 0) break
    indeg[stuck] = 0
    queue.push(stuck)
  }
  return rank
}

function components(g: Graph): number[][] {
  const comp = new Array<number>(g.ids.length).fill(-1)
  const out: number[][] = []
  for (let s = 0; s < g.ids.length; s++) {
    if (comp[s] !== -1) continue
    const members: number[] = []
    const stack = [s]
    comp[s] = out.length
    while (stack.length > 0) {
      const v = stack.pop()!
      members.push(v)
      for (const w of g.adj[v]!) {
        if (comp[w] === -1) {
          comp[w] = out.length
          stack.push(w)
        }
      }
    }
    members.sort((a, b) => a - b)
    out.push(members)
  }
  return out
}

/** Columns of one component, ordered by a walk from the first column and refined by barycenter sweeps. */
function orderColumns(g: Graph, members: readonly number[], rank: readonly number[]): number[][] {
  const maxRank = Math.max(...members.map((v) => rank[v]!))
  const columns: number[][] = Array.from({ length: maxRank + 1 }, () => [])
  const placed = new Set<number>()
  const visit = (start: number): void => {
    const stack = [start]
    while (stack.length > 0) {
      const v = stack.pop()!
      if (placed.has(v)) continue
      placed.add(v)
      columns[rank[v]!]!.push(v)
      const next = [...g.succ[v]!, ...g.pred[v]!, ...g.adj[v]!]
      for (let i = next.length - 1; i >= 0; i--) if (!placed.has(next[i]!)) stack.push(next[i]!)
    }
  }
  for (const v of members) if (rank[v] === 0) visit(v)
  for (const v of members) visit(v)
  const pos = new Map<number, number>()
  const setPos = (col: readonly number[]): void => col.forEach((v, i) => pos.set(v, i))
  columns.forEach(setPos)
  const sortBy = (col: number[], neighbours: (v: number) => readonly number[]): void => {
    const key = new Map<number, number>()
    for (const v of col) {
      const ns = neighbours(v)
      key.set(v, ns.length === 0 ? pos.get(v)! : ns.reduce((s, w) => s + pos.get(w)!, 0) / ns.length)
    }
    col.sort((a, b) => key.get(a)! - key.get(b)! || pos.get(a)! - pos.get(b)!)
    setPos(col)
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    if (sweep % 2 === 0) for (let r = 1; r <= maxRank; r++) sortBy(columns[r]!, (v) => g.pred[v]!)
    else for (let r = maxRank - 1; r >= 0; r--) sortBy(columns[r]!, (v) => g.succ[v]!)
  }
  return columns
}

/**
 * Heights: each node wants the mean centre of its placed neighbours; a column is placed by pushing down from the
 * top and up from the bottom and taking the middle (a fan of nodes centres on what they connect to), then pushed
 * down once more so nothing overlaps. The tallest column is packed first and the others follow out from it.
 */
function placeColumns(g: Graph, columns: readonly number[][]): Map<number, number> {
  const y = new Map<number, number>()
  const step = NODE_HEIGHT + ROW_GAP
  let anchor = 0
  columns.forEach((c, r) => {
    if (c.length > columns[anchor]!.length) anchor = r
  })
  columns[anchor]!.forEach((v, i) => y.set(v, i * step))
  const placeColumn = (col: readonly number[], neighbours: (v: number) => readonly number[]): void => {
    const want = col.map((v, i) => {
      const ns = neighbours(v).filter((w) => y.has(w))
      return ns.length === 0 ? i * step : ns.reduce((s, w) => s + y.get(w)!, 0) / ns.length
    })
    const down = want.slice()
    for (let i = 1; i < down.length; i++) down[i] = Math.max(down[i]!, down[i - 1]! + step)
    const up = want.slice()
    for (let i = up.length - 2; i >= 0; i--) up[i] = Math.min(up[i]!, up[i + 1]! - step)
    let prev = -Infinity
    col.forEach((v, i) => {
      const at = Math.max((down[i]! + up[i]!) / 2, prev + step)
      y.set(v, at)
      prev = at
    })
  }
  for (let r = anchor + 1; r < columns.length; r++) placeColumn(columns[r]!, (v) => g.pred[v]!)
  for (let r = anchor - 1; r >= 0; r--) placeColumn(columns[r]!, (v) => g.succ[v]!)
  const min = Math.min(...y.values())
  for (const [v, at] of y) y.set(v, at - min)
  return y
}

function edgePath(a: Box, b: Box, kind: string): string {
  if (UNRANKED.has(kind) || a.x === b.x) {
    // same column (a veth pair): an arc on the right side
    const x = Math.max(a.x + a.width, b.x + b.width)
    const y1 = a.y + a.height / 2
    const y2 = b.y + b.height / 2
    const bulge = x + 24
    return `M${x} ${y1} C${bulge} ${y1} ${bulge} ${y2} ${x} ${y2}`
  }
  const [from, to] = a.x < b.x ? [a, b] : [b, a]
  const x1 = from.x + from.width
  const y1 = from.y + from.height / 2
  const x2 = to.x
  const y2 = to.y + to.height / 2
  const mid = (x1 + x2) / 2
  return `M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}`
}

/** Lay the graph out. `order` of the kinds decides the grid of unconnected nodes. */
export function layoutTopology(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Layout {
  const g = graphOf(nodes, edges)
  const rank = ranks(g)
  const boxes = new Map<string, Box>()
  const comps = components(g)
  const connected = comps.filter((c) => c.length > 1).sort((a, b) => b.length - a.length || a[0]! - b[0]!)
  const loose = comps.filter((c) => c.length === 1).map((c) => c[0]!)

  // column widths are shared by all components, so a column reads as one layer
  const maxRank = Math.max(0, ...connected.flat().map((v) => rank[v]!))
  const colWidth = new Array<number>(maxRank + 1).fill(MIN_WIDTH)
  for (const c of connected) for (const v of c) colWidth[rank[v]!] = Math.max(colWidth[rank[v]!]!, nodeWidth(nodes[v]!.label))
  const colX: number[] = []
  let x = MARGIN
  for (let r = 0; r <= maxRank; r++) {
    colX.push(x)
    x += colWidth[r]! + COLUMN_GAP
  }
  let width = connected.length > 0 ? x - COLUMN_GAP + MARGIN : 0

  let top = MARGIN
  for (const c of connected) {
    const columns = orderColumns(g, c, rank)
    const y = placeColumns(g, columns)
    let bottom = 0
    for (const v of c) {
      const yy = top + y.get(v)!
      boxes.set(g.ids[v]!, { x: colX[rank[v]!]!, y: yy, width: nodeWidth(nodes[v]!.label), height: NODE_HEIGHT })
      bottom = Math.max(bottom, yy + NODE_HEIGHT)
    }
    top = bottom + COMPONENT_GAP
  }

  // unconnected nodes: a grid, grouped by kind, as wide as the layered part (or 6 columns)
  if (loose.length > 0) {
    loose.sort((a, b) => nodes[a]!.kind.localeCompare(nodes[b]!.kind) || a - b)
    const cell = Math.max(...loose.map((v) => nodeWidth(nodes[v]!.label))) + ROW_GAP
    const perRow = Math.max(1, Math.min(loose.length, Math.floor(Math.max(width - 2 * MARGIN, 6 * cell) / cell)))
    loose.forEach((v, i) => {
      boxes.set(g.ids[v]!, { x: MARGIN + (i % perRow) * cell, y: top + Math.floor(i / perRow) * (NODE_HEIGHT + ROW_GAP), width: nodeWidth(nodes[v]!.label), height: NODE_HEIGHT })
    })
    top += Math.ceil(loose.length / perRow) * (NODE_HEIGHT + ROW_GAP) + COMPONENT_GAP
    width = Math.max(width, MARGIN * 2 + perRow * cell)
  }

  const placed: PlacedEdge[] = []
  for (const e of edges) {
    const a = boxes.get(e.from)
    const b = boxes.get(e.to)
    if (a === undefined || b === undefined || e.from === e.to) continue
    placed.push({ ...e, path: edgePath(a, b, e.kind) })
  }
  return { boxes, edges: placed, width: Math.max(width, 2 * MARGIN), height: Math.max(top - COMPONENT_GAP + MARGIN, 2 * MARGIN) }
}
