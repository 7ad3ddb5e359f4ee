/**
 * The request/answer loop the guest clients share: send, resend every `retryMs` until an answer settles the
 * exchange or `timeoutMs` passes ('timeout'), and close the socket whatever the outcome.
 * @module
 */
import type { Socket } from 'node:dgram'
import { HostnetError } from '../../errors.js'

export interface Settle<T> {
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

export interface UdpExchangeOptions<T> {
  socket: Socket
  /** Sends the current request: at the start (unless `start` does) and every `retryMs`. */
  send: () => void
  retryMs: number
  timeoutMs: number
  /** The timeout error's message (default 'no answer'). */
  noAnswer?: () => string
  /** One datagram: ignore it, or settle the exchange. */
  onMessage: (msg: Buffer, settle: Settle<T>) => void
  /** Begins the exchange (e.g. bind, then send); default: send. */
  start?: () => void
}

export function udpExchange<T>(o: UdpExchangeOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const retry = setInterval(o.send, o.retryMs)
    let done = false
    const finish = (fn: () => void): void => {
      if (done) return
      done = true
      clearInterval(retry)
      clearTimeout(deadline)
      o.socket.close()
      fn()
    }
    const deadline = setTimeout(() => finish(() => reject(new HostnetError('timeout', o.noAnswer?.() ?? 'no answer'))), o.timeoutMs)
    const settle: Settle<T> = { resolve: (v) => finish(() => resolve(v)), reject: (e) => finish(() => reject(e)) }
    o.socket.on('error', (e) => settle.reject(e))
    o.socket.on('message', (msg: Buffer) => o.onMessage(msg, settle))
    ;(o.start ?? o.send)()
  })
}
