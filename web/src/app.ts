/**
 * <hn-app>: the console's shell. It asks the API who the browser is (GET /session: the session cookie), shows the
 * login when nobody, else the target picker, the navigation and the page of the location's hash:
 *   #/<target>/topology | host | networks | networks/<name> | history
 * It holds the one event stream of the chosen target and hands it to the pages; a viewer's pages render no
 * control that changes anything.
 * @module
 */
import { LitElement, html, css, nothing, type PropertyValues } from 'lit'
import { errorText, getJson, send, setUnauthorizedHandler } from './api.js'
import { ChangeFeed } from './events.js'
import type { ChangeRecord, Session, TargetInfo } from './types.js'
import { shared } from './ui/styles.js'
import { hashOf, PAGES, parseHash, type Route } from './routes.js'
import './pages/login.js'
import './pages/topology.js'
import './pages/host.js'
import './pages/networks.js'
import './pages/network.js'
import './pages/history.js'

export class HnApp extends LitElement {
  static override properties = {
    session: { state: true },
    targets: { state: true },
    route: { state: true },
    problem: { state: true },
    live: { state: true },
  }

  declare session: Session | null | undefined
  declare targets: TargetInfo[]
  declare route: Route
  declare problem: string | undefined
  declare live: 'stream' | 'polling' | 'off'
  feed: ChangeFeed | undefined

  static override styles = [
    shared,
    css`
      :host {
        min-height: 100vh;
        display: flex;
        flex-direction: column;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1.2em;
        padding: 0.5em 1em;
        background: #12324f;
        color: #fff;
      }
      header h1 {
        font-size: 1.15rem;
        margin: 0;
      }
      header a,
      header .who {
        color: #fff;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em 0.3em;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: inline-block;
        padding: 0.3em 0.6em;
        border-radius: 4px;
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: #fff;
        color: #12324f;
        font-weight: 600;
      }
      .spacer {
        flex: 1;
      }
      header label {
        font-weight: normal;
      }
      header select {
        margin-left: 0.3em;
      }
      header button {
        background: #fff;
        color: #12324f;
        border-color: #fff;
      }
      main {
        flex: 1;
        padding: 0.5em 1em 2em;
        min-width: 0;
      }
      .live {
        font-size: 12px;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: 0.5em;
        top: 0.5em;
        background: #fff;
        color: #0b5cad;
        padding: 0.3em;
        z-index: 10;
      }
    `,
  ]

  constructor() {
    super()
    this.session = undefined
    this.targets = []
    this.route = parseHash(location.hash)
    this.problem = undefined
    this.live = 'off'
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('hashchange', this.onHash)
    setUnauthorizedHandler(() => this.loggedOut())
    void this.loadSession()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('hashchange', this.onHash)
    this.feed?.stop()
  }

  private readonly onHash = (): void => {
    this.route = parseHash(location.hash)
  }

  private async loadSession(): Promise<void> {
    try {
      this.session = await getJson<Session>('/session')
    } catch (e) {
      this.session = null
      if ((e as { status?: number }).status !== 401) this.problem = errorText(e)
      return
    }
    await this.loadTargets()
  }

  /** The target list; a location that names a target shows its page at once, without waiting for the list. */
  private async loadTargets(): Promise<void> {
    try {
      this.targets = await getJson<TargetInfo[]>('/targets')
    } catch (e) {
      this.problem = errorText(e)
      return
    }
    if (this.route.target !== undefined) return
    const chosen = this.targets.find((t) => t.kind === 'netns' && t.exists)?.target ?? 'host'
    history.replaceState(null, '', hashOf({ target: chosen, page: this.route.page }))
    this.route = { ...this.route, target: chosen }
  }

  private loggedOut(): void {
    this.feed?.stop()
    this.feed = undefined
    this.session = null
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('route') || changed.has('session')) && this.session != null && this.route.target !== undefined && this.feed?.target !== this.route.target) {
      this.feed?.stop()
      this.feed = new ChangeFeed(this.route.target)
      this.feed.onStatus = (m) => (this.live = m)
      void this.startFeed(this.feed)
    }
  }

  /** Start the stream after the newest change id, so nothing made from now on is missed. */
  private async startFeed(feed: ChangeFeed): Promise<void> {
    let after: number | undefined
    try {
      const [last] = await getJson<ChangeRecord[]>(`/changes?limit=1`)
      after = last?.id
    } catch {
      after = undefined // the stream starts from now
    }
    if (this.feed === feed) feed.start(after)
  }

  private async onLogin(e: CustomEvent<Session>): Promise<void> {
    this.problem = undefined
    this.session = e.detail
    await this.loadTargets()
  }

  private async logout(): Promise<void> {
    try {
      await send('DELETE', '/session')
    } finally {
      this.loggedOut()
    }
  }

  private chooseTarget(e: Event): void {
    const target = (e.target as HTMLSelectElement).value
    location.hash = hashOf({ target, page: this.route.page })
  }

  override render(): unknown {
    if (this.session === undefined) return html`<main><p class="muted" role="status">Loading…</p></main>`
    if (this.session === null) {
      return html`<main id="main">
        ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
        <hn-login @login=${(e: CustomEvent<Session>) => void this.onLogin(e)}></hn-login>
      </main>`
    }
    if (this.route.target === undefined) return html`<main><p class="muted" role="status">Loading…</p></main>`
    const target = this.route.target
    const viewer = this.session.role !== 'admin'
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => this.skip(e)}>Skip to content</a>
      <header>
        <h1>hostnet</h1>
        <nav aria-label="Pages">
          <ul>
            ${PAGES.map(
              (p) => html`<li><a href=${hashOf({ target, page: p.id })} aria-current=${this.route.page === p.id ? 'page' : 'false'}>${p.title}</a></li>`,
            )}
          </ul>
        </nav>
        <span class="spacer"></span>
        <label
          >Target
          <select @change=${(e: Event) => this.chooseTarget(e)}>
            ${this.targetOptions(target).map((t) => html`<option value=${t} ?selected=${t === target}>${t}</option>`)}
          </select></label
        >
        <span class="live" role="status" title="How this page learns about changes">${this.live === 'stream' ? 'live' : this.live === 'polling' ? 'live (polling)' : 'offline'}</span>
        <span class="who">${this.session.principal} (${this.session.role})</span>
        <button class="secondary" @click=${() => void this.logout()}>Log out</button>
      </header>
      <main id="main" tabindex="-1">
        ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`} ${this.page(target, viewer)}
      </main>
    `
  }

  private skip(e: Event): void {
    e.preventDefault()
    this.renderRoot.querySelector<HTMLElement>('main')?.focus()
  }

  private targetOptions(current: string): string[] {
    const all = this.targets.map((t) => t.target)
    return all.includes(current) ? all : [current, ...all]
  }

  private page(target: string, viewer: boolean): unknown {
    const feed = this.feed
    switch (this.route.page) {
      case 'topology':
        return html`<hn-topology .target=${target} .feed=${feed} .viewer=${viewer}></hn-topology>`
      case 'host':
        return html`<hn-host .target=${target} .feed=${feed} .viewer=${viewer}></hn-host>`
      case 'networks':
        return this.route.name === undefined
          ? html`<hn-networks .target=${target} .feed=${feed} .viewer=${viewer}></hn-networks>`
          : html`<hn-network .target=${target} .name=${this.route.name} .feed=${feed} .viewer=${viewer}></hn-network>`
      case 'history':
        return html`<hn-history .target=${target} .feed=${feed}></hn-history>`
    }
  }
}

customElements.define('hn-app', HnApp)
