/**
 * DHCP and DNS of a network through backend/dnsmasq: one dnsmasq per network, its files in
 * `<stateDir>/networks/<target>/` (a directory per target, so equal network names in two namespaces never
 * share a file), started inside the target namespace. The dnsmasq version is asked once per process.
 * @module
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Target } from '../../model/target.js'
import {
  dnsmasqBinaryVersion,
  dnsmasqPaths,
  readDnsmasqLeases,
  removeDnsmasqFiles,
  renderAddnHosts,
  renderHostsFile,
  writeHostsFilesSync,
  runningDnsmasqPid,
  startDnsmasq,
  stopDnsmasq,
} from '../../backend/dnsmasq/index.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { formatIp } from '../../model/values/ip.js'
import { networkIpHasDhcp } from '../../model/network/ip.js'
import { targetKey } from '../../txn/target-key.js'
import { DHCP_EVENT_ENV } from './dhcp-event-env.js'
import type { Runner } from '../../sys/exec.js'
import { pidAlive, processIdentity, processRunning, type ProcessIdentity } from '../../sys/process.js'
import { sleepMs } from '../../sys/sleep.js'
import type { DhcpContext, DhcpLeaseEntry, DhcpService } from './services.js'

/** The directory of a target's dnsmasq files. */
export function networkRunDir(stateDir: string, target: Target): string {
  return join(stateDir, 'networks', target.kind === 'host' ? 'host' : `netns-${target.name}`)
}

const QUICK_STOP_MS = 500
/**
 * dnsmasq is spawned while the bridge is still being made (with bind-dynamic it binds the bridge's DNS socket as
 * soon as the address appears), so its readiness is polled at most 25 ms apart instead of the backend's 50.
 */
const READY_POLL_MAX_MS = 25

function signalQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e // ESRCH: it exited on its own
  }
}

/** Whether the process is gone within `ms` (checked after 1, 2, 4, ... ms, at most 16 ms apart). */
async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  for (let wait = 1; ; wait = Math.min(wait * 2, 16)) {
    if (!pidAlive(pid)) return true
    if (Date.now() >= deadline) return false
    await sleepMs(wait)
  }
}

export interface DnsmasqServiceOptions {
  stateDir: string
  /**
   * A program dnsmasq runs on every lease change (`--dhcp-script`), told the store, target and network through
   * DHCP_EVENT_ENV; hostnet's is bin/hostnet-dhcp-event, which records dhcp.lease-granted / -released.
   */
  dhcpEventScript?: string
  runner?: Runner
  /** Log dnsmasq to `<runDir>/<network>.log` (tests and the demo); default syslog. */
  logToFile?: boolean
}

export class DnsmasqDhcpService implements DhcpService {
  private version: Promise<string> | undefined

  constructor(private readonly opts: DnsmasqServiceOptions) {}

  async start(ctx: DhcpContext): Promise<ProcessIdentity> {
    const runDir = networkRunDir(this.opts.stateDir, ctx.target)
    this.version ??= dnsmasqBinaryVersion('dnsmasq', ...(this.opts.runner === undefined ? [] : [this.opts.runner]))
    const dnsmasqVersion = await this.version.catch((e: unknown) => {
      this.version = undefined
      throw e
    })
    const { pid } = await startDnsmasq(ctx.def, {
      runDir,
      bridgeName: ctx.bridgeName,
      dnsmasqVersion,
      readyPollMaxMs: READY_POLL_MAX_MS,
      ...this.leaseScript(ctx),
      ...(ctx.target.kind === 'netns' ? { netns: ctx.target.name } : {}),
      ...(this.opts.runner === undefined ? {} : { runner: this.opts.runner }),
      ...(this.opts.logToFile === true ? { logFile: `${dnsmasqPaths(runDir, ctx.def.name).conf.slice(0, -'.conf'.length)}.log` } : {}),
    })
    // start time '' when it is gone already: the supervisor sees it dead and restarts it
    return processIdentity(pid)
  }

  /**
   * SIGTERM, then a quick exit check (dnsmasq exits within a millisecond or two; backend/dnsmasq's stop polls
   * every 50 ms, which would dominate net-destroy); a dnsmasq that lingers gets the backend's full stop (SIGKILL).
   */
  async stop(ctx: DhcpContext, _pid: ProcessIdentity | undefined): Promise<void> {
    const paths = dnsmasqPaths(networkRunDir(this.opts.stateDir, ctx.target), ctx.def.name)
    const pid = await runningDnsmasqPid(paths)
    if (pid !== undefined) {
      signalQuietly(pid, 'SIGTERM')
      if (!(await exitedWithin(pid, QUICK_STOP_MS))) await stopDnsmasq(paths)
    }
    await removeDnsmasqFiles(paths, { keepLeases: true })
  }

  /** The lease script of a network that hands out leases (none without a script or without DHCP). */
  private leaseScript(ctx: DhcpContext): { leaseScript?: { path: string; env: Record<string, string> } } {
    const path = this.opts.dhcpEventScript
    if (path === undefined || !ctx.def.ips.some(networkIpHasDhcp)) return {}
    const env = { [DHCP_EVENT_ENV.stateDir]: this.opts.stateDir, [DHCP_EVENT_ENV.target]: targetKey(ctx.target), [DHCP_EVENT_ENV.network]: ctx.def.name }
    return { leaseScript: { path, env } }
  }

  forget(target: Target, name: string): void {
    const paths = dnsmasqPaths(networkRunDir(this.opts.stateDir, target), name)
    for (const p of [paths.conf, paths.hostsfile, paths.addnhosts, paths.pid, paths.leases]) rmSync(p, { force: true })
  }

  isRunning(pid: ProcessIdentity): boolean {
    return processRunning(pid)
  }

  writeHostsFiles(ctx: DhcpContext): void {
    const paths = dnsmasqPaths(networkRunDir(this.opts.stateDir, ctx.target), ctx.def.name)
    writeHostsFilesSync(paths, { hostsfile: renderHostsFile(ctx.def), addnhosts: renderAddnHosts(ctx.def) })
  }

  hangup(pid: ProcessIdentity): boolean {
    if (!processRunning(pid)) return false
    signalQuietly(pid.pid, 'SIGHUP')
    return true
  }

  async leases(target: Target, def: NetworkDef): Promise<DhcpLeaseEntry[]> {
    const file = await readDnsmasqLeases(dnsmasqPaths(networkRunDir(this.opts.stateDir, target), def.name).leases)
    return file.leases.map((l) => ({
      expires: l.expiresAtEpochSec,
      ip: formatIp(l.ip),
      ...(l.mac === undefined ? {} : { mac: l.mac }),
      ...(l.hostname === undefined ? {} : { hostname: l.hostname }),
      ...(l.clientId === undefined ? {} : { clientId: l.clientId }),
    }))
  }
}
