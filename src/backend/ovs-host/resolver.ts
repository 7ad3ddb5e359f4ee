/**
 * Which OVSDB serves a target (see connections.ts for the whole rule): an explicit address, a sandbox's private
 * OVS recorded in the state directory, or the system's for the host. Kept apart from the clients so that a
 * command on a target without OVS loads no OVSDB code.
 * @module
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Target } from '../../model/target.js'
import { parseOvsdbAddress } from '../ovsdb/address.js'

export const SYSTEM_OVSDB_ADDRESS = 'unix:/var/run/openvswitch/db.sock'
export const OVSDB_ENV = 'HOSTNET_OVSDB'

export type OvsdbResolver = (target: Target) => string | undefined

/** Run directory of the private OVS of sandbox namespace `netns`. */
export function sandboxOvsDir(stateDir: string, netns: string): string {
  return join(stateDir, 'ovs', netns)
}

export function sandboxOvsAddress(stateDir: string, netns: string): string {
  return `unix:${join(sandboxOvsDir(stateDir, netns), 'db.sock')}`
}

export interface ResolverOptions {
  address?: string | undefined
  stateDir?: string | undefined
  env?: Readonly<Record<string, string | undefined>>
}

export function defaultOvsdbResolver(opts: ResolverOptions): OvsdbResolver {
  const explicit = opts.address ?? ((opts.env ?? process.env)[OVSDB_ENV] || undefined)
  if (explicit !== undefined) parseOvsdbAddress(explicit)
  return (target) => {
    if (explicit !== undefined) return explicit
    if (target.kind === 'host') return SYSTEM_OVSDB_ADDRESS
    const sandbox = opts.stateDir === undefined ? undefined : join(sandboxOvsDir(opts.stateDir, target.name), 'db.sock')
    return sandbox !== undefined && existsSync(sandbox) ? `unix:${sandbox}` : undefined
  }
}
