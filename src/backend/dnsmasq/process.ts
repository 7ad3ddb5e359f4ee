/**
 * One dnsmasq per network, as libvirt runs it: the rendered configuration in a run directory of ours, dnsmasq
 * started (optionally inside a network namespace) with `--conf-file`, daemonizing after it bound its sockets and
 * wrote its pid file. hostnet keeps dnsmasq's own lease database (`--dhcp-leasefile`, read by leases.ts) instead of
 * libvirt's lease helper script, and runs dnsmasq as root (`--user=root`) so that it can keep writing there. A
 * caller may still have dnsmasq report lease changes to a script of its own (`leaseScript`: hostnet's change record).
 *
 * Supervision is the caller's: `isDnsmasqRunning` tells whether the instance of a network lives (its pid file
 * names a living dnsmasq started with this network's config file), `startDnsmasq` starts it again.
 * @module
 */
import { readFileSync } from 'node:fs'
import { CommandError, HostnetError } from '../../errors.js'
import { networkIpHasDhcp } from '../../model/network/ip.js'
import { networkObject } from '../../model/network/network-def.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { NETNS_RUN_DIR } from '../../sys/netns.js'
import { systemRunner } from '../../sys/exec.js'
import type { Runner } from '../../sys/exec.js'
import { parseDnsmasqVersion, requireDnsmasqVersion } from './caps.js'
import { wantDns } from './conf-dns.js'
import { removeDnsmasqFiles, removePidFile, renderForRun, writeDnsmasqFiles, writeHostsFiles } from './files.js'
import { dnsmasqPaths } from './names.js'
import type { DnsmasqPaths } from './names.js'
import { pidAlive } from '../../sys/process.js'
import { sleepMs } from '../../sys/sleep.js'
import { isDnsmasqWithConf, readPidFile, udpPortsOf } from './proc.js'
import { renderAddnHosts, renderHostsFile } from './render.js'

export const DEFAULT_READY_TIMEOUT_MS = 5000
export const DEFAULT_STOP_TIMEOUT_MS = 5000
/** How long dnsmasq's foreground part may take to check the config, bind and daemonize. */
const START_TIMEOUT_MS = 30_000
/** The longest wait between two polls of readiness or exit; polling starts at 1 ms and doubles up to it. */
const POLL_INTERVAL_MS = 50
const DNS_PORT = 53
const DHCPV4_PORT = 67
const DHCPV6_PORT = 547

export interface DnsmasqRunOptions {
  /** Directory for the network's files (config, hosts files, pid file, lease database); created if missing. */
  readonly runDir: string
  /** The network's bridge (`interface=`); it should exist with its addresses before dnsmasq starts. */
  readonly bridgeName: string
  /** Run dnsmasq in this named network namespace (`nsenter --net`); default: the caller's namespace. */
  readonly netns?: string
  /** dnsmasq binary (default `dnsmasq`, found in PATH). */
  readonly binary?: string
  /** Skip asking the binary (`dnsmasq --version`). */
  readonly dnsmasqVersion?: string
  /** `--log-facility=FILE`: dnsmasq's log in a file instead of syslog. */
  readonly logFile?: string
  readonly readyTimeoutMs?: number
  /**
   * Readiness (the ports bound) is checked after 1, 2, 4, ... ms, at most this far apart (default 50). A caller
   * that spawns dnsmasq before the bridge has its address (bind-dynamic binds it when it appears) may want less.
   */
  readonly readyPollMaxMs?: number
  /**
   * `--dhcp-script=PATH` (a command-line option: the configuration stays libvirt's, byte for byte): dnsmasq runs
   * PATH on every lease change (`add|old|del MAC IP [HOSTNAME]`), with `env` added to dnsmasq's environment,
   * which the script inherits.
   */
  readonly leaseScript?: { readonly path: string; readonly env?: Readonly<Record<string, string>> }
  readonly runner?: Runner
}

export interface DnsmasqInstance {
  readonly network: string
  readonly pid: number
  readonly paths: DnsmasqPaths
  readonly netns?: string
}


/** The version line of the binary (`Dnsmasq version 2.90 …`), parsed; 'dependency' when it cannot run. */
export async function dnsmasqBinaryVersion(binary = 'dnsmasq', runner: Runner = systemRunner): Promise<string> {
  const res = await runner.run([binary, '--version'], { timeoutMs: 10_000 })
  const v = parseDnsmasqVersion(res.stdout.split('\n')[0] ?? '')
  return `${v.major}.${v.minor}${v.micro === 0 ? '' : `.${v.micro}`}`
}

/** The pid of the network's living dnsmasq (pid file + /proc), or undefined. */
export async function runningDnsmasqPid(paths: DnsmasqPaths): Promise<number | undefined> {
  const pid = await readPidFile(paths.pid)
  return pid !== undefined && (await isDnsmasqWithConf(pid, paths.conf)) ? pid : undefined
}

export async function isDnsmasqRunning(paths: DnsmasqPaths): Promise<boolean> {
  return (await runningDnsmasqPid(paths)) !== undefined
}

/** UDP ports a ready instance listens on: DNS unless disabled, DHCPv4/v6 when some `<ip>` of the family runs DHCP. */
function expectedPorts(def: NetworkDef): number[] {
  const dhcp = (family: string): boolean => def.ips.some((ip) => ip.address.family === family && networkIpHasDhcp(ip))
  return [...(wantDns(def) ? [DNS_PORT] : []), ...(dhcp('ipv4') ? [DHCPV4_PORT] : []), ...(dhcp('ipv6') ? [DHCPV6_PORT] : [])]
}

async function waitReady(def: NetworkDef, pid: number, timeoutMs: number, pollMaxMs: number): Promise<void> {
  const want = expectedPorts(def)
  const deadline = Date.now() + timeoutMs
  for (let intervalMs = 1; ; intervalMs = Math.min(intervalMs * 2, pollMaxMs)) {
    if (!pidAlive(pid)) {
      throw new HostnetError('backend-failure', `dnsmasq for network '${def.name}' (pid ${pid}) exited right after starting`)
    }
    const ports = await udpPortsOf(pid)
    const missing = want.filter((p) => !ports.has(p))
    if (missing.length === 0) return
    if (Date.now() >= deadline) {
      const what = `UDP port ${missing.join(', ')}`
      throw new HostnetError('timeout', `dnsmasq for network '${def.name}' (pid ${pid}) is not listening on ${what} after ${timeoutMs} ms`, {
        details: { pid, missingPorts: missing },
      })
    }
    await sleepMs(intervalMs)
  }
}

function startArgv(binary: string, paths: DnsmasqPaths, logFile: string | undefined, script: string | undefined): string[] {
  return [
    binary,
    `--conf-file=${paths.conf}`,
    `--dhcp-leasefile=${paths.leases}`,
    '--user=root',
    ...(logFile === undefined ? [] : [`--log-facility=${logFile}`]),
    ...(script === undefined ? [] : [`--dhcp-script=${script}`]),
  ]
}

/**
 * Write the network's files and start its dnsmasq; resolves once the pid file names a living dnsmasq that
 * listens on its ports (polled after 1, 2, 4, ... ms: `readyPollMaxMs`). A 'conflict' when the network's dnsmasq
 * already runs; 'backend-failure' with dnsmasq's own message when it refuses to start; 'timeout' (after killing
 * it) when it never becomes ready.
 */
export async function startDnsmasq(def: NetworkDef, opts: DnsmasqRunOptions): Promise<DnsmasqInstance> {
  const runner = opts.runner ?? systemRunner
  const binary = opts.binary ?? 'dnsmasq'
  const paths = dnsmasqPaths(opts.runDir, def.name)
  const running = await runningDnsmasqPid(paths)
  if (running !== undefined) {
    throw new HostnetError('conflict', `dnsmasq for network '${def.name}' is already running (pid ${running})`, {
      details: { object: networkObject(def.name), pid: running },
    })
  }
  const version = requireDnsmasqVersion(opts.dnsmasqVersion ?? (await dnsmasqBinaryVersion(binary, runner)))
  const files = renderForRun(def, paths, { bridgeName: opts.bridgeName, dnsmasqVersion: `${version.major}.${version.minor}` })
  await removePidFile(paths) // a stale one: the pid it names is not this network's dnsmasq
  try {
    await writeDnsmasqFiles(paths, files)
    const pid = await spawnDnsmasq(def, paths, opts, runner, binary)
    try {
      await waitReady(def, pid, opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, opts.readyPollMaxMs ?? POLL_INTERVAL_MS)
    } catch (e) {
      await stopDnsmasq(paths)
      throw e
    }
    return { network: def.name, pid, paths, ...(opts.netns === undefined ? {} : { netns: opts.netns }) }
  } catch (e) {
    // a start that failed leaves none of its files (the lease database stays: it belongs to the network)
    await removeDnsmasqFiles(paths, { keepLeases: true })
    throw e
  }
}

/** Where the kernel's limit on inotify instances per user is (one per dnsmasq that reads resolv.conf). */
export const INOTIFY_INSTANCES_SYSCTL = '/proc/sys/fs/inotify/max_user_instances'

/**
 * The hint for dnsmasq's "failed to create inotify": every dnsmasq that forwards DNS watches resolv.conf with an
 * inotify instance of its own, and the kernel allows a user `fs.inotify.max_user_instances` of them (128 by
 * default: about 120 networks with DHCP/DNS). Empty for any other failure.
 */
export function inotifyHint(message: string, sysctlPath = INOTIFY_INSTANCES_SYSCTL): string {
  if (!/failed to create inotify/i.test(message)) return ''
  let limit = 'its limit'
  try {
    limit = `fs.inotify.max_user_instances = ${readFileSync(sysctlPath, 'utf8').trim()}`
  } catch {
    // not readable here: the hint names the setting without its value
  }
  return (
    ` (each network with DHCP or DNS runs a dnsmasq holding one inotify instance, and this host's ${limit} is used up: ` +
    `raise it, e.g. 'sysctl -w fs.inotify.max_user_instances=8192' and the same line in /etc/sysctl.d/)`
  )
}

/** Run dnsmasq (it daemonizes once it bound its sockets) and read its pid file. */
async function spawnDnsmasq(def: NetworkDef, paths: DnsmasqPaths, opts: DnsmasqRunOptions, runner: Runner, binary: string): Promise<number> {
  try {
    // `nsenter --net`: dnsmasq needs only the namespace's network (it reads no /sys), so the mount namespace and
    // /sys remount of `ip netns exec` are not worth their cost on a busy host
    const enter = opts.netns === undefined ? [] : ['nsenter', `--net=${NETNS_RUN_DIR}/${opts.netns}`]
    const env = opts.leaseScript?.env
    await runner.run([...enter, ...startArgv(binary, paths, opts.logFile, opts.leaseScript?.path)], {
      timeoutMs: START_TIMEOUT_MS,
      ...(env === undefined ? {} : { env: { ...env } }),
    })
  } catch (e) {
    const why = e instanceof CommandError ? (e.stderr.trim().split('\n')[0] ?? e.message) : (e as Error).message
    const kind = e instanceof HostnetError && e.kind === 'dependency' ? 'dependency' : 'backend-failure'
    throw new HostnetError(kind, `cannot start dnsmasq for network '${def.name}': ${why}${inotifyHint(why)}`, { cause: e })
  }
  const pid = await readPidFile(paths.pid)
  if (pid === undefined) {
    throw new HostnetError('backend-failure', `dnsmasq for network '${def.name}' wrote no pid file '${paths.pid}'`)
  }
  return pid
}

/** Poll until `pid` is gone; the interval starts at 1 ms and doubles up to POLL_INTERVAL_MS (dnsmasq exits fast). */
async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  let intervalMs = 1
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false
    await sleepMs(intervalMs)
    intervalMs = Math.min(intervalMs * 2, POLL_INTERVAL_MS)
  }
  return true
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e // ESRCH: it has just exited
  }
}

/**
 * Stop the network's dnsmasq: SIGTERM, wait, then SIGKILL. Removes the pid file. Resolves to whether an
 * instance was running. Only a process started with this network's config file is ever signalled.
 */
export async function stopDnsmasq(paths: DnsmasqPaths, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  const pid = await runningDnsmasqPid(paths)
  if (pid !== undefined) {
    signal(pid, 'SIGTERM')
    if (!(await waitGone(pid, opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS))) {
      signal(pid, 'SIGKILL')
      if (!(await waitGone(pid, DEFAULT_STOP_TIMEOUT_MS))) {
        throw new HostnetError('timeout', `dnsmasq (pid ${pid}) did not exit after SIGKILL`, { details: { pid } })
      }
    }
  }
  await removePidFile(paths)
  return pid !== undefined
}

/**
 * Rewrite the hosts files from `def` and make the running dnsmasq re-read them (SIGHUP), as libvirt's
 * networkRefreshDhcpDaemon does. Only static DHCP hosts and DNS hosts change this way; anything else in the
 * configuration needs a restart. 'not-found' when the network's dnsmasq is not running.
 */
export async function reloadDnsmasq(def: NetworkDef, paths: DnsmasqPaths): Promise<void> {
  const pid = await runningDnsmasqPid(paths)
  if (pid === undefined) {
    throw new HostnetError('not-found', `dnsmasq for network '${def.name}' is not running`, {
      details: { object: networkObject(def.name) },
    })
  }
  await writeHostsFiles(paths, { hostsfile: renderHostsFile(def), addnhosts: renderAddnHosts(def) })
  signal(pid, 'SIGHUP')
}
