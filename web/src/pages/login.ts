/**
 * <hn-login>: log in with a host account (checked by the server through PAM) or an API token. POST /session
 * sets the HttpOnly session cookie; the element fires `login` with the session.
 * @module
 */
import { LitElement, html, css, nothing } from 'lit'
import { errorText, send } from '../api.js'
import type { Session } from '../types.js'
import { shared } from '../ui/styles.js'

export class HnLogin extends LitElement {
  static override properties = { busy: { state: true }, problem: { state: true }, mode: { state: true } }
  declare busy: boolean
  declare problem: string | undefined
  declare mode: 'account' | 'token'

  static override styles = [
    shared,
    css`
      form {
        max-width: 24em;
        margin: 3em auto;
        padding: 1.5em;
        border: 1px solid #d0d7de;
        border-radius: 6px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 0.2em;
        margin: 0.8em 0;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0.5em 0;
        display: flex;
        gap: 1em;
      }
      legend {
        font-weight: 600;
        margin-bottom: 0.3em;
      }
      fieldset label {
        font-weight: normal;
      }
    `,
  ]

  constructor() {
    super()
    this.busy = false
    this.problem = undefined
    this.mode = 'account'
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const data = new FormData(form)
    const body = this.mode === 'token' ? { token: String(data.get('token') ?? '') } : { username: String(data.get('username') ?? ''), password: String(data.get('password') ?? '') }
    this.busy = true
    this.problem = undefined
    try {
      const s = await send<Session>('POST', '/session', { body: JSON.stringify(body) })
      this.dispatchEvent(new CustomEvent('login', { detail: s, bubbles: true, composed: true }))
    } catch (err) {
      this.problem = errorText(err)
    } finally {
      this.busy = false
    }
  }

  override render(): unknown {
    return html`
      <form @submit=${(e: Event) => void this.submit(e)} aria-labelledby="login-title">
        <h2 id="login-title">Log in to hostnet</h2>
        <fieldset>
          <legend>With</legend>
          <label><input type="radio" name="mode" value="account" ?checked=${this.mode === 'account'} @change=${() => (this.mode = 'account')} /> host account</label>
          <label><input type="radio" name="mode" value="token" ?checked=${this.mode === 'token'} @change=${() => (this.mode = 'token')} /> API token</label>
        </fieldset>
        ${this.mode === 'account'
          ? html`
              <div class="field"><label for="username">User name</label><input id="username" name="username" autocomplete="username" required /></div>
              <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required /></div>
            `
          : html`<div class="field"><label for="token">Token</label><input id="token" name="token" type="password" autocomplete="off" required /></div>`}
        ${this.problem === undefined ? nothing : html`<p class="error" role="alert">${this.problem}</p>`}
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
        <p class="muted">Admins change things; viewers (the read-only socket, viewer tokens, accounts outside hostnet-admin) only look.</p>
      </form>
    `
  }
}

customElements.define('hn-login', HnLogin)
