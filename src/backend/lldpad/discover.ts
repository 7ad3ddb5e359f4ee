/**
 * Which lldpad serves a target: the `lldpad` process whose network namespace is the target's. lldpad binds its
 * netlink socket for VSI requests to its own pid, so that pid is the netlink port to send 802.1Qbg requests
 * to (libvirt reads it from /var/run/lldpad.pid; an lldpad in a private mount namespace, as every namespace
 * but the host's needs, keeps that file out of sight, so hostnet finds the process instead).
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { NETNS_RUN_DIR } from '../../sys/netns.js'

export interface DiscoverOptions {
  /** /proc (tests point it elsewhere). */
  procRoot?: string
  netnsRunDir?: string
}

function nsIdentity(path: string): string | undefined {
  try {
    const s = statSync(path)
    return `${s.dev}:${s.ino}`
  } catch {
    return undefined // a process that exited meanwhile, or one we may not inspect
  }
}

function commOf(proc: string, pid: string): string | undefined {
  try {
    return readFileSync(join(proc, pid, 'comm'), 'utf8').trim()
  } catch {
    return undefined
  }
}

/** The namespace file of a target (the host: our own namespace). */
export function targetNetnsPath(target: Target, opts: DiscoverOptions = {}): string {
  return target.kind === 'host' ? join(opts.procRoot ?? '/proc', 'self/ns/net') : join(opts.netnsRunDir ?? NETNS_RUN_DIR, target.name)
}

/** The pids of the lldpad processes in the target's network namespace. */
export function lldpadPids(target: Target, opts: DiscoverOptions = {}): number[] {
  const proc = opts.procRoot ?? '/proc'
  const want = nsIdentity(targetNetnsPath(target, opts))
  if (want === undefined) throw new HostnetError('not-found', `${describeTarget(target)} does not exist`)
  const out: number[] = []
  for (const pid of readdirSync(proc)) {
    if (!/^[0-9]+$/.test(pid) || commOf(proc, pid) !== 'lldpad') continue
    if (nsIdentity(join(proc, pid, 'ns/net')) === want) out.push(Number(pid))
  }
  return out.sort((a, b) => a - b)
}

/** The netlink port of the one lldpad of the target; a dependency error when none runs there. */
export function lldpadNetlinkPort(target: Target, opts: DiscoverOptions = {}): number {
  const pids = lldpadPids(target, opts)
  if (pids.length === 0) {
    throw new HostnetError('dependency', `no lldpad runs in ${describeTarget(target)}: 802.1Qbg associations need it (hostnet lldpad start, or the system's lldpad)`, {
      details: { target: describeTarget(target) },
    })
  }
  if (pids.length > 1) {
    throw new HostnetError('conflict', `${pids.length} lldpad processes run in ${describeTarget(target)} (pids ${pids.join(', ')}): cannot tell which one serves it`, {
      details: { pids },
    })
  }
  return pids[0]!
}
