/**
 * The remote CLI's endpoint: `--url URL [--token T] [--cacert FILE]` before or after the verb, else $HOSTNET_URL,
 * $HOSTNET_TOKEN, $HOSTNET_CACERT. URL: `http://HOST:PORT`, `https://HOST:PORT` or `unix:/path/to/hostnet.sock`.
 * Only the verbs in REMOTE_VERBS run remotely; the others refuse --url.
 * @module
 */
import { ValidationError } from '../errors.js'

export const URL_ENV = 'HOSTNET_URL'
export const TOKEN_ENV = 'HOSTNET_TOKEN'
export const CACERT_ENV = 'HOSTNET_CACERT'

export interface RemoteEndpoint {
  url: string
  token?: string
  cacertFile?: string
}

/** Verbs that run through a remote hostnet's API with the same output and exit statuses. */
export const REMOTE_VERBS: ReadonlySet<string> = new Set([
  'show',
  'diff',
  'apply',
  'commit',
  'rollback',
  'net-list',
  'net-define',
  'net-create',
  'net-start',
  'net-destroy',
  'net-undefine',
  'net-autostart',
  'net-update',
  'net-info',
  'net-dumpxml',
  'net-dhcp-leases',
  'net-port-create',
  'net-port-list',
  'net-port-dumpxml',
  'net-port-delete',
])

let given: { url?: string; token?: string; cacert?: string } = {}

/** The global options as parsed (called before the verb's action runs). */
export function setRemoteOptions(o: { url?: string; token?: string; cacert?: string }, verb: string): void {
  given = o
  const ep = remoteEndpoint()
  if (ep !== undefined && !REMOTE_VERBS.has(verb)) {
    throw new ValidationError(`'${verb}' cannot run on a remote hostnet (--url or $${URL_ENV}); remote verbs: ${[...REMOTE_VERBS].join(', ')}`, {
      path: '--url',
      value: ep.url,
    })
  }
}

export function remoteEndpoint(env: Readonly<Record<string, string | undefined>> = process.env): RemoteEndpoint | undefined {
  const url = given.url ?? nonEmpty(env[URL_ENV])
  if (url === undefined) return undefined
  const token = given.token ?? nonEmpty(env[TOKEN_ENV])
  const cacertFile = given.cacert ?? nonEmpty(env[CACERT_ENV])
  return { url, ...(token === undefined ? {} : { token }), ...(cacertFile === undefined ? {} : { cacertFile }) }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v
}
