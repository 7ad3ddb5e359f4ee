/**
 * The API's listeners, libvirt's model: a read-write Unix socket for admins (mode 0660, group hostnet-admin) and
 * a read-only one for viewers (mode 0666), made ready under a temporary name and renamed into place so no
 * client ever sees them with other permissions; optional TCP with TLS, or plain HTTP on loopback only.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import * as net from 'node:net'
import { join, resolve } from 'node:path'
import { HostnetError } from '../errors.js'
import { DEFAULT_STATE_DIR } from '../store/state-dir.js'

export const DEFAULT_SOCKET_DIR = '/run/hostnet'
export const SOCKET_DIR_ENV = 'HOSTNET_SOCKET_DIR'
export const RW_SOCKET = 'hostnet.sock'
export const RO_SOCKET = 'hostnet-ro.sock'
export const ADMIN_GROUP_NAME = 'hostnet-admin'

/**
 * Where the sockets go: --socket-dir, else $HOSTNET_SOCKET_DIR, else /run/hostnet for the default store, else
 * `<stateDir>/api` (each store has its own sockets, so two serves of two stores never collide).
 */
export function resolveSocketDir(flag: string | undefined, stateDir: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = flag ?? (env[SOCKET_DIR_ENV] === '' ? undefined : env[SOCKET_DIR_ENV])
  if (given !== undefined) return resolve(given)
  return resolve(stateDir) === DEFAULT_STATE_DIR ? DEFAULT_SOCKET_DIR : join(resolve(stateDir), 'api')
}

/** The gid of a group (getent), or undefined when there is no such group. */
export function groupId(name: string): number | undefined {
  const r = spawnSync('getent', ['group', name], { encoding: 'utf8' })
  if (r.status !== 0) return undefined
  const gid = Number(r.stdout.split(':')[2])
  return Number.isInteger(gid) ? gid : undefined
}

/** Whether something accepts connections on the socket path. */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect(path)
    s.once('connect', () => {
      s.destroy()
      res(true)
    })
    s.once('error', () => res(false))
  })
}

/** Remove a stale socket left by a dead server; refuse to take over a living one or a non-socket file. */
async function clearSocketPath(path: string): Promise<void> {
  let st
  try {
    st = lstatSync(path)
  } catch {
    return
  }
  if (!st.isSocket()) throw new HostnetError('conflict', `'${path}' exists and is not a socket: not replacing it`)
  if (await socketInUse(path)) throw new HostnetError('conflict', `another server listens on '${path}' (another hostnet serve?)`)
  rmSync(path, { force: true })
}

export interface UnixListenOptions {
  path: string
  mode: number
  gid?: number
}

/** Listen on a Unix socket with its final mode and group before it appears under its name. */
export async function listenUnix(server: net.Server, o: UnixListenOptions): Promise<void> {
  await clearSocketPath(o.path)
  const tmp = `${o.path}.${process.pid}.tmp`
  rmSync(tmp, { force: true })
  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(tmp, () => {
      server.off('error', rej)
      res()
    })
  })
  try {
    chmodSync(tmp, o.mode)
    if (o.gid !== undefined) chownSync(tmp, process.getuid?.() ?? 0, o.gid)
    renameSync(tmp, o.path)
  } catch (e) {
    server.close()
    rmSync(tmp, { force: true })
    throw new HostnetError('backend-failure', `cannot prepare the socket '${o.path}': ${(e as Error).message}`, { cause: e })
  }
}

export function ensureSocketDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 })
  } catch (e) {
    throw new HostnetError('permission', `cannot create the socket directory '${dir}': ${(e as Error).message}`, { cause: e })
  }
}

export interface TcpAddress {
  host: string
  port: number
}

/** `ADDR:PORT`, `[v6]:PORT`. */
export function parseListenAddress(s: string): TcpAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s)
  const port = m === null ? NaN : Number(m[3])
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HostnetError('invalid-argument', `invalid --listen '${s}': expected ADDR:PORT (e.g. 127.0.0.1:8443 or [::1]:8443; port 0: any free port)`)
  }
  return { host: m[1] ?? m[2]!, port }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  if (net.isIPv4(host)) return host.startsWith('127.')
  return false
}
