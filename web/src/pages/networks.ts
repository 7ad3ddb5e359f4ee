/**
 * <hn-networks>: a target's virtual networks (state, autostart, mode, bridge, subnet, DHCP leases, connections)
 * from GET topology (one read: networks with their definitions, and the host interfaces the creation form offers),
 * start/stop/autostart/delete (delete asks first), and the creation form for every forward mode, with a free
 * subnet suggested by the server (GET free-subnet) and the host's NICs and bridges to pick from. Server errors
 * show next to the field they name.
 * @module
 */
import { LitElement, html, css, nothing, type PropertyValues } from 'lit'
import { ApiError, errorText, getJson, send, targetPath } from '../api.js'
import type { ChangeFeed } from '../events.js'
import type { FreeSubnet, Lease, Topology, TopologyNode } from '../types.js'
import { hashOf } from '../routes.js'
import { badgeClass, shared } from '../ui/styles.js'
import { fieldOfPath, FORM_MODES, L3_MODES, networkXml, POOL_MODES, type FormMode, type NetworkForm } from '../ui/network-xml.js'
import { confirmDialog, dialogStyles } from '../ui/confirm.js'

type Field = NonNullable<ReturnType<typeof fieldOfPath>>

const POOL_TYPES = new Set(['ethernet', 'veth', 'bond', 'vlan'])

function list(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v)
}

export class HnNetworks extends LitElement {
  static override properties = {
    target: {},
    feed: { attribute: false },
    viewer: { type: Boolean },
    topology: { state: true },
    leases: { state: true },
    problem: { state: true },
    busy: { state: true },
    message: { state: true },
    creating: { state: true },
    mode: { state: true },
    suggestion: { state: true },
    fieldErrors: { state: true },
    formProblem: { state: true },
    xmlPreview: { state: true },
  }

  declare target: string
  declare feed: ChangeFeed | undefined
  declare viewer: boolean
  declare topology: Topology | undefined
  declare leases: Map<string, number | string>
  declare problem: string | undefined
  declare busy: string | undefined
  declare message: string | undefined
  declare creating: boolean
  declare mode: FormMode
  declare suggestion: FreeSubnet | undefined
  declare fieldErrors: Partial<Record<Field, string>>
  declare formProblem: string | undefined
  declare xmlPreview: string | undefined
  private unsubscribe: (() => void) | undefined

  static override styles = [
    shared,
    dialogStyles,
    css`
      form {
        border: 1px solid #d0d7de;
        border-radius: 6px;
        padding: 0.6em 1em;
        margin: 0.6em 0;
        max-width: 46em;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 0.2em;
        margin: 0.6em 0;
      }
      .inline {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: center;
      }
      fieldset {
        border: 1px solid #d0d7de;
        border-radius: 4px;
        margin: 0.6em 0;
      }
      legend {
        font-weight: 600;
      }
      fieldset label,
      .inline label {
        font-weight: normal;
      }
      .help {
        color: #555;
        font-size: 13px;
      }
      td.actions {
        white-space: nowrap;
      }
      td.actions button {
        margin: 0.1em;
      }
    `,
  ]

  constructor() {
    super()
    this.target = 'host'
    this.feed = undefined
    this.viewer = true
    this.topology = undefined
    this.leases = new Map()
    this.problem = undefined
    this.busy = undefined
    this.message = undefined
    this.creating = false
    this.mode = 'nat'
    this.suggestion = undefined
    this.fieldErrors = {}
    this.formProblem = undefined
    this.xmlPreview = undefined
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
        if (rs.some((r) => !r.kind.startsWith('txn.'))) void this.reload()
      })
    }
    if (changed.has('target') && changed.get('target') !== undefined) void this.reload()
  }

  private get networks(): TopologyNode[] {
    return (this.topology?.nodes ?? []).filter((n) => n.kind === 'network').sort((a, b) => a.label.localeCompare(b.label))
  }

  async reload(): Promise<void> {
    try {
      const t = await getJson<Topology>(targetPath(this.target, '/topology'))
      this.topology = t
      this.problem = undefined
      void this.loadLeases(t)
    } catch (e) {
      this.problem = errorText(e)
    }
  }

  /** DHCP lease counts of the active networks that run DHCP (a few reads at a time). */
  private async loadLeases(t: Topology): Promise<void> {
    const nets = t.nodes.filter((n) => n.kind === 'network' && n.state === 'active' && n.detail['dhcpRanges'] !== undefined)
    const out = new Map<string, number | string>()
    const queue = [...nets]
    const worker = async (): Promise<void> => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        try {
          out.set(n.label, (await getJson<Lease[]>(targetPath(this.target, `/networks/${encodeURIComponent(n.label)}/leases`))).length)
        } catch (e) {
          out.set(n.label, `unavailable (${errorText(e)})`)
        }
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
    if (this.topology === t) this.leases = out
  }

  private async act(what: string, fn: () => Promise<unknown>): Promise<void> {
    this.busy = what
    this.problem = undefined
    this.message = undefined
    try {
      await fn()
      await this.reload()
    } catch (e) {
      this.problem = errorText(e)
    } finally {
      this.busy = undefined
    }
  }

  private netPath(name: string, rest = ''): string {
    return targetPath(this.target, `/networks/${encodeURIComponent(name)}${rest}`)
  }

  private async undefineNetwork(n: TopologyNode): Promise<void> {
    const ok = await confirmDialog(this.renderRoot, {
      title: `Delete network ${n.label}?`,
      body: `Its definition is removed from ${this.target}. Guests that use it lose their network the next time they start.`,
      confirm: 'Delete',
    })
    if (ok) await this.act(`Deleting ${n.label}…`, () => send('DELETE', this.netPath(n.label)))
  }

  override render(): unknown {
    return html`
      <h2>Networks of ${this.target}</h2>
      ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
      ${this.busy === undefined ? nothing : html`<p class="progress" role="status">${this.busy}</p>`}
      ${this.message === undefined ? nothing : html`<p class="ok" role="status">${this.message}</p>`}
      ${this.viewer
        ? nothing
        : html`<div class="toolbar">
            <button @click=${() => void this.openForm()} aria-expanded=${this.creating ? 'true' : 'false'} aria-controls="create-form">
              ${this.creating ? 'Close the form' : 'Create a network'}
            </button>
          </div>`}
      ${this.creating && !this.viewer ? this.form() : nothing}
      ${this.topology === undefined ? html`<p class="progress" role="status">Loading…</p>` : this.table()}
      <dialog></dialog>
    `
  }

  private table(): unknown {
    const nets = this.networks
    if (nets.length === 0) return html`<p class="muted">No networks on this target yet.</p>`
    return html`<div class="table-wrap">
      <table aria-label="Networks">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Autostart</th>
            <th scope="col">Mode</th>
            <th scope="col">Bridge / devices</th>
            <th scope="col">Subnet</th>
            <th scope="col">DHCP leases</th>
            <th scope="col">Connections</th>
            ${this.viewer ? nothing : html`<th scope="col">Actions</th>`}
          </tr>
        </thead>
        <tbody>
          ${nets.map((n) => {
            const active = n.state === 'active'
            const autostart = n.detail['autostart'] === true
            return html`<tr data-network=${n.label}>
              <th scope="row"><a href=${hashOf({ target: this.target, page: 'networks', name: n.label })}>${n.label}</a></th>
              <td><span class=${badgeClass(n.state)}>${n.state ?? ''}</span></td>
              <td>${autostart ? 'yes' : 'no'}</td>
              <td>${n.type === 'none' ? 'isolated' : (n.type ?? '')}</td>
              <td>${list(n.detail['bridge'] ?? n.detail['devices'] ?? n.detail['pf'])}</td>
              <td>${list(n.detail['addresses'])}</td>
              <td>${this.leases.get(n.label) ?? (n.detail['dhcpRanges'] === undefined ? 'no DHCP' : active ? '…' : '')}</td>
              <td>${list(n.detail['connections'])}</td>
              ${this.viewer
                ? nothing
                : html`<td class="actions">
                    ${active
                      ? html`<button class="secondary" @click=${() => void this.act(`Stopping ${n.label}…`, () => send('POST', this.netPath(n.label, '/stop')))} aria-label=${`Stop ${n.label}`}>
                          Stop
                        </button>`
                      : html`<button @click=${() => void this.act(`Starting ${n.label}…`, () => send('POST', this.netPath(n.label, '/start')))} aria-label=${`Start ${n.label}`}>
                          Start
                        </button>`}
                    <button
                      class="secondary"
                      @click=${() => void this.act(`Changing autostart of ${n.label}…`, () => send('PUT', this.netPath(n.label, '/autostart'), { body: JSON.stringify({ autostart: !autostart }) }))}
                      aria-label=${`${autostart ? 'Disable' : 'Enable'} autostart of ${n.label}`}
                      ?disabled=${n.detail['persistent'] !== true}
                    >
                      ${autostart ? 'Disable autostart' : 'Enable autostart'}
                    </button>
                    <button
                      class="danger"
                      @click=${() => void this.undefineNetwork(n)}
                      aria-label=${`Delete ${n.label}`}
                      ?disabled=${active || n.detail['persistent'] !== true}
                      title=${active ? 'Stop it first' : ''}
                    >
                      Delete
                    </button>
                  </td>`}
            </tr>`
          })}
        </tbody>
      </table>
    </div>`
  }

  private async openForm(): Promise<void> {
    this.fieldErrors = {}
    this.formProblem = undefined
    this.xmlPreview = undefined
    // the suggestion first: the form never fills a field the user already typed into
    if (!this.creating) await this.suggest()
    this.creating = !this.creating
  }

  private async suggest(): Promise<void> {
    try {
      this.suggestion = await getJson<FreeSubnet>(targetPath(this.target, '/free-subnet'))
    } catch (e) {
      this.suggestion = undefined
      this.formProblem = `No subnet suggested: ${errorText(e)}`
    }
  }

  private ifaces(pred: (n: TopologyNode) => boolean): TopologyNode[] {
    return (this.topology?.nodes ?? []).filter(pred).sort((a, b) => a.label.localeCompare(b.label))
  }

  private readForm(form: HTMLFormElement): NetworkForm {
    const d = new FormData(form)
    const s = (k: string): string => String(d.get(k) ?? '').trim()
    const f: NetworkForm = { name: s('name'), mode: this.mode }
    if (L3_MODES.has(this.mode)) {
      f.address = s('address')
      if (d.get('dhcp') === 'on') f.dhcp = { start: s('dhcpStart'), end: s('dhcpEnd') }
      if (s('forwardDev') !== '') f.forwardDev = s('forwardDev')
    }
    if (this.mode === 'bridge' || this.mode === 'ovs') f.bridge = s('bridge')
    if (POOL_MODES.has(this.mode)) f.devices = d.getAll('devices').map(String)
    if (this.mode === 'hostdev') f.pf = s('pf')
    return f
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const f = this.readForm(form)
    const d = new FormData(form)
    const start = d.get('start') === 'on'
    const autostart = d.get('autostart') === 'on'
    this.fieldErrors = {}
    this.formProblem = undefined
    const xml = networkXml(f)
    let step = 'define'
    this.busy = `Creating ${f.name}…`
    try {
      await send('POST', targetPath(this.target, '/networks'), { body: xml, type: 'application/xml' })
      if (autostart) {
        step = 'autostart'
        await send('PUT', this.netPath(f.name, '/autostart'), { body: JSON.stringify({ autostart: true }) })
      }
      if (start) {
        step = 'start'
        this.busy = `Starting ${f.name}…`
        await send('POST', this.netPath(f.name, '/start'))
      }
      this.creating = false
      this.message = `Network ${f.name} created${start ? ' and started' : ''}.`
      await this.reload()
    } catch (err) {
      const field = err instanceof ApiError ? fieldOfPath(err.path) : undefined
      const text = step === 'define' ? errorText(err) : `Network ${f.name} was defined, but ${step} failed: ${errorText(err)}`
      if (field !== undefined && step !== 'autostart') this.fieldErrors = { [field]: text }
      else this.formProblem = text
      if (step !== 'define') await this.reload()
    } finally {
      this.busy = undefined
    }
  }

  private preview(e: Event): void {
    const form = (e.target as HTMLElement).closest('form')
    if (form !== null) this.xmlPreview = networkXml(this.readForm(form))
  }

  private fieldError(f: Field): unknown {
    const msg = this.fieldErrors[f]
    return msg === undefined ? nothing : html`<p class="field-error" id=${`err-${f}`} role="alert">${msg}</p>`
  }

  private described(f: Field, help?: string): string {
    return [this.fieldErrors[f] === undefined ? '' : `err-${f}`, help ?? ''].filter((x) => x !== '').join(' ')
  }

  private form(): unknown {
    const s = this.suggestion
    const l3 = L3_MODES.has(this.mode)
    const nics = this.ifaces((n) => n.kind === 'iface' && POOL_TYPES.has(n.type ?? ''))
    const bridges = this.ifaces((n) => (this.mode === 'ovs' ? n.kind === 'ovs-bridge' : n.kind === 'iface' && n.type === 'linux-bridge'))
    return html`<form id="create-form" aria-labelledby="create-h" @submit=${(e: Event) => void this.create(e)}>
      <h3 id="create-h">Create a network</h3>
      <div class="field">
        <label for="net-name">Name</label>
        <input id="net-name" name="name" required maxlength="200" pattern="[^/]+" aria-describedby=${this.described('name', 'name-help')} />
        <span class="help" id="name-help">Any name without '/'.</span>
        ${this.fieldError('name')}
      </div>
      <div class="field">
        <label for="net-mode">Forward mode</label>
        <select id="net-mode" name="mode" @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as FormMode)}>
          ${FORM_MODES.map((m) => html`<option value=${m.id} ?selected=${m.id === this.mode}>${m.title}</option>`)}
        </select>
      </div>
      ${l3
        ? html`
            <div class="field">
              <label for="net-address">Bridge address and prefix</label>
              <input id="net-address" name="address" .value=${s === undefined ? '' : `${s.address}/${s.prefix}`} aria-describedby=${this.described('address', 'address-help')} />
              <span class="help" id="address-help">${s === undefined ? 'e.g. 192.168.100.1/24' : `Suggested: ${s.subnet} is free on this target.`}</span>
              ${this.fieldError('address')}
            </div>
            <fieldset>
              <legend>DHCP</legend>
              <div class="inline">
                <label><input type="checkbox" name="dhcp" checked /> hand out addresses</label>
                <label>from <input name="dhcpStart" .value=${s?.dhcpStart ?? ''} aria-label="DHCP range start" size="15" /></label>
                <label>to <input name="dhcpEnd" .value=${s?.dhcpEnd ?? ''} aria-label="DHCP range end" size="15" /></label>
              </div>
              ${this.fieldError('dhcp')}
            </fieldset>
            ${this.mode === 'nat' || this.mode === 'route'
              ? html`<div class="field">
                  <label for="net-dev">Outbound device (optional)</label>
                  <select id="net-dev" name="forwardDev">
                    <option value="">any</option>
                    ${nics.map((n) => html`<option value=${n.label}>${n.label} (${n.type})</option>`)}
                  </select>
                  ${this.fieldError('forwardDev')}
                </div>`
              : nothing}
          `
        : nothing}
      ${this.mode === 'bridge' || this.mode === 'ovs'
        ? html`<div class="field">
            <label for="net-bridge">${this.mode === 'ovs' ? 'Open vSwitch bridge' : 'Linux bridge'}</label>
            <select id="net-bridge" name="bridge" required aria-describedby=${this.described('bridge')}>
              ${bridges.length === 0 ? html`<option value="">none on this target</option>` : bridges.map((b) => html`<option value=${b.label}>${b.label}</option>`)}
            </select>
            ${this.fieldError('bridge')}
          </div>`
        : nothing}
      ${POOL_MODES.has(this.mode)
        ? html`<fieldset aria-describedby=${this.described('devices')}>
            <legend>Host devices of the pool</legend>
            ${nics.length === 0
              ? html`<p class="muted">No host devices on this target.</p>`
              : nics.map((n) => html`<label><input type="checkbox" name="devices" value=${n.label} /> ${n.label} (${n.type})</label><br />`)}
            ${this.fieldError('devices')}
          </fieldset>`
        : nothing}
      ${this.mode === 'hostdev'
        ? html`<div class="field">
            <label for="net-pf">Physical function (SR-IOV NIC)</label>
            <select id="net-pf" name="pf" aria-describedby=${this.described('pf')}>
              ${nics.filter((n) => n.type === 'ethernet').map((n) => html`<option value=${n.label}>${n.label}</option>`)}
            </select>
            ${this.fieldError('pf')}
          </div>`
        : nothing}
      <div class="inline">
        <label><input type="checkbox" name="start" checked /> start it now</label>
        <label><input type="checkbox" name="autostart" /> start with hostnet serve (autostart)</label>
      </div>
      ${this.formProblem === undefined ? nothing : html`<p class="error" role="alert">${this.formProblem}</p>`}
      <div class="toolbar">
        <button type="submit" ?disabled=${this.busy !== undefined}>Create</button>
        <button type="button" class="secondary" @click=${(e: Event) => this.preview(e)}>Show the XML</button>
      </div>
      ${this.xmlPreview === undefined ? nothing : html`<pre aria-label="The network's XML">${this.xmlPreview}</pre>`}
    </form>`
  }
}

customElements.define('hn-networks', HnNetworks)
