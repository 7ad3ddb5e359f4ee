/**
 * Which libvirtd a URI names: hostnet talks to a local daemon over its Unix socket, as libvirt's remote driver
 * does for `qemu:///system` (`/run/libvirt/libvirt-sock`, or the modular daemon's `virtqemud-sock`), or the
 * socket given with `?socket=PATH` (a private libvirtd, e.g. a sandbox's). Remote transports (ssh, tls, tcp) are
 * refused: run hostnet on the host whose libvirtd it manages.
 * @module
 */
import { existsSync } from 'node:fs'
import { HostnetError } from '../../errors.js'

export const DEFAULT_LIBVIRT_URI = 'qemu:///system'
const SYSTEM_SOCKETS = ['/run/libvirt/libvirt-sock', '/run/libvirt/virtqemud-sock', '/var/run/libvirt/libvirt-sock']

export interface LibvirtEndpoint {
  /** The URI sent to the daemon (transport and socket parameter removed), e.g. `qemu:///system`. */
  name: string
  socket: string
}

export function parseLibvirtUri(uri: string): LibvirtEndpoint {
  if (uri.length > 4096) throw new HostnetError('invalid-argument', 'libvirt URI longer than 4096 characters')
  const m = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\/([^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(uri)
  if (m === null) throw new HostnetError('invalid-argument', `invalid libvirt URI '${uri.slice(0, 200)}': expected e.g. qemu:///system`, { details: { path: '--libvirt-uri', value: uri.slice(0, 200) } })
  const [, driver, transport, host, path = '/system', query = ''] = m
  if ((transport !== undefined && transport !== 'unix') || (host !== undefined && host !== '')) {
    throw new HostnetError('not-supported', `libvirt URI '${uri.slice(0, 200)}' is remote: hostnet talks to the local libvirtd only`, { details: { path: '--libvirt-uri' } })
  }
  let socket: string | undefined
  for (const part of query.split('&')) {
    if (part.startsWith('socket=')) socket = decodeURIComponent(part.slice('socket='.length))
  }
  const name = `${driver}://${path}`
  if (socket === undefined) socket = SYSTEM_SOCKETS.find((s) => existsSync(s)) ?? SYSTEM_SOCKETS[0]!
  if (!socket.startsWith('/')) throw new HostnetError('invalid-argument', `libvirt socket '${socket.slice(0, 200)}' is not an absolute path`)
  return { name, socket }
}

/** `qemu:///system?socket=PATH`: the URI of a private libvirtd listening on PATH. */
export function privateLibvirtUri(socket: string): string {
  return `${DEFAULT_LIBVIRT_URI}?socket=${socket}`
}
