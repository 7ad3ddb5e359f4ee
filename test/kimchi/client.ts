/**
 * A small HTTP client for the black-box Kimchi suite: a base URL (`http://`, `https://` or `unix:/path/to/sock`),
 * HTTP Basic credentials or a session cookie, JSON in and out. Nothing here knows hostnet.
 * @module
 */
import * as http from 'node:http'
import * as https from 'node:https'

/** HTTP Basic (what wok takes), or a bearer token (hostnet's API tokens). */
export type Credentials = { user: string; password: string } | { token: string }

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  json: any
}

export interface CallOptions {
  /** A JSON value (sent as application/json), or raw text with `type`. */
  body?: unknown
  raw?: string
  type?: string
  /** undefined: the client's credentials; null: none. */
  auth?: Credentials | null
  cookie?: string
  headers?: Record<string, string>
}

export class KimchiClient {
  private readonly agent: http.Agent

  constructor(
    readonly base: string,
    readonly auth?: Credentials,
    private readonly ca?: Buffer,
  ) {
    this.agent = base.startsWith('https:') ? new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) }) : new http.Agent({ keepAlive: true })
  }

  close(): void {
    this.agent.destroy()
  }

  as(auth: Credentials | undefined): KimchiClient {
    return new KimchiClient(this.base, auth, this.ca)
  }

  call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...(o.headers ?? {}) }
    const auth = o.auth === undefined ? this.auth : o.auth
    if (auth !== null && auth !== undefined) headers['authorization'] = 'token' in auth ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
    if (o.cookie !== undefined) headers['cookie'] = o.cookie
    let body: Buffer | undefined
    if (o.raw !== undefined) body = Buffer.from(o.raw)
    else if (o.body !== undefined) body = Buffer.from(JSON.stringify(o.body))
    if (body !== undefined) {
      headers['content-type'] = o.type ?? 'application/json'
      headers['content-length'] = String(body.length)
    }
    let where: http.RequestOptions
    let mod: typeof http | typeof https = http
    if (this.base.startsWith('unix:')) where = { socketPath: this.base.slice('unix:'.length), path }
    else {
      const u = new URL(path, this.base)
      where = { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search }
      if (u.protocol === 'https:') mod = https
    }
    // a kept-alive connection the server closed meanwhile: asked again once, on a new connection (as Node advises)
    const send = (retry: boolean): Promise<Answer> => new Promise((resolve, reject) => {
      const r = mod.request({ ...where, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = text === '' ? undefined : JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
        res.on('error', reject)
      })
      r.on('error', (e: NodeJS.ErrnoException) => {
        if (retry && r.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) send(false).then(resolve, reject)
        else reject(e)
      })
      r.end(body)
    })
    return send(true)
  }

  get(path: string, o: CallOptions = {}): Promise<Answer> {
    return this.call('GET', path, o)
  }

  post(path: string, body: unknown = {}, o: CallOptions = {}): Promise<Answer> {
    return this.call('POST', path, { body, ...o })
  }

  put(path: string, body: unknown, o: CallOptions = {}): Promise<Answer> {
    return this.call('PUT', path, { body, ...o })
  }

  del(path: string, o: CallOptions = {}): Promise<Answer> {
    return this.call('DELETE', path, o)
  }
}

/** The path of a resource under /plugins/kimchi, each part percent-encoded. */
export function kpath(...parts: string[]): string {
  return `/plugins/kimchi/${parts.map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/')}`
}
