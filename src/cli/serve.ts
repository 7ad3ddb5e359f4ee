/**
 * `hostnet serve`: the confirm-timer daemon. It holds the daemon lock in the store (and writes serve.pid next to
 * it), recovers, then rolls back pending-confirm transactions whose deadline passed. `apply --confirm-within`
 * starts one, detached and with --exit-when-idle, when none is running.
 * @module
 */
import type { Command } from 'commander'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError, ValidationError } from '../errors.js'
import { checkClusterName } from '../model/cluster/records.js'
import type { ClusterState } from '../store/etcd/index.js'
import { ETCD_ENV, addEtcdOptions, etcdOptions, type EtcdFlags } from './etcd-flags.js'
import { CONFIRM_TIMER_ROLE, runConfirmTimer, TIMER_POLL_MS } from '../txn/index.js'
import { ACTOR_SUPERVISOR } from '../store/change-kinds.js'
import { runNetworkSupervisor } from '../driver/network/supervisor-loop.js'
import { addStateDirOption, parseMilliseconds, resolveTarget } from './common.js'
import { checkNetnsName } from '../sys/netns.js'
import { logLine, openRuntime, type Runtime } from './runtime.js'

export const SERVE_PID_FILE = 'serve.pid'
export { DAEMON_START_TIMEOUT_MS, ensureConfirmTimer, hostnetBin, SERVE_LOG_FILE } from '../service/confirm-daemon.js'
/** Longest --poll-ms: a minute. */
const MAX_POLL_MS = 60_000

interface ServeFlags {
  stateDir?: string
  exitWhenIdle?: boolean
  pollMs?: string
  api?: boolean
  boot?: boolean
  socketDir?: string
  listen?: string
  tlsCert?: string
  tlsKey?: string
  tls?: boolean
  pamService?: string
  console?: boolean
  kimchi?: boolean
  kimchiNetns?: string
  libvirtUri?: string
  kimchiArch?: string
  kimchiDomainType?: string
  clusterHostId?: string
  clusterNetns?: string
  clusterHost?: boolean
}

/** `--etcd` (or $HOSTNET_ETCD) given: the cluster's state for the API's /cluster routes and the agent. */
async function openCluster(flags: ServeFlags & EtcdFlags): Promise<ClusterState | undefined> {
  if (flags.etcd === undefined && (process.env[ETCD_ENV] ?? '') === '') {
    if (flags.clusterHostId !== undefined) throw new ValidationError('--cluster-host-id needs --etcd URL (or $HOSTNET_ETCD)', { path: '--cluster-host-id' })
    return undefined
  }
  const { EtcdClient, ClusterState } = await import('../store/etcd/index.js')
  return new ClusterState(new EtcdClient(etcdOptions(flags)), flags.prefix)
}

/** The cluster agent inside serve (`--cluster-host-id ID` with `--cluster-netns NAME` or `--cluster-host`). */
async function runClusterAgent(rt: Runtime, cluster: ClusterState, flags: ServeFlags, signal: AbortSignal): Promise<void> {
  const hostId = checkClusterName(flags.clusterHostId, 'host id', '--cluster-host-id')
  const target = resolveTarget({ ...(flags.clusterNetns === undefined ? {} : { netns: flags.clusterNetns }), ...(flags.clusterHost === true ? { host: true } : {}) })
  const { ClusterAgent } = await import('../service/cluster/agent.js')
  const agent = new ClusterAgent({ hostId, target, rt, cluster, log: (l) => logLine(`agent ${hostId}: ${l}`) })
  logLine(`cluster agent of host '${hostId}' (${target.kind === 'host' ? 'host' : `netns:${target.name}`}) on ${cluster.etcd.endpoint}`)
  await agent.run(signal, (r) => logLine(`agent ${hostId}: revision ${r.revision} ${r.status.state}`))
}

/** Start the API on its listeners (not for the short-lived --exit-when-idle daemon, nor with --no-api). */
async function startApi(rt: Runtime, flags: ServeFlags, cluster: ClusterState | undefined): Promise<{ close(): Promise<void> }> {
  const [{ ApiServer }, { resolveSocketDir }, { LocalOps }, { ConsoleAssets, findConsoleDir }, kimchi] = await Promise.all([
    import('../api/server.js'),
    import('../api/listeners.js'),
    import('../service/local.js'),
    import('../api/console/assets.js'),
    flags.kimchi === false ? undefined : import('../api/kimchi/env.js'),
  ])
  const facade =
    kimchi === undefined
      ? undefined
      : new kimchi.KimchiFacade(
          rt,
          {
            target: flags.kimchiNetns === undefined ? { kind: 'host' } : { kind: 'netns', name: checkNetnsName(flags.kimchiNetns, '--kimchi-netns') },
            libvirtUri: flags.libvirtUri,
            stateDir: rt.stateDir,
            arch: flags.kimchiArch ?? kimchi.hostArch(),
            ...(flags.kimchiDomainType === undefined ? {} : { domainType: kimchi.checkDomainType(flags.kimchiDomainType) }),
          },
          logLine,
        )
  const consoleDir = flags.console === false ? undefined : findConsoleDir()
  if (flags.console !== false && consoleDir === undefined) logLine('warning: the web console is not built (run scripts/install.sh): not served')
  const server = await ApiServer.start(
    { rt, ops: new LocalOps(rt), log: logLine },
    {
      socketDir: resolveSocketDir(flags.socketDir, rt.stateDir),
      ...(flags.listen === undefined ? {} : { listen: flags.listen }),
      ...(flags.tlsCert === undefined ? {} : { tlsCert: flags.tlsCert }),
      ...(flags.tlsKey === undefined ? {} : { tlsKey: flags.tlsKey }),
      ...(flags.tls === false ? { noTls: true } : {}),
      ...(flags.pamService === undefined ? {} : { pamService: flags.pamService }),
      ...(consoleDir === undefined ? {} : { console: new ConsoleAssets(consoleDir) }),
      ...(facade === undefined ? {} : { kimchi: facade }),
      ...(cluster === undefined ? {} : { cluster }),
    },
  )
  for (const l of server.listeners) logLine(`API listening on ${l.kind === 'tcp' ? l.address : `unix:${l.address}`} (${l.kind})`)
  if (consoleDir !== undefined) logLine(`web console at / (${consoleDir})`)
  if (facade !== undefined) {
    const t = facade.config.target
    logLine(`Kimchi-compatible API at /plugins/kimchi (target ${t.kind === 'host' ? 'host' : `netns:${t.name}`}, libvirt ${facade.libvirtUri() ?? 'none yet'}, arch ${facade.config.arch})`)
  }
  return { close: async () => {
    await server.close()
    facade?.close()
  } }
}

/** Written under a temporary name and renamed: a reader never sees it empty. */
function writePidFile(path: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${process.pid}\n`)
  renameSync(tmp, path)
}

function removePidFile(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logLine(`warning: cannot remove ${path}: ${(e as Error).message}`)
  }
}

export async function serve(flags: ServeFlags & EtcdFlags): Promise<void> {
  const cluster = flags.exitWhenIdle === true ? undefined : await openCluster(flags)
  const rt = await openRuntime({ ...flags, longLived: true }, { networks: flags.exitWhenIdle !== true })
  const pidFile = join(rt.stateDir, SERVE_PID_FILE)
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  try {
    const pollMs = flags.pollMs === undefined ? TIMER_POLL_MS : parseMilliseconds(flags.pollMs, '--poll-ms', MAX_POLL_MS)
    // virtual networks: autostart, dnsmasq supervision, retired-bridge deletion (not in the short-lived
    // --exit-when-idle daemon that apply --confirm-within starts)
    const networks = flags.exitWhenIdle === true ? undefined : superviseNetworks(rt, ac.signal, flags.boot !== false)
    const agent =
      cluster === undefined || flags.clusterHostId === undefined
        ? undefined
        : runClusterAgent(rt, cluster, flags, ac.signal).catch((e: unknown) => {
            logLine(`cluster agent stopped: ${(e as Error).message}`)
          })
    let api: Promise<{ close(): Promise<void> } | undefined> = Promise.resolve(undefined)
    let apiError: unknown
    const exit = await runConfirmTimer({
      ...rt.deps,
      signal: ac.signal,
      pollMs,
      exitWhenIdle: flags.exitWhenIdle === true,
      onReady: () => {
        writePidFile(pidFile)
        if (flags.exitWhenIdle === true || flags.api === false) return
        api = startApi(rt, flags, cluster).catch((e: unknown) => {
          apiError = e
          ac.abort()
          return undefined
        })
      },
    })
    await (await api)?.close()
    if (apiError !== undefined) {
      await networks
      throw apiError
    }
    if (exit === 'already-running') {
      ac.abort()
      await networks
      const h = rt.store.daemons.holder(CONFIRM_TIMER_ROLE)
      throw new HostnetError('conflict', `a confirm timer is already running for '${rt.stateDir}'${h ? ` (pid ${h.pid})` : ''}`)
    }
    await networks
    await agent
  } finally {
    process.removeListener('SIGTERM', stop)
    process.removeListener('SIGINT', stop)
    removePidFile(pidFile)
    cluster?.etcd.close()
    rt.close()
  }
}

/** The network supervisor of this serve (ends when `signal` aborts; a second serve's supervisor stands aside). */
async function superviseNetworks(rt: Runtime, signal: AbortSignal, boot: boolean): Promise<void> {
  const restore = async (): Promise<void> => {
    const { restoreAllSaved } = await import('../service/saved.js')
    for (const t of await restoreAllSaved(rt, { actor: ACTOR_SUPERVISOR })) {
      for (const s of t.skipped ?? []) logLine(`warning: saved state of ${t.target}: left out ${s.object}: ${s.reason}`)
      if (t.status === 'failed' || t.status === 'target-missing') logLine(`warning: saved state of ${t.target}: ${t.status}: ${t.error ?? ''}`)
      else if (t.status === 'committed') logLine(`restored the saved state of ${t.target} (${t.ops ?? 0} operations)`)
    }
  }
  const exit = await runNetworkSupervisor({ driver: rt.networks(), store: rt.store, signal, log: logLine, ...(boot ? { beforeAutostart: restore } : {}) })
  if (exit === 'already-running') logLine('virtual networks are supervised by another hostnet serve')
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the daemon: the API, the confirm timer, virtual-network autostart and dnsmasq supervision (stops on SIGTERM)')
    .option('--exit-when-idle', 'exit once no transaction is waiting for confirmation')
    .option('--poll-ms <ms>', `how often to check deadlines (default ${TIMER_POLL_MS})`)
    .option('--no-api', 'do not serve the API')
    .option('--no-boot', "do not apply the targets' saved states at start (boot and restore --saved do)")
    .option('--socket-dir <dir>', 'directory of the API sockets hostnet.sock (admins) and hostnet-ro.sock (viewers) (default: $HOSTNET_SOCKET_DIR, /run/hostnet for the default state directory, else STATE-DIR/api)')
    .option('--listen <addr:port>', 'also serve the API on TCP (TLS: give --tls-cert and --tls-key)')
    .option('--tls-cert <file>', 'TLS certificate (PEM) for --listen')
    .option('--tls-key <file>', 'TLS private key (PEM) for --listen')
    .option('--no-tls', 'plain HTTP on --listen (loopback addresses only)')
    .option('--pam-service <name>', 'PAM service for host-account logins (default hostnet)')
    .option('--no-console', 'do not serve the web console at / (default: served with the API)')
    .option('--no-kimchi', 'do not serve the Kimchi-compatible API at /plugins/kimchi')
    .option('--kimchi-netns <name>', "the Kimchi API manages this network namespace (a sandbox) instead of the host")
    .option('--libvirt-uri <uri>', "libvirt of the Kimchi API's guests (default: the sandbox's private libvirtd with --kimchi-netns, else qemu:///system)")
    .option('--kimchi-domain-type <type>', "libvirt domain type of the Kimchi API's new guests: kvm or qemu (TCG) (default: kvm when /dev/kvm exists)")
    .option('--kimchi-arch <arch>', "host architecture for Kimchi's rules (s390x enables template interfaces and macvtap/ovs NICs; default: this host's)")
    .option('--cluster-host-id <id>', "also run this host's cluster agent (with --etcd, and --cluster-netns NAME or --cluster-host)")
    .option('--cluster-netns <name>', 'the cluster agent acts on this network namespace')
    .option('--cluster-host', "the cluster agent acts on the host's own namespace")
  addEtcdOptions(cmd)
  addStateDirOption(cmd).action(async (flags: ServeFlags & EtcdFlags) => {
    await serve(flags)
  })
}
