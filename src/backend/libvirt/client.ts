/**
 * The libvirt procedures hostnet calls, typed: the connection handshake (auth list, polkit when the daemon asks
 * for it, open), and the domain verbs the Kimchi facade needs (list, lookup, XML, define, undefine, start, stop,
 * state, attach/detach/update device). One LibvirtClient holds one connection and reopens it when it was lost.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { RpcConnection } from './rpc.js'
import { XdrReader, XdrWriter } from './xdr.js'
import { parseLibvirtUri, type LibvirtEndpoint } from './uri.js'

export const PROC = {
  CONNECT_OPEN: 1,
  CONNECT_CLOSE: 2,
  DOMAIN_DESTROY: 12,
  DOMAIN_GET_XML_DESC: 14,
  DOMAIN_LOOKUP_BY_NAME: 23,
  DOMAIN_SHUTDOWN: 33,
  AUTH_LIST: 66,
  AUTH_POLKIT: 70,
  DOMAIN_IS_PERSISTENT: 151,
  DOMAIN_ATTACH_DEVICE_FLAGS: 160,
  DOMAIN_DETACH_DEVICE_FLAGS: 161,
  DOMAIN_UPDATE_DEVICE_FLAGS: 174,
  DOMAIN_CREATE_WITH_FLAGS: 196,
  DOMAIN_GET_STATE: 212,
  DOMAIN_UNDEFINE_FLAGS: 231,
  CONNECT_LIST_ALL_DOMAINS: 273,
  DOMAIN_DEFINE_XML_FLAGS: 350,
} as const

const AUTH_NONE = 0
const AUTH_POLKIT = 2

/** virDomainModificationImpact. */
export const AFFECT_LIVE = 1
export const AFFECT_CONFIG = 2
/** VIR_DOMAIN_XML_INACTIVE. */
export const XML_INACTIVE = 2

/** virDomainState, as names. */
export const DOMAIN_STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const
export type DomainState = (typeof DOMAIN_STATES)[number]

export interface DomainRef {
  name: string
  /** 16 bytes. */
  uuid: Buffer
  /** -1 when not running. */
  id: number
}

export function uuidText(u: Buffer): string {
  const h = u.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

function readDomain(r: XdrReader): DomainRef {
  const name = r.string('domain name')
  const uuid = Buffer.from(r.fixedOpaque(16, 'domain uuid'))
  const id = r.int('domain id')
  return { name, uuid, id }
}

function writeDomain(w: XdrWriter, d: DomainRef): XdrWriter {
  return w.string(d.name).fixedOpaque(d.uuid).int(d.id)
}

export class LibvirtClient {
  private conn: RpcConnection | undefined
  private opening: Promise<RpcConnection> | undefined
  readonly endpoint: LibvirtEndpoint

  constructor(readonly uri: string) {
    this.endpoint = parseLibvirtUri(uri)
  }

  /** The open connection (opened, or reopened after a loss, on first use). */
  private async connection(): Promise<RpcConnection> {
    if (this.conn !== undefined && !this.conn.closed) return this.conn
    this.opening ??= this.open().finally(() => (this.opening = undefined))
    return this.opening
  }

  private async open(): Promise<RpcConnection> {
    const c = await RpcConnection.connect(this.endpoint.socket)
    try {
      const types = new XdrReader(await c.call(PROC.AUTH_LIST)).array((r) => r.int('auth type'), 'auth types', 20)
      if (types.length > 0 && !types.includes(AUTH_NONE)) {
        if (!types.includes(AUTH_POLKIT)) throw new HostnetError('not-supported', `libvirt at ${this.uri} asks for SASL authentication, which hostnet does not speak`)
        const complete = new XdrReader(await c.call(PROC.AUTH_POLKIT)).int('polkit answer')
        if (complete === 0) throw new HostnetError('permission', `polkit refused access to libvirt at ${this.uri}`)
      }
      await c.call(PROC.CONNECT_OPEN, new XdrWriter().optString(this.endpoint.name).uint(0))
    } catch (e) {
      c.close()
      throw e
    }
    this.conn = c
    return c
  }

  async call(proc: number, args?: XdrWriter): Promise<XdrReader> {
    return new XdrReader(await (await this.connection()).call(proc, args))
  }

  close(): void {
    const c = this.conn
    this.conn = undefined
    if (c === undefined || c.closed) return
    void c.call(PROC.CONNECT_CLOSE, undefined, 2000).catch(() => undefined).finally(() => c.close())
  }

  /** Every domain, running or defined (virConnectListAllDomains). */
  async listDomains(): Promise<DomainRef[]> {
    const r = await this.call(PROC.CONNECT_LIST_ALL_DOMAINS, new XdrWriter().int(1).uint(0))
    return r.array(readDomain, 'domains')
  }

  async lookup(name: string): Promise<DomainRef> {
    return readDomain(await this.call(PROC.DOMAIN_LOOKUP_BY_NAME, new XdrWriter().string(name)))
  }

  async xml(d: DomainRef, opts: { inactive?: boolean } = {}): Promise<string> {
    return (await this.call(PROC.DOMAIN_GET_XML_DESC, writeDomain(new XdrWriter(), d).uint(opts.inactive === true ? XML_INACTIVE : 0))).string('domain XML')
  }

  async state(d: DomainRef): Promise<DomainState> {
    const r = await this.call(PROC.DOMAIN_GET_STATE, writeDomain(new XdrWriter(), d).uint(0))
    return DOMAIN_STATES[r.int('state')] ?? 'nostate'
  }

  async isPersistent(d: DomainRef): Promise<boolean> {
    return (await this.call(PROC.DOMAIN_IS_PERSISTENT, writeDomain(new XdrWriter(), d))).int('persistent') === 1
  }

  async define(xml: string): Promise<DomainRef> {
    return readDomain(await this.call(PROC.DOMAIN_DEFINE_XML_FLAGS, new XdrWriter().string(xml).uint(0)))
  }

  async undefine(d: DomainRef): Promise<void> {
    await this.call(PROC.DOMAIN_UNDEFINE_FLAGS, writeDomain(new XdrWriter(), d).uint(0))
  }

  async start(d: DomainRef): Promise<void> {
    await this.call(PROC.DOMAIN_CREATE_WITH_FLAGS, writeDomain(new XdrWriter(), d).uint(0))
  }

  /** Power off at once (virDomainDestroy). */
  async destroy(d: DomainRef): Promise<void> {
    await this.call(PROC.DOMAIN_DESTROY, writeDomain(new XdrWriter(), d))
  }

  /** Ask the guest to shut down (ACPI). */
  async shutdown(d: DomainRef): Promise<void> {
    await this.call(PROC.DOMAIN_SHUTDOWN, writeDomain(new XdrWriter(), d))
  }

  /** Device changes; `flags`: AFFECT_CONFIG and/or AFFECT_LIVE. */
  async attachDevice(d: DomainRef, xml: string, flags: number): Promise<void> {
    await this.call(PROC.DOMAIN_ATTACH_DEVICE_FLAGS, writeDomain(new XdrWriter(), d).string(xml).uint(flags))
  }

  async detachDevice(d: DomainRef, xml: string, flags: number): Promise<void> {
    await this.call(PROC.DOMAIN_DETACH_DEVICE_FLAGS, writeDomain(new XdrWriter(), d).string(xml).uint(flags))
  }

  async updateDevice(d: DomainRef, xml: string, flags: number): Promise<void> {
    await this.call(PROC.DOMAIN_UPDATE_DEVICE_FLAGS, writeDomain(new XdrWriter(), d).string(xml).uint(flags))
  }
}
