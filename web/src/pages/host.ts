/**
 * <hn-host>: a target's interfaces (GET state), its state as YAML, an editor for a desired-state document whose
 * plan is shown as a readable diff before Apply (POST diff: the CLI's `hostnet diff` lines), Apply with an optional
 * confirm window that counts down beside Commit and Rollback, and the transaction history from the change
 * record (who, when, what, outcome). Viewers see the interfaces, the YAML and the history only.
 * @module
 */
import { LitElement, html, css, nothing, type PropertyValues } from 'lit'
import { describeOps } from '../../../src/plan/describe.js'
import { ApiError, errorText, getJson, getText, send, targetPath } from '../api.js'
import type { ChangeFeed } from '../events.js'
import type { ApplyResult, ChangeRecord, DiffOutput, HostStateJson, Iface, Transaction } from '../types.js'
import { badgeClass, shared, timeText } from '../ui/styles.js'

export const DEFAULT_CONFIRM_SEC = 30

function addresses(i: Iface): string {
  return [...(i.ipv4?.addresses ?? []), ...(i.ipv6?.addresses ?? [])].map((a) => `${a.ip}/${a.prefixLength}`).join(', ')
}

function portsOf(i: Iface): string {
  const names = i.bridge?.ports?.map((p) => p.name) ?? i.bond?.ports ?? i.ovsBridge?.ports?.map((p) => p.name) ?? []
  return names.join(', ')
}

/** `- ` / `+ ` / `~ ` lines of the CLI, each as a row with its mark. */
export function diffLines(ops: DiffOutput['ops']): Array<{ mark: string; text: string }> {
  return describeOps(ops, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const t = l.trimStart()
      return { mark: t[0] ?? ' ', text: l }
    })
}

function documentType(text: string): string {
  return text.trimStart().startsWith('{') ? 'application/json' : 'application/yaml'
}

export class HnHost extends LitElement {
  static override properties = {
    target: {},
    feed: { attribute: false },
    viewer: { type: Boolean },
    state: { state: true },
    yaml: { state: true },
    problem: { state: true },
    editorProblem: { state: true },
    diff: { state: true },
    diffOf: { state: true },
    busy: { state: true },
    result: { state: true },
    pending: { state: true },
    now: { state: true },
    history: { state: true },
  }

  declare target: string
  declare feed: ChangeFeed | undefined
  declare viewer: boolean
  declare state: HostStateJson | undefined
  declare yaml: string | undefined
  declare problem: string | undefined
  declare editorProblem: string | undefined
  declare diff: DiffOutput | undefined
  /** The document text the shown diff is for (Apply needs the diff of exactly this text first). */
  declare diffOf: string | undefined
  declare busy: string | undefined
  declare result: string | undefined
  declare pending: { id: number; deadlineMs: number } | undefined
  declare now: number
  declare history: ChangeRecord[]
  private unsubscribe: (() => void) | undefined
  private ticker: ReturnType<typeof setInterval> | undefined

  static override styles = [
    shared,
    css`
      .diff {
        list-style: none;
        padding: 0.5em;
        margin: 0.4em 0;
        background: #f6f8fa;
        border: 1px solid #d0d7de;
        border-radius: 4px;
        font-family: 'DejaVu Sans Mono', monospace;
        font-size: 13px;
        white-space: pre-wrap;
      }
      .diff li.add {
        color: #0a5c24;
      }
      .diff li.del {
        color: #8a1c1c;
      }
      .diff li.chg {
        color: #5c3c00;
      }
      .pending {
        border: 2px solid #b07a00;
        background: #fff8e6;
        border-radius: 6px;
        padding: 0.6em 1em;
        margin: 0.6em 0;
      }
      .countdown {
        font-size: 1.3rem;
        font-weight: 700;
      }
      .confirm input[type='number'] {
        width: 5em;
      }
      .confirm label {
        font-weight: normal;
      }
    `,
  ]

  constructor() {
    super()
    this.target = 'host'
    this.feed = undefined
    this.viewer = true
    this.state = undefined
    this.yaml = undefined
    this.problem = undefined
    this.editorProblem = undefined
    this.diff = undefined
    this.diffOf = undefined
    this.busy = undefined
    this.result = undefined
    this.pending = undefined
    this.now = Date.now()
    this.history = []
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.reload()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.stopTicker()
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('feed')) {
      this.unsubscribe?.()
      this.unsubscribe = this.feed?.subscribe((rs) => {
        if (rs.some((r) => r.kind.startsWith('txn.') || r.kind.startsWith('iface.'))) void this.reload()
      })
    }
    if (changed.has('target') && changed.get('target') !== undefined) void this.reload()
  }

  async reload(): Promise<void> {
    const t = this.target
    try {
      const [state, yaml, txns, history] = await Promise.all([
        getJson<HostStateJson>(targetPath(t, '/state')),
        getText(targetPath(t, '/state'), 'application/yaml'),
        getJson<Transaction[]>(`/transactions?target=${encodeURIComponent(t)}&limit=5`),
        getJson<ChangeRecord[]>(`/changes?target=${encodeURIComponent(t)}&kind=txn&limit=50`),
      ])
      if (t !== this.target) return
      this.state = state
      this.yaml = yaml
      this.history = history.reverse()
      const p = txns.find((x) => x.status === 'pending-confirm' && x.confirmDeadlineMs !== undefined)
      this.setPending(p === undefined ? undefined : { id: p.id, deadlineMs: p.confirmDeadlineMs! })
      this.problem = undefined
    } catch (e) {
      this.problem = errorText(e)
    }
  }

  private setPending(p: { id: number; deadlineMs: number } | undefined): void {
    this.pending = p
    if (p === undefined) this.stopTicker()
    else if (this.ticker === undefined) {
      this.now = Date.now()
      this.ticker = setInterval(() => (this.now = Date.now()), 250)
    }
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker)
    this.ticker = undefined
  }

  private editorText(): string {
    return this.renderRoot.querySelector<HTMLTextAreaElement>('#desired')?.value ?? ''
  }

  private edited(): void {
    // a changed document needs a new preview before Apply
    if (this.diffOf !== undefined && this.diffOf !== this.editorText()) {
      this.diff = undefined
      this.diffOf = undefined
    }
  }

  private fail(e: unknown): void {
    const where = e instanceof ApiError && e.path !== undefined ? ` (at ${e.path})` : ''
    this.editorProblem = `${errorText(e)}${where}`
  }

  private async preview(): Promise<void> {
    const text = this.editorText()
    this.busy = 'Planning…'
    this.editorProblem = undefined
    this.result = undefined
    try {
      this.diff = await send<DiffOutput>('POST', targetPath(this.target, '/diff'), { body: text, type: documentType(text) })
      this.diffOf = text
    } catch (e) {
      this.diff = undefined
      this.diffOf = undefined
      this.fail(e)
    } finally {
      this.busy = undefined
    }
  }

  private async apply(): Promise<void> {
    const text = this.editorText()
    const confirm = this.renderRoot.querySelector<HTMLInputElement>('#confirm')?.checked === true
    const seconds = Number(this.renderRoot.querySelector<HTMLInputElement>('#confirm-sec')?.value ?? DEFAULT_CONFIRM_SEC)
    this.busy = 'Applying and verifying…'
    this.editorProblem = undefined
    try {
      const q = confirm ? `?confirmWithin=${encodeURIComponent(String(seconds))}` : ''
      const r = await send<ApplyResult>('POST', targetPath(this.target, `/apply${q}`), { body: text, type: documentType(text) })
      if (r !== undefined) {
        this.result =
          r.status === 'unchanged'
            ? 'Nothing to change: the target already matches.'
            : `Applied ${r.ops.length} operation${r.ops.length === 1 ? '' : 's'} (transaction ${r.transactionId}): ${r.status}.`
        if (r.status === 'pending-confirm' && r.confirmDeadlineMs !== undefined) this.setPending({ id: r.transactionId, deadlineMs: r.confirmDeadlineMs })
      }
      this.diff = undefined
      this.diffOf = undefined
      await this.reload()
    } catch (e) {
      this.fail(e)
    } finally {
      this.busy = undefined
    }
  }

  private async finish(verb: 'commit' | 'rollback'): Promise<void> {
    this.busy = verb === 'commit' ? 'Committing…' : 'Rolling back…'
    this.editorProblem = undefined
    try {
      const r = await send<{ transactionId: number; status: string }>('POST', targetPath(this.target, `/${verb}`))
      this.result = r === undefined ? undefined : `Transaction ${r.transactionId}: ${r.status}.`
      this.setPending(undefined)
      await this.reload()
    } catch (e) {
      this.fail(e)
    } finally {
      this.busy = undefined
    }
  }

  private copyState(): void {
    const ta = this.renderRoot.querySelector<HTMLTextAreaElement>('#desired')
    if (ta !== null && this.yaml !== undefined) {
      ta.value = this.yaml
      this.edited()
    }
  }

  override render(): unknown {
    return html`
      <h2>Host interfaces of ${this.target}</h2>
      ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`} ${this.pendingBanner()}
      <section aria-labelledby="ifaces-h">
        <h3 id="ifaces-h">Interfaces</h3>
        ${this.state === undefined ? html`<p class="progress" role="status">Loading…</p>` : this.ifaceTable(this.state)}
        <details>
          <summary>Current state as YAML</summary>
          <pre aria-label="Current state as YAML">${this.yaml ?? ''}</pre>
        </details>
      </section>
      ${this.viewer ? nothing : this.editor()}
      <section aria-labelledby="txn-h">
        <h3 id="txn-h">Transactions</h3>
        ${this.historyTable()}
      </section>
    `
  }

  private ifaceTable(s: HostStateJson): unknown {
    const rows = s.interfaces.filter((i) => i.type !== 'loopback')
    return html`<div class="table-wrap">
        <table aria-labelledby="ifaces-h">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">MTU</th>
              <th scope="col">Controller</th>
              <th scope="col">Ports</th>
              <th scope="col">Addresses</th>
              <th scope="col">MAC</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (i) => html`<tr data-iface=${i.name}>
                <th scope="row">${i.name}</th>
                <td>${i.type}</td>
                <td><span class=${badgeClass(i.state)}>${i.state ?? ''}</span></td>
                <td>${i.mtu ?? ''}</td>
                <td>${typeof i.controller === 'string' ? i.controller : ''}</td>
                <td>${portsOf(i)}</td>
                <td>${addresses(i)}</td>
                <td><code>${i.mac ?? ''}</code></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${s.ovs === undefined ? nothing : html`<p class="muted">Open vSwitch: ${s.ovs.available ? `reachable (${s.ovs.address ?? ''})` : `not available${s.ovs.reason === undefined ? '' : `: ${s.ovs.reason}`}`}</p>`}`
  }

  private pendingBanner(): unknown {
    const p = this.pending
    if (p === undefined) return nothing
    const left = Math.max(0, Math.ceil((p.deadlineMs - this.now) / 1000))
    return html`<div class="pending" role="region" aria-label="Change waiting for confirmation">
      <p>
        Transaction ${p.id} is applied and waits for confirmation. Without Commit it rolls back in
        <span class="countdown" role="timer" aria-live="off">${left} s</span>.
      </p>
      ${this.viewer
        ? nothing
        : html`<div class="toolbar">
            <button @click=${() => void this.finish('commit')} ?disabled=${this.busy !== undefined}>Commit</button>
            <button class="danger" @click=${() => void this.finish('rollback')} ?disabled=${this.busy !== undefined}>Rollback</button>
          </div>`}
    </div>`
  }

  private editor(): unknown {
    const canApply = this.diff !== undefined && this.diffOf !== undefined && this.busy === undefined
    return html`<section aria-labelledby="edit-h">
      <h3 id="edit-h">Change the interfaces</h3>
      <p class="muted">
        Write a desired-state document (nmstate-shaped YAML or JSON: only what it names changes). Preview shows exactly what Apply would do; Apply
        verifies the result and rolls everything back on failure.
      </p>
      <label for="desired">Desired state document</label>
      <textarea id="desired" rows="12" spellcheck="false" aria-describedby="editor-problem" @input=${() => this.edited()}></textarea>
      <div id="editor-problem">${this.editorProblem === undefined ? nothing : html`<p class="field-error" role="alert">${this.editorProblem}</p>`}</div>
      <div class="toolbar">
        <button class="secondary" @click=${() => this.copyState()} ?disabled=${this.yaml === undefined}>Start from the current state</button>
        <button @click=${() => void this.preview()} ?disabled=${this.busy !== undefined}>Preview changes</button>
      </div>
      ${this.diff === undefined ? nothing : this.diffView(this.diff)}
      <div class="toolbar confirm">
        <label><input type="checkbox" id="confirm" checked /> Keep only if committed within</label>
        <input type="number" id="confirm-sec" min="1" max="3600" value=${DEFAULT_CONFIRM_SEC} aria-label="Confirm window in seconds" />
        <span>seconds</span>
        <button @click=${() => void this.apply()} ?disabled=${!canApply} title=${canApply ? '' : 'Preview the changes first'}>Apply</button>
      </div>
      ${this.busy === undefined ? nothing : html`<p class="progress" role="status">${this.busy}</p>`}
      ${this.result === undefined ? nothing : html`<p class="ok" role="status">${this.result}</p>`}
    </section>`
  }

  private diffView(d: DiffOutput): unknown {
    if (d.ops.length === 0) return html`<p role="status" class="ok" data-diff="empty">The target already matches: nothing would change.</p>`
    const cls: Record<string, string> = { '+': 'add', '-': 'del', '~': 'chg' }
    return html`<div role="region" aria-label="Planned changes">
      <p><strong>${d.ops.length} change${d.ops.length === 1 ? '' : 's'}</strong> to ${d.touched.join(', ')}:</p>
      <ul class="diff" data-diff="ops">
        ${diffLines(d.ops).map((l) => html`<li class=${cls[l.mark] ?? ''}>${l.text}</li>`)}
      </ul>
    </div>`
  }

  private historyTable(): unknown {
    if (this.history.length === 0) return html`<p class="muted">No transactions recorded for this target.</p>`
    return html`<div class="table-wrap">
      <table aria-labelledby="txn-h">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Outcome</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          ${this.history.map(
            (r) => html`<tr>
              <td>${timeText(r.timeMs)}</td>
              <td>${r.actor}</td>
              <td>${r.kind.replace(/^txn\./, 'transaction ')} ${r.object}</td>
              <td><span class=${badgeClass(r.outcome)}>${r.outcome}</span></td>
              <td>${r.detail === undefined ? '' : detailText(r.detail)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }
}

/** A record's detail as `key: value; ...` (times in `...Ms` fields as local times). */
export function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : /Ms$/.test(k) && typeof v === 'number' && v > 1e12 ? timeText(v) : JSON.stringify(v)}`)
    .join('; ')
}

customElements.define('hn-host', HnHost)
