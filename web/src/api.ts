/**
 * The console's only way to the server: hostnet's public REST API (/api/v1), with the session cookie the login
 * set. Errors come back as the API's problem documents: an ApiError carries the message (`detail`, the CLI's
 * text), the kind, and the field the server named (`details.path`) so a form can show it next to that field.
 * @module
 */

export const API = '/api/v1'

export interface Problem {
  type?: string
  title?: string
  status: number
  detail: string
  kind?: string
  details?: { path?: string; value?: unknown; object?: string; [k: string]: unknown }
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail)
    this.name = 'ApiError'
  }

  get status(): number {
    return this.problem.status
  }

  /** The field the server named (`/network/ip[1]`, `body`, `query.prefix`), if any. */
  get path(): string | undefined {
    return typeof this.problem.details?.path === 'string' ? this.problem.details.path : undefined
  }
}

export interface RequestOptions {
  body?: string
  type?: string
  accept?: string
  signal?: AbortSignal
}

/** Called when the server says the session is gone (401): the app shows the login again. */
let onUnauthorized: (() => void) | undefined
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text()
  try {
    const p = JSON.parse(text) as Partial<Problem>
    if (typeof p.detail === 'string') return { ...p, status: res.status, detail: p.detail } as Problem
  } catch {
    // not a problem document (a proxy's page): the status line says it
  }
  return { status: res.status, detail: `${res.status} ${res.statusText}`.trim() }
}

export async function request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: o.accept ?? 'application/json' }
  if (o.body !== undefined) headers['content-type'] = o.type ?? 'application/json'
  const init: RequestInit = { method, headers, credentials: 'same-origin', ...(o.body === undefined ? {} : { body: o.body }), ...(o.signal === undefined ? {} : { signal: o.signal }) }
  const res = await fetch(path.startsWith('/') && !path.startsWith(API) ? API + path : path, init)
  if (!res.ok) {
    const problem = await problemOf(res)
    if (res.status === 401 && !path.endsWith('/session')) onUnauthorized?.()
    throw new ApiError(problem)
  }
  return res
}

export async function getJson<T>(path: string, o: RequestOptions = {}): Promise<T> {
  return (await (await request('GET', path, o)).json()) as T
}

export async function getText(path: string, accept: string, o: RequestOptions = {}): Promise<string> {
  return (await request('GET', path, { ...o, accept })).text()
}

/** A change: POST/PUT/DELETE; the answer's JSON, or undefined for 204. */
export async function send<T = unknown>(method: 'POST' | 'PUT' | 'DELETE', path: string, o: RequestOptions = {}): Promise<T | undefined> {
  const res = await request(method, path, o)
  if (res.status === 204) return undefined
  const text = await res.text()
  return text === '' ? undefined : (JSON.parse(text) as T)
}

/** `/targets/netns%3Alab` */
export function targetPath(target: string, rest = ''): string {
  return `/targets/${encodeURIComponent(target)}${rest}`
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}
