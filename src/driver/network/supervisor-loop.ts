/**
 * The network half of `hostnet serve`: holds the `network-supervisor` daemon lock (one supervisor per store),
 * recovers interrupted networks and starts the autostart ones, then on every tick recovers again, restarts
 * dead dnsmasq instances and deletes retired bridges. Networks keep running when it stops (as libvirt's do when
 * libvirtd stops): dnsmasq runs detached.
 * @module
 */
import { errorMessage } from '../../errors.js'
import type { Store } from '../../store/index.js'
import { sleepMs } from '../../sys/sleep.js'
import type { NetworkDriver } from './driver.js'

export const NETWORK_SUPERVISOR_ROLE = 'network-supervisor'
export const SUPERVISE_POLL_MS = 1000

export interface NetworkSupervisorOptions {
  driver: NetworkDriver
  store: Store
  signal: AbortSignal
  pollMs?: number
  log?: (line: string) => void
  /** Run after the first recovery, before autostart (serve: the targets' saved states, on which bridges may sit). */
  beforeAutostart?: () => Promise<void>
  /** Called once autostart is done. */
  onReady?: () => void
}

async function tick(o: NetworkSupervisorOptions): Promise<void> {
  const log = o.log ?? (() => undefined)
  try {
    await o.driver.recover({ scanPorts: true })
    await o.driver.superviseDnsmasq()
    await o.driver.collectGarbage()
  } catch (e) {
    log(`warning: network supervision: ${errorMessage(e)}`)
  }
}

export async function runNetworkSupervisor(o: NetworkSupervisorOptions): Promise<'already-running' | 'stopped'> {
  const me = o.driver.ctx.owner
  if (!o.store.daemons.claim(NETWORK_SUPERVISOR_ROLE, me)) return 'already-running'
  try {
    await tick(o)
    try {
      await o.beforeAutostart?.()
    } catch (e) {
      o.log?.(`warning: before autostart: ${errorMessage(e)}`)
    }
    const auto = await o.driver.autostartAll()
    if (auto.started.length > 0) o.log?.(`autostarted ${auto.started.length} network(s): ${auto.started.join(', ')}`)
    o.onReady?.()
    while (!o.signal.aborted) {
      await sleepMs(o.pollMs ?? SUPERVISE_POLL_MS, o.signal)
      if (!o.signal.aborted) await tick(o)
    }
    return 'stopped'
  } finally {
    o.store.daemons.release(NETWORK_SUPERVISOR_ROLE, me)
  }
}
