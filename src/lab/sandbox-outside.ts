/**
 * The sandbox's "outside": a namespace `NAME-out` standing for the world beyond the host, connected to the
 * sandbox namespace by a veth (`up0` 203.0.113.1/24 in the sandbox, `out0` 203.0.113.2/24 outside; TEST-NET-3
 * documentation addresses that stay between the two namespaces). The sandbox's default route points there; the
 * outside has no route back to guest subnets, so a guest reaches it only through NAT (or, for a routed network,
 * once a route back is added). Made on demand by `sandbox guest add`, removed with the sandbox.
 * @module
 */
import { LinkLayer } from '../backend/iproute2/index.js'
import { HostnetError } from '../errors.js'
import { parseIpAddr } from '../model/values/ip.js'
import { createNetns, deleteNetns, netnsExists, NETNS_NAME_MAX, type NetnsOptions } from '../sys/netns.js'

export const OUTSIDE_SUFFIX = '-out'
export const UPLINK_IF = 'up0'
export const OUTSIDE_IF = 'out0'
export const UPLINK_ADDR = '203.0.113.1'
export const OUTSIDE_ADDR = '203.0.113.2'
export const OUTSIDE_PREFIX = 24

export function outsideNetnsName(sandbox: string): string {
  if (Buffer.byteLength(sandbox, 'utf8') + OUTSIDE_SUFFIX.length > NETNS_NAME_MAX) {
    throw new HostnetError('invalid-argument', `sandbox name '${sandbox}' leaves no room for the suffix '${OUTSIDE_SUFFIX}'`)
  }
  return `${sandbox}${OUTSIDE_SUFFIX}`
}

/** Make the outside of sandbox `name` unless it exists; returns the outside's namespace name. */
export async function ensureSandboxOutside(name: string, opts: NetnsOptions = {}): Promise<string> {
  const out = outsideNetnsName(name)
  if (!netnsExists(name, opts)) throw new HostnetError('not-found', `sandbox '${name}' does not exist (hostnet sandbox create --name ${name})`)
  if (netnsExists(out, opts)) return out
  const links = new LinkLayer(opts.runner === undefined ? {} : { runner: opts.runner })
  const uplink = { addr: parseIpAddr(UPLINK_ADDR), prefix: OUTSIDE_PREFIX }
  const outside = { addr: parseIpAddr(OUTSIDE_ADDR), prefix: OUTSIDE_PREFIX }
  await createNetns(out, opts)
  try {
    await links.apply({ kind: 'netns', name }, [
      { kind: 'link.add', name: UPLINK_IF, type: { kind: 'veth', peer: { name: OUTSIDE_IF, netns: out } } },
      { kind: 'addr.add', dev: UPLINK_IF, address: uplink },
      { kind: 'link.set', name: UPLINK_IF, state: 'up' },
      { kind: 'link.set', name: 'lo', state: 'up' },
      { kind: 'route.replace', destination: 'default', via: outside.addr },
    ], `connect sandbox '${name}' to its outside`)
    await links.apply({ kind: 'netns', name: out }, [
      { kind: 'link.set', name: 'lo', state: 'up' },
      { kind: 'addr.add', dev: OUTSIDE_IF, address: outside },
      { kind: 'link.set', name: OUTSIDE_IF, state: 'up' },
    ], `set up the outside of sandbox '${name}'`)
  } catch (e) {
    await deleteNetns(out, opts) // the veth goes with it
    throw e
  }
  return out
}

/** Remove the outside (idempotent); returns whether it existed. */
export async function removeSandboxOutside(name: string, opts: NetnsOptions = {}): Promise<boolean> {
  return deleteNetns(outsideNetnsName(name), opts)
}

/** Guest namespaces of sandbox NAME are `NAME-g-GUEST`. */
export const GUEST_INFIX = '-g-'

export function guestNetnsName(sandbox: string, guest: string): string {
  return `${sandbox}${GUEST_INFIX}${guest}`
}

/** Names of the guests of a sandbox (from the namespaces that exist). */
export function sandboxGuests(sandbox: string, namespaces: readonly string[]): string[] {
  const prefix = `${sandbox}${GUEST_INFIX}`
  return namespaces.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)).sort()
}
