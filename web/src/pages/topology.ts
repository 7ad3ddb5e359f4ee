/**
 * <hn-topology>: the target as one picture, NICs on the left through bonds, VLANs, bridges and Open vSwitch to the
 * networks, their ports and the guests on the right (GET /targets/{t}/topology, laid out by topology/layout.ts,
 * drawn as SVG: every node is a focusable element with its id in `data-id`). It reloads when the event stream
 * reports a change of this target (made anywhere: this console, the CLI, the confirm timer). A node opens with a
 * click or Enter: its facts, and a link to its page.
 *
 * After each complete drawing the <svg> carries `data-change-id` (the change the picture includes) and the page
 * marks `hn-topology-complete` in the Performance timeline (the console benchmark reads it).
 * @module
 */
import { LitElement, html, svg, css, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { errorText, getJson, targetPath } from '../api.js'
import type { ChangeFeed } from '../events.js'
import { layoutTopology, type Layout } from '../topology/layout.js'
import type { Topology, TopologyNode } from '../types.js'
import { hashOf } from '../routes.js'
import { shared } from '../ui/styles.js'

export const TOPOLOGY_MARK = 'hn-topology-complete'
const LABEL_CHARS = 28

const KIND_TITLES: Readonly<Record<string, string>> = {
  iface: 'interface',
  'ovs-bridge': 'Open vSwitch bridge',
  'ovs-bond': 'Open vSwitch bond',
  network: 'network',
  port: 'port',
  guest: 'guest',
}

function cutLabel(s: string): string {
  return s.length <= LABEL_CHARS ? s : `${s.slice(0, LABEL_CHARS - 1)}…`
}

/** The colour class of a node: interfaces by their type, the rest by kind. */
function nodeClass(n: TopologyNode): string {
  const group = n.kind !== 'iface' ? n.kind : n.type === 'linux-bridge' ? 'bridge' : n.type === 'bond' || n.type === 'vlan' ? 'logical' : 'iface'
  return `node ${group}${n.state === 'down' || n.state === 'inactive' ? ' down' : ''}`
}

export function nodeSummary(n: TopologyNode): string {
  const what = n.kind === 'iface' ? `${n.type ?? 'interface'}` : (KIND_TITLES[n.kind] ?? n.kind)
  const extra = [n.kind === 'network' ? n.type : undefined, n.state].filter((x) => x !== undefined && x !== '')
  return `${what} ${n.label}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
}

export class HnTopology extends LitElement {
  static override properties = {
    target: {},
    feed: { attribute: false },
    viewer: { type: Boolean },
    topology: { state: true },
    problem: { state: true },
    selected: { state: true },
    loading: { state: true },
  }

  declare target: string
  declare feed: ChangeFeed | undefined
  declare viewer: boolean
  declare topology: Topology | undefined
  declare problem: string | undefined
  declare selected: string | undefined
  declare loading: boolean
  private layout: Layout | undefined
  private unsubscribe: (() => void) | undefined
  private inFlight = false
  private again = false

  static override styles = [
    shared,
    css`
      .wrap {
        display: flex;
        gap: 1em;
        align-items: flex-start;
        flex-wrap: wrap;
      }
      .canvas {
        flex: 1 1 40em;
        min-width: 0;
        overflow: auto;
        max-height: calc(100vh - 10em);
        border: 1px solid #d0d7de;
        border-radius: 6px;
        background: #fcfcfd;
      }
      aside {
        flex: 0 1 22em;
        border: 1px solid #d0d7de;
        border-radius: 6px;
        padding: 0.5em 1em;
        min-width: 14em;
      }
      svg {
        display: block;
      }
      .edge {
        fill: none;
        stroke: #6b7785;
        stroke-width: 1.2;
      }
      .edge.peer {
        stroke-dasharray: 4 3;
      }
      .node rect {
        stroke: #4a5563;
        stroke-width: 1;
      }
      .node text {
        font: 12px 'DejaVu Sans', sans-serif;
        fill: #1a1a1a;
        pointer-events: none;
      }
      .node {
        cursor: pointer;
      }
      .node.iface rect {
        fill: #e3ecfa;
      }
      .node.logical rect {
        fill: #dff3f1;
      }
      .node.bridge rect,
      .node.ovs-bridge rect {
        fill: #e6f4ea;
      }
      .node.ovs-bond rect {
        fill: #dff3f1;
      }
      .node.network rect {
        fill: #fff1d6;
      }
      .node.port rect {
        fill: #efe6fb;
      }
      .node.guest rect {
        fill: #fde7e4;
      }
      .node.down rect {
        stroke-dasharray: 4 2;
        fill: #f2f2f2;
      }
      .node:focus {
        outline: none;
      }
      .node:focus rect,
      .node.selected rect {
        stroke: #b35c00;
        stroke-width: 3;
      }
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.2em 0.8em;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em 0.8em;
        list-style: none;
        padding: 0;
        margin: 0.3em 0;
        font-size: 12px;
      }
      .swatch {
        display: inline-block;
        width: 1em;
        height: 0.8em;
        border: 1px solid #4a5563;
        vertical-align: -0.1em;
        margin-right: 0.3em;
      }
    `,
  ]

  constructor() {
    super()
    this.target = 'host'
    this.feed = undefined
    this.viewer = true
    this.topology = undefined
    this.problem = undefined
    this.selected = undefined
    this.loading = false
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.reload()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('feed')) {
      this.unsubscribe?.()
      this.unsubscribe = this.feed?.subscribe(() => void this.reload())
    }
    if (changed.has('target') && changed.get('target') !== undefined) {
      this.selected = undefined
      void this.reload()
    }
  }

  /** Load the topology; a reload asked for while one runs happens right after it (nothing is lost). */
  async reload(): Promise<void> {
    if (this.inFlight) {
      this.again = true
      return
    }
    this.inFlight = true
    this.loading = true
    try {
      do {
        this.again = false
        try {
          const t = await getJson<Topology>(targetPath(this.target, '/topology'))
          performance.mark('hn-topology-fetched')
          this.layout = layoutTopology(t.nodes, t.edges)
          performance.mark('hn-topology-laid-out')
          this.topology = t
          this.problem = undefined
        } catch (e) {
          this.problem = errorText(e)
        }
      } while (this.again)
    } finally {
      this.inFlight = false
      this.loading = false
    }
    await this.updateComplete
    if (this.topology !== undefined) performance.mark(TOPOLOGY_MARK, { detail: { nodes: this.topology.nodes.length, changeId: this.topology.changeId } })
  }

  private open(id: string): void {
    this.selected = this.selected === id ? undefined : id
  }

  /** The node an event happened on (one listener for all nodes: thousands of them stay cheap to draw). */
  private nodeOf(e: Event): string | undefined {
    const g = (e.target as Element | null)?.closest?.('g[data-id]')
    return g?.getAttribute('data-id') ?? undefined
  }

  private onClick(e: Event): void {
    const id = this.nodeOf(e)
    if (id !== undefined) this.open(id)
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' && e.key !== ' ') return
    const id = this.nodeOf(e)
    if (id === undefined) return
    e.preventDefault()
    this.open(id)
  }

  override render(): unknown {
    const t = this.topology
    const l = this.layout
    return html`
      <h2>Topology of ${this.target}</h2>
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch" style="background:#e3ecfa"></span>interface</li>
        <li><span class="swatch" style="background:#dff3f1"></span>bond, VLAN</li>
        <li><span class="swatch" style="background:#e6f4ea"></span>bridge, OVS bridge</li>
        <li><span class="swatch" style="background:#fff1d6"></span>network</li>
        <li><span class="swatch" style="background:#efe6fb"></span>port</li>
        <li><span class="swatch" style="background:#fde7e4"></span>guest</li>
        <li><span class="swatch" style="background:#f2f2f2;border-style:dashed"></span>down or inactive</li>
      </ul>
      ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
      ${t === undefined || l === undefined
        ? html`<p class="progress" role="status">Loading the topology…</p>`
        : html`
            <p class="muted" role="status">${t.nodes.length} objects, ${t.edges.length} links${this.loading ? ' (updating…)' : ''}</p>
            <div class="wrap">
              <div class="canvas">${this.drawing(t, l)}</div>
              ${this.details(t)}
            </div>
          `}
    `
  }

  private drawing(t: Topology, l: Layout): unknown {
    return svg`<svg xmlns="http://www.w3.org/2000/svg" role="group" aria-label=${`Topology of ${t.target}: ${t.nodes.length} objects`}
        width=${l.width} height=${l.height} viewBox=${`0 0 ${l.width} ${l.height}`} data-change-id=${t.changeId} data-nodes=${t.nodes.length}>
      <g class="edges" aria-hidden="true">
        ${repeat(l.edges, (e) => `${e.from}>${e.to}>${e.kind}`, (e) => svg`<path class=${`edge ${e.kind}`} d=${e.path}></path>`)}
      </g>
      <g class="nodes" @click=${(e: Event) => this.onClick(e)} @keydown=${(e: KeyboardEvent) => this.onKey(e)}>
        ${repeat(
          t.nodes,
          (n) => n.id,
          (n) => {
            const b = l.boxes.get(n.id)!
            return svg`<g class=${nodeClass(n) + (this.selected === n.id ? ' selected' : '')} data-id=${n.id} data-kind=${n.kind}
                transform=${`translate(${b.x},${b.y})`} tabindex="0" role="button" aria-label=${nodeSummary(n)}
                aria-pressed=${this.selected === n.id ? 'true' : 'false'}>
              <rect width=${b.width} height=${b.height} rx="5"></rect>
              <text x="8" y="18">${cutLabel(n.label)}</text>
            </g>`
          },
        )}
      </g>
    </svg>`
  }

  private details(t: Topology): unknown {
    const n = this.selected === undefined ? undefined : t.nodes.find((x) => x.id === this.selected)
    if (n === undefined) return html`<aside aria-label="Details"><p class="muted">Select an object (click, or Tab to it and press Enter) to see its details.</p></aside>`
    const links = t.edges.filter((e) => e.from === n.id || e.to === n.id).map((e) => (e.from === n.id ? e.to : e.from))
    const byId = new Map(t.nodes.map((x) => [x.id, x]))
    return html`<aside aria-label="Details" aria-live="polite">
      <h3>${nodeSummary(n)}</h3>
      <dl>
        ${n.type === undefined ? nothing : html`<dt>type</dt><dd>${n.type}</dd>`} ${n.state === undefined ? nothing : html`<dt>state</dt><dd>${n.state}</dd>`}
        ${Object.entries(n.detail).map(([k, v]) => html`<dt>${k}</dt><dd>${Array.isArray(v) ? v.join(', ') : String(v)}</dd>`)}
      </dl>
      ${links.length === 0
        ? nothing
        : html`<h4>Connected to</h4>
            <ul>
              ${links.map((id) => html`<li><button class="secondary" @click=${() => this.open(id)}>${byId.get(id) === undefined ? id : nodeSummary(byId.get(id)!)}</button></li>`)}
            </ul>`}
      ${this.pageLink(n)}
    </aside>`
  }

  private pageLink(n: TopologyNode): unknown {
    if (n.kind === 'network') return html`<p><a href=${hashOf({ target: this.target, page: 'networks', name: n.label })}>Open network ${n.label}</a></p>`
    if (n.kind === 'port' && typeof n.detail['network'] === 'string') {
      return html`<p><a href=${hashOf({ target: this.target, page: 'networks', name: n.detail['network'] })}>Open its network ${n.detail['network']}</a></p>`
    }
    if (n.kind === 'iface' || n.kind === 'ovs-bridge') return html`<p><a href=${hashOf({ target: this.target, page: 'host' })}>Open host interfaces</a></p>`
    return nothing
  }
}

customElements.define('hn-topology', HnTopology)
