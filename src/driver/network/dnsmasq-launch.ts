/**
 * Starting a network's dnsmasq for the driver, built from backend/dnsmasq's pieces (paths, rendering, files,
 * /proc readers) and compatible with its `stopDnsmasq`/`isDnsmasqRunning` (same `--conf-file=` argv and pid file).
 * It differs from the backend's `startDnsmasq` only in waiting: readiness (the UDP ports bound) is polled after
 * 1, 2, 4, ... ms instead of every 50 ms. That lets the driver spawn dnsmasq while the bridge is still being made:
 * with `bind-dynamic` dnsmasq binds the bridge's DNS socket as soon as its address appears.
 * @module
 */
import { CommandError, HostnetError } from '../../errors.js'
import { requireDnsmasqVersion } from '../../backend/dnsmasq/caps.js'
import { wantDns } from '../../backend/dnsmasq/conf-dns.js'
import { removePidFile, renderForRun, writeDnsmasqFiles } from '../../backend/dnsmasq/files.js'
import { dnsmasqPaths } from '../../backend/dnsmasq/names.js'
import { processAlive, readPidFile, udpPortsOf } from '../../backend/dnsmasq/proc.js'
import { runningDnsmasqPid, stopDnsmasq } from '../../backend/dnsmasq/process.js'
import { networkIpHasDhcp } from '../../model/network/ip.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { systemRunner, type Runner } from '../../sys/exec.js'

export const READY_TIMEOUT_MS = 5_000

export interface LaunchOptions {
  runDir: string
  bridgeName: string
  dnsmasqVersion: string
  netns?: string
  logFile?: string
  runner?: Runner
  readyTimeoutMs?: number
}

/** UDP ports a ready dnsmasq listens on: DNS unless disabled, DHCPv4/v6 for a family with DHCP. */
export function readyPorts(def: NetworkDef): number[] {
  const dhcp = (family: string): boolean => def.ips.some((ip) => ip.address.family === family && networkIpHasDhcp(ip))
  return [...(wantDns(def) ? [53] : []), ...(dhcp('ipv4') ? [67] : []), ...(dhcp('ipv6') ? [547] : [])]
}

async function waitReady(def: NetworkDef, pid: number, timeoutMs: number): Promise<void> {
  const want = readyPorts(def)
  const deadline = Date.now() + timeoutMs
  for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
    if (!(await processAlive(pid))) throw new HostnetError('backend-failure', `dnsmasq for network '${def.name}' (pid ${pid}) exited right after starting`)
    const ports = await udpPortsOf(pid)
    const missing = want.filter((p) => !ports.has(p))
    if (missing.length === 0) return
    if (Date.now() >= deadline) {
      throw new HostnetError('timeout', `dnsmasq for network '${def.name}' (pid ${pid}) is not listening on UDP port ${missing.join(', ')} after ${timeoutMs} ms`)
    }
    await new Promise((r) => setTimeout(r, wait))
  }
}

/** Write the files and start dnsmasq; resolves with its pid once it listens on its ports. */
export async function launchDnsmasq(def: NetworkDef, o: LaunchOptions): Promise<number> {
  const paths = dnsmasqPaths(o.runDir, def.name)
  const running = await runningDnsmasqPid(paths)
  if (running !== undefined) {
    throw new HostnetError('conflict', `dnsmasq for network '${def.name}' is already running (pid ${running})`, { details: { object: networkObject(def.name) } })
  }
  const v = requireDnsmasqVersion(o.dnsmasqVersion)
  await writeDnsmasqFiles(paths, renderForRun(def, paths, { bridgeName: o.bridgeName, dnsmasqVersion: `${v.major}.${v.minor}` }))
  await removePidFile(paths)
  const argv = ['dnsmasq', `--conf-file=${paths.conf}`, `--dhcp-leasefile=${paths.leases}`, '--user=root', ...(o.logFile === undefined ? [] : [`--log-facility=${o.logFile}`])]
  try {
    await (o.runner ?? systemRunner).run(argv, { ...(o.netns === undefined ? {} : { netns: o.netns }), timeoutMs: 30_000 })
  } catch (e) {
    const why = e instanceof CommandError ? (e.stderr.trim().split('\n')[0] ?? e.message) : (e as Error).message
    throw new HostnetError(e instanceof HostnetError && e.kind === 'dependency' ? 'dependency' : 'backend-failure', `cannot start dnsmasq for network '${def.name}': ${why}`, { cause: e })
  }
  const pid = await readPidFile(paths.pid)
  if (pid === undefined) throw new HostnetError('backend-failure', `dnsmasq for network '${def.name}' wrote no pid file '${paths.pid}'`)
  try {
    await waitReady(def, pid, o.readyTimeoutMs ?? READY_TIMEOUT_MS)
  } catch (e) {
    await stopDnsmasq(paths)
    throw e
  }
  return pid
}
