/**
 * <hn-history>: the change record of a target (GET changes): what changed, when, by whom (the CLI, the API's
 * principals, the confirm timer, supervision, recovery, dnsmasq) and whether it stuck; newest first, live.
 * @module
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { errorText, getJson } from '../api.js'
import type { ChangeFeed } from '../events.js'
import type { ChangeRecord } from '../types.js'
import { badgeClass, shared, timeText } from '../ui/styles.js'
import { detailText } from './host.js'

const FAMILIES = ['', 'txn', 'iface', 'network', 'port', 'dhcp'] as const
export const HISTORY_LIMIT = 200

export class HnHistory extends LitElement {
  static override properties = { target: {}, feed: { attribute: false }, records: { state: true }, family: { state: true }, problem: { state: true } }
  declare target: string
  declare feed: ChangeFeed | undefined
  declare records: ChangeRecord[] | undefined
  declare family: string
  declare problem: string | undefined
  private unsubscribe: (() => void) | undefined

  static override styles = [shared]

  constructor() {
    super()
    this.target = 'host'
    this.feed = undefined
    this.records = undefined
    this.family = ''
    this.problem = undefined
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
    if ((changed.has('target') && changed.get('target') !== undefined) || (changed.has('family') && changed.get('family') !== undefined)) void this.reload()
  }

  async reload(): Promise<void> {
    try {
      const kind = this.family === '' ? '' : `&kind=${this.family}`
      this.records = (await getJson<ChangeRecord[]>(`/changes?target=${encodeURIComponent(this.target)}&limit=${HISTORY_LIMIT}${kind}`)).reverse()
      this.problem = undefined
    } catch (e) {
      this.problem = errorText(e)
    }
  }

  override render(): unknown {
    return html`
      <h2>History of ${this.target}</h2>
      <div class="toolbar">
        <label for="family">Show</label>
        <select id="family" @change=${(e: Event) => (this.family = (e.target as HTMLSelectElement).value)}>
          ${FAMILIES.map((f) => html`<option value=${f} ?selected=${f === this.family}>${f === '' ? 'every change' : `${f} changes`}</option>`)}
        </select>
      </div>
      ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
      ${this.records === undefined
        ? html`<p class="progress" role="status">Loading…</p>`
        : this.records.length === 0
          ? html`<p class="muted">Nothing recorded.</p>`
          : html`<div class="table-wrap">
              <table aria-label="Changes, newest first">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">Object</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.records.map(
                    (r) => html`<tr>
                      <td>${r.id}</td>
                      <td>${timeText(r.timeMs)}</td>
                      <td>${r.actor}</td>
                      <td>${r.kind}</td>
                      <td>${r.object}</td>
                      <td><span class=${badgeClass(r.outcome)}>${r.outcome}</span></td>
                      <td>${r.detail === undefined ? '' : detailText(r.detail)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`}
    `
  }
}

customElements.define('hn-history', HnHistory)
