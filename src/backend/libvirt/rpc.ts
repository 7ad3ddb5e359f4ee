/**
 * A connection to libvirtd speaking its RPC protocol (the one libvirt's own remote driver and virsh speak) over
 * the daemon's Unix socket: each message is a 4-byte length, a 24-byte header (program, version, procedure, type,
 * serial, status) and an XDR payload. Calls carry a serial and run concurrently; replies are matched by serial.
 * The daemon's keepalive pings are answered; other asynchronous messages (events: none are registered) are
 * dropped. Incoming messages are bounded (VIR_NET_MESSAGE_MAX); a malformed one closes the connection.
 *
 * Why RPC and not virsh argv: the facade asks libvirt on nearly every request (which domains use a network is
 * part of every network's representation); a virsh process costs ~100 ms here, a call on an open connection a
 * fraction of a millisecond, and a long-lived connection is what Kimchi itself holds.
 * @module
 */
import * as net from 'node:net'
import { HostnetError } from '../../errors.js'
import { XdrReader, XdrWriter } from './xdr.js'

export const REMOTE_PROGRAM = 0x20008086
export const REMOTE_PROTOCOL_VERSION = 1
export const KEEPALIVE_PROGRAM = 0x6b656570
const KEEPALIVE_PING = 1
const KEEPALIVE_PONG = 2

const TYPE_CALL = 0
const TYPE_REPLY = 1
const TYPE_MESSAGE = 2
const STATUS_OK = 0
const STATUS_ERROR = 1

/** Largest message accepted from the daemon (libvirt's VIR_NET_MESSAGE_MAX). */
export const MESSAGE_MAX_BYTES = 32 * 1024 * 1024
const HEADER_BYTES = 24
export const DEFAULT_CALL_TIMEOUT_MS = 60_000

/** libvirt error codes the facade tells apart (virErrorNumber). */
export const VIR_ERR_NO_DOMAIN = 42
export const VIR_ERR_OPERATION_INVALID = 55
export const VIR_ERR_NO_SUPPORT = 3

/** An error libvirt answered (its virError: code, domain, message). */
export class LibvirtError extends HostnetError {
  constructor(
    readonly code: number,
    readonly domain: number,
    message: string,
    readonly proc: number,
  ) {
    super(code === VIR_ERR_NO_DOMAIN ? 'not-found' : code === VIR_ERR_OPERATION_INVALID ? 'conflict' : 'backend-failure', message, { details: { libvirtCode: code, libvirtDomain: domain } })
    this.name = 'LibvirtError'
  }
}

interface Pending {
  proc: number
  resolve: (payload: Buffer) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

export function encodeMessage(prog: number, proc: number, type: number, serial: number, status: number, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + HEADER_BYTES + payload.length)
  out.writeUInt32BE(out.length, 0)
  out.writeUInt32BE(prog >>> 0, 4)
  out.writeUInt32BE(REMOTE_PROTOCOL_VERSION, 8)
  out.writeInt32BE(proc, 12)
  out.writeInt32BE(type, 16)
  out.writeUInt32BE(serial >>> 0, 20)
  out.writeInt32BE(status, 24)
  out.set(payload, 4 + HEADER_BYTES)
  return out
}

export interface MessageHeader {
  prog: number
  vers: number
  proc: number
  type: number
  serial: number
  status: number
}

export function decodeHeader(msg: Buffer): MessageHeader {
  return { prog: msg.readUInt32BE(4), vers: msg.readUInt32BE(8), proc: msg.readInt32BE(12), type: msg.readInt32BE(16), serial: msg.readUInt32BE(20), status: msg.readInt32BE(24) }
}

/** remote_error: code, domain, message, level, dom, str1..3, int1, int2, net. */
export function decodeError(payload: Buffer, proc: number): LibvirtError {
  const r = new XdrReader(payload)
  const code = r.int('error code')
  const domain = r.int('error domain')
  const message = r.optString('error message') ?? `libvirt error ${code}`
  return new LibvirtError(code, domain, message, proc)
}

export class RpcConnection {
  private serial = 1
  private readonly pending = new Map<number, Pending>()
  private chunks: Buffer[] = []
  private buffered = 0
  private closedError: Error | undefined

  private constructor(
    private readonly socket: net.Socket,
    readonly path: string,
    private readonly callTimeoutMs: number,
  ) {
    socket.on('data', (b: Buffer) => this.onData(b))
    socket.on('error', (e) => this.fail(new HostnetError('backend-failure', `libvirt connection ${path}: ${e.message}`, { cause: e })))
    socket.on('close', () => this.fail(new HostnetError('backend-failure', `libvirt connection ${path} closed`)))
  }

  /** Connect to a libvirtd socket (no libvirt handshake: see LibvirtClient). */
  static connect(path: string, opts: { timeoutMs?: number; callTimeoutMs?: number } = {}): Promise<RpcConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new HostnetError('timeout', `no answer from libvirt's socket ${path}`))
      }, opts.timeoutMs ?? 10_000)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new RpcConnection(socket, path, opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS))
      })
      socket.once('error', (e) => {
        clearTimeout(timer)
        reject(new HostnetError('dependency', `cannot connect to libvirt's socket ${path}: ${e.message}`, { cause: e }))
      })
    })
  }

  get closed(): boolean {
    return this.closedError !== undefined
  }

  /** Call a procedure of the remote program; resolves with the reply's payload, rejects with a LibvirtError. */
  call(proc: number, args: XdrWriter | undefined = undefined, timeoutMs = this.callTimeoutMs): Promise<Buffer> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError)
    const serial = this.serial
    this.serial = this.serial >= 0x7fffffff ? 1 : this.serial + 1
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial)
        reject(new HostnetError('timeout', `libvirt did not answer procedure ${proc} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(serial, { proc, resolve, reject, timer })
      this.socket.write(encodeMessage(REMOTE_PROGRAM, proc, TYPE_CALL, serial, STATUS_OK, args?.bytes() ?? Buffer.alloc(0)))
    })
  }

  close(): void {
    this.fail(new HostnetError('backend-failure', `libvirt connection ${this.path} closed`))
    this.socket.destroy()
  }

  private fail(e: Error): void {
    if (this.closedError === undefined) this.closedError = e
    for (const [serial, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(e)
      this.pending.delete(serial)
    }
  }

  private onData(b: Buffer): void {
    this.chunks.push(b)
    this.buffered += b.length
    while (this.buffered >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
      this.chunks = [head]
      const len = head.readUInt32BE(0)
      if (len < 4 + HEADER_BYTES || len > MESSAGE_MAX_BYTES) {
        this.fail(new HostnetError('backend-failure', `libvirt sent a message of ${len} bytes: not libvirt's protocol`))
        this.socket.destroy()
        return
      }
      if (this.buffered < len) return
      const msg = head.subarray(0, len)
      const rest = head.subarray(len)
      this.chunks = rest.length > 0 ? [rest] : []
      this.buffered = rest.length
      this.onMessage(Buffer.from(msg))
    }
  }

  private onMessage(msg: Buffer): void {
    const h = decodeHeader(msg)
    const payload = msg.subarray(4 + HEADER_BYTES)
    if (h.prog === KEEPALIVE_PROGRAM) {
      if (h.proc === KEEPALIVE_PING) this.socket.write(encodeMessage(KEEPALIVE_PROGRAM, KEEPALIVE_PONG, TYPE_MESSAGE, 0, STATUS_OK, Buffer.alloc(0)))
      return
    }
    if (h.prog !== REMOTE_PROGRAM || h.type !== TYPE_REPLY) return // events and streams: not asked for
    const p = this.pending.get(h.serial)
    if (p === undefined) return
    this.pending.delete(h.serial)
    clearTimeout(p.timer)
    if (h.status === STATUS_OK) p.resolve(payload)
    else if (h.status === STATUS_ERROR) {
      try {
        p.reject(decodeError(payload, p.proc))
      } catch (e) {
        p.reject(e as Error)
      }
    } else p.reject(new HostnetError('backend-failure', `libvirt answered procedure ${p.proc} with status ${h.status}`))
  }
}
