/**
 * <hn-network>: one network: its facts (GET network), start/stop/autostart/delete, its libvirt XML in an editor
 * validated by the server (PUT: the server's message shows next to the field), its DHCP leases, and its ports
 * (owner, MAC, device, mode, VLAN, bandwidth, status) with the domain <interface> a hypervisor gets.
 * @module
 */
import { LitElement, html, css, nothing, type PropertyValues } from 'lit'
import { ApiError, errorText, getJson, getText, send, targetPath } from '../api.js'
import type { ChangeFeed } from '../events.js'
import type { Lease, PortView } from '../types.js'
import { hashOf } from '../routes.js'
import { badgeClass, shared } from '../ui/styles.js'
import { confirmDialog, dialogStyles } from '../ui/confirm.js'

interface NetworkDetails {
  name: string
  uuid: string
  state: string
  autostart: boolean
  persistent: boolean
  forwardMode: string
  bridge?: string
  dnsmasqPid?: number
  dnsmasqRestarts: number
  nftObjects?: number
  lastError?: unknown
}

function vlanText(p: PortView): string {
  if (p.vlan === undefined) return ''
  const tags = p.vlan.tags.join(', ')
  return `${p.vlan.trunk ? 'trunk ' : ''}${tags}${p.vlan.nativeTag === undefined ? '' : ` (native ${p.vlan.nativeTag}${p.vlan.nativeMode === undefined ? '' : ` ${p.vlan.nativeMode}`})`}`
}

function bandwidthText(p: PortView): string {
  const part = (dir: string, r: Record<string, number> | undefined): string =>
    r === undefined ? '' : `${dir} ${Object.entries(r).map(([k, v]) => `${k} ${v}`).join(' ')}`
  return [part('in', p.bandwidth?.inbound), part('out', p.bandwidth?.outbound)].filter((x) => x !== '').join('; ')
}

function modeText(p: PortView): string {
  const plug = p.plug
  if (plug === undefined) return 'not plugged'
  return [plug.type, plug.mode].filter((x) => x !== undefined).join(' ')
}

export class HnNetwork extends LitElement {
  static override properties = {
    target: {},
    name: {},
    feed: { attribute: false },
    viewer: { type: Boolean },
    info: { state: true },
    xml: { state: true },
    leases: { state: true },
    ports: { state: true },
    problem: { state: true },
    xmlProblem: { state: true },
    busy: { state: true },
    message: { state: true },
    shown: { state: true },
  }

  declare target: string
  declare name: string
  declare feed: ChangeFeed | undefined
  declare viewer: boolean
  declare info: NetworkDetails | undefined
  declare xml: string | undefined
  declare leases: Lease[] | undefined
  declare ports: PortView[] | undefined
  declare problem: string | undefined
  declare xmlProblem: string | undefined
  declare busy: string | undefined
  declare message: string | undefined
  /** UUID → the domain <interface> shown for that port. */
  declare shown: Map<string, string>
  private unsubscribe: (() => void) | undefined

  static override styles = [
    shared,
    dialogStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.2em 1em;
        max-width: 40em;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
      }
    `,
  ]

  constructor() {
    super()
    this.target = 'host'
    this.name = ''
    this.feed = undefined
    this.viewer = true
    this.info = undefined
    this.xml = undefined
    this.leases = undefined
    this.ports = undefined
    this.problem = undefined
    this.xmlProblem = undefined
    this.busy = undefined
    this.message = undefined
    this.shown = new Map()
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
      this.unsubscribe = this.feed?.subscribe((rs) => {
        if (rs.some((r) => r.object === this.name || r.kind.startsWith('port.') || r.kind.startsWith('dhcp.'))) void this.reload({ keepXml: true })
      })
    }
    if ((changed.has('name') || changed.has('target')) && (changed.get('name') !== undefined || changed.get('target') !== undefined)) void this.reload()
  }

  private path(rest = ''): string {
    return targetPath(this.target, `/networks/${encodeURIComponent(this.name)}${rest}`)
  }

  async reload(o: { keepXml?: boolean } = {}): Promise<void> {
    try {
      // everything first, then one update: the editor never appears empty and gets filled under the user's hands
      const info = await getJson<NetworkDetails>(this.path())
      const xml = o.keepXml === true && this.xml !== undefined ? this.xml : await getText(this.path(info.persistent ? '?inactive=true' : ''), 'application/xml')
      const active = info.state === 'active'
      const [leases, ports] = active ? await Promise.all([getJson<Lease[]>(this.path('/leases')).catch(() => []), getJson<PortView[]>(this.path('/ports'))]) : [[], []]
      this.xml = xml
      this.info = info
      this.leases = leases
      this.ports = ports
      this.problem = undefined
    } catch (e) {
      this.problem = errorText(e)
    }
  }

  private async act(what: string, fn: () => Promise<unknown>, after: () => Promise<void> = () => this.reload()): Promise<void> {
    this.busy = what
    this.problem = undefined
    this.message = undefined
    try {
      await fn()
      await after()
    } catch (e) {
      this.problem = errorText(e)
    } finally {
      this.busy = undefined
    }
  }

  private async save(): Promise<void> {
    const text = this.renderRoot.querySelector<HTMLTextAreaElement>('#net-xml')?.value ?? ''
    this.xmlProblem = undefined
    this.message = undefined
    this.busy = 'Saving the definition…'
    try {
      await send('PUT', this.path(), { body: text, type: 'application/xml' })
      this.message = this.info?.state === 'active' ? 'Saved: the new definition takes effect at the next start.' : 'Saved.'
      await this.reload()
    } catch (e) {
      const where = e instanceof ApiError && e.path !== undefined ? ` (at ${e.path})` : ''
      this.xmlProblem = `${errorText(e)}${where}`
    } finally {
      this.busy = undefined
    }
  }

  private async undefineNetwork(): Promise<void> {
    const ok = await confirmDialog(this.renderRoot, {
      title: `Delete network ${this.name}?`,
      body: `Its definition is removed from ${this.target}. Guests that use it lose their network the next time they start.`,
      confirm: 'Delete',
    })
    if (!ok) return
    await this.act(`Deleting ${this.name}…`, () => send('DELETE', this.path()), async () => {
      location.hash = hashOf({ target: this.target, page: 'networks' })
    })
  }

  private async showInterface(p: PortView): Promise<void> {
    const m = new Map(this.shown)
    if (m.has(p.uuid)) m.delete(p.uuid)
    else {
      try {
        m.set(p.uuid, await getText(this.path(`/ports/${p.uuid}?domainInterface=true`), 'application/xml'))
      } catch (e) {
        m.set(p.uuid, `(${errorText(e)})`)
      }
    }
    this.shown = m
  }

  override render(): unknown {
    const i = this.info
    return html`
      <p><a href=${hashOf({ target: this.target, page: 'networks' })}>← All networks</a></p>
      <h2>Network ${this.name}</h2>
      ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
      ${this.busy === undefined ? nothing : html`<p class="progress" role="status">${this.busy}</p>`}
      ${this.message === undefined ? nothing : html`<p class="ok" role="status">${this.message}</p>`}
      ${i === undefined ? (this.problem === undefined ? html`<p class="progress" role="status">Loading…</p>` : nothing) : this.body(i)}
      <dialog></dialog>
    `
  }

  private body(i: NetworkDetails): unknown {
    const active = i.state === 'active'
    return html`
      <dl>
        <dt>State</dt>
        <dd><span class=${badgeClass(i.state)}>${i.state}</span></dd>
        <dt>Forward mode</dt>
        <dd>${i.forwardMode === 'none' ? 'isolated' : i.forwardMode}</dd>
        <dt>Bridge</dt>
        <dd>${i.bridge ?? '—'}</dd>
        <dt>Autostart</dt>
        <dd>${i.autostart ? 'yes' : 'no'}</dd>
        <dt>Persistent</dt>
        <dd>${i.persistent ? 'yes' : 'no (transient)'}</dd>
        <dt>UUID</dt>
        <dd><code>${i.uuid}</code></dd>
        ${i.dnsmasqPid === undefined ? nothing : html`<dt>dnsmasq</dt><dd>pid ${i.dnsmasqPid}, restarted ${i.dnsmasqRestarts} times</dd>`}
      </dl>
      ${this.viewer
        ? nothing
        : html`<div class="toolbar">
            ${active
              ? html`<button class="secondary" @click=${() => void this.act('Stopping…', () => send('POST', this.path('/stop')))}>Stop</button>`
              : html`<button @click=${() => void this.act('Starting…', () => send('POST', this.path('/start')))}>Start</button>`}
            <button
              class="secondary"
              ?disabled=${!i.persistent}
              @click=${() => void this.act('Changing autostart…', () => send('PUT', this.path('/autostart'), { body: JSON.stringify({ autostart: !i.autostart }) }))}
            >
              ${i.autostart ? 'Disable autostart' : 'Enable autostart'}
            </button>
            <button class="danger" ?disabled=${active || !i.persistent} title=${active ? 'Stop it first' : ''} @click=${() => void this.undefineNetwork()}>Delete</button>
          </div>`}
      <section aria-labelledby="xml-h">
        <h3 id="xml-h">Definition (libvirt XML)</h3>
        ${this.viewer
          ? html`<pre aria-labelledby="xml-h">${this.xml ?? ''}</pre>`
          : html`<label for="net-xml">Network XML</label>
              <textarea id="net-xml" rows="14" spellcheck="false" .value=${this.xml ?? ''} aria-describedby="xml-problem"></textarea>
              <div id="xml-problem">${this.xmlProblem === undefined ? nothing : html`<p class="field-error" role="alert">${this.xmlProblem}</p>`}</div>
              <div class="toolbar">
                <button @click=${() => void this.save()} ?disabled=${this.busy !== undefined || !i.persistent}>Save the definition</button>
              </div>`}
      </section>
      <section aria-labelledby="leases-h">
        <h3 id="leases-h">DHCP leases</h3>
        ${!active
          ? html`<p class="muted">The network is not running.</p>`
          : (this.leases ?? []).length === 0
            ? html`<p class="muted">No leases.</p>`
            : html`<div class="table-wrap">
                <table aria-labelledby="leases-h">
                  <thead>
                    <tr><th scope="col">IP address</th><th scope="col">MAC</th><th scope="col">Host name</th><th scope="col">Expires</th></tr>
                  </thead>
                  <tbody>
                    ${(this.leases ?? []).map(
                      (l) => html`<tr>
                        <td>${l.ip}</td>
                        <td><code>${l.mac ?? ''}</code></td>
                        <td>${l.hostname ?? ''}</td>
                        <td>${l.expires === 'infinite' ? 'never' : new Date(l.expires * 1000).toLocaleString()}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`}
      </section>
      <section aria-labelledby="ports-h">
        <h3 id="ports-h">Ports</h3>
        ${this.portsTable()}
      </section>
    `
  }

  private portsTable(): unknown {
    const ports = this.ports ?? []
    if (ports.length === 0) return html`<p class="muted">No ports${this.info?.state === 'active' ? '' : ' (the network is not running)'}.</p>`
    return html`<div class="table-wrap">
      <table aria-labelledby="ports-h">
        <thead>
          <tr>
            <th scope="col">Owner</th>
            <th scope="col">MAC</th>
            <th scope="col">Device</th>
            <th scope="col">Mode</th>
            <th scope="col">VLAN</th>
            <th scope="col">Bandwidth</th>
            <th scope="col">Status</th>
            <th scope="col">Interface XML</th>
          </tr>
        </thead>
        <tbody>
          ${ports.map(
            (p) => html`<tr data-port=${p.uuid}>
                <th scope="row">${p.owner.name}${p.guest === undefined ? '' : html` <span class="muted">(in ${p.guest.netns})</span>`}</th>
                <td><code>${p.mac}</code></td>
                <td>${p.device ?? p.hostdev ?? ''}</td>
                <td>${modeText(p)}</td>
                <td>${vlanText(p)}</td>
                <td>${bandwidthText(p)}</td>
                <td><span class=${badgeClass(p.status)}>${p.status}</span></td>
                <td>
                  <button class="secondary" aria-expanded=${this.shown.has(p.uuid) ? 'true' : 'false'} @click=${() => void this.showInterface(p)} aria-label=${`${this.shown.has(p.uuid) ? 'Hide' : 'Show'} the domain interface of port ${p.uuid}`}>
                    ${this.shown.has(p.uuid) ? 'Hide' : 'Show'}
                  </button>
                </td>
              </tr>
              ${this.shown.has(p.uuid)
                ? html`<tr>
                    <td colspan="8"><pre aria-label=${`Domain interface of port ${p.uuid}`}>${this.shown.get(p.uuid)}</pre></td>
                  </tr>`
                : nothing}`,
          )}
        </tbody>
      </table>
    </div>`
  }
}

customElements.define('hn-network', HnNetwork)
