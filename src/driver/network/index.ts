/**
 * Virtual networks (libvirt's bridge driver): {@link NetworkDriver} and its composition with the real
 * southbound services (iproute2, nftables, dnsmasq, sysctl).
 * @module
 */
import type { HostBackend } from '../../backend/backend.js'
import type { Store } from '../../store/index.js'
import type { Runner } from '../../sys/exec.js'
import type { NetworkDriverDeps } from './context.js'
import { DnsmasqDhcpService } from './dhcp-service.js'
import { NetworkDriver } from './driver.js'
import { NftFirewallService } from './firewall-service.js'
import { IprouteLinkService } from './link-service.js'
import { ovsBridgeChecker } from './ovs-check.js'
import type { NetworkServices } from './services.js'
import { TcShapingService } from './shaping-service.js'
import { ProcSysctlService } from './sysctl-service.js'
import { SystemPortServices } from '../port/system-services.js'

export { NetworkDriver, type NetworkDetails, type NetworkSummary, type NetworkUpdateResult } from './driver.js'
export type { NetworkDriverDeps } from './context.js'
export type { DestroyOptions } from './lifecycle.js'
export type { NetworkRecoveryReport } from './recover.js'
export type { SuperviseReport } from './supervise.js'
export type { DhcpLeaseEntry, NetworkServices } from './services.js'
export { networkRunDir } from './dhcp-service.js'
export { DHCP_EVENT_ENV } from './dhcp-event-env.js'
export { isTombstone, TOMBSTONE_PREFIX } from './link-service.js'

export interface RealServicesOptions {
  backend: HostBackend
  stateDir: string
  runner?: Runner
  /** dnsmasq logs to a file next to its configuration instead of syslog. */
  dnsmasqLogToFile?: boolean
  /** Keep an `nft -i` session per target (long-lived drivers: serve, benchmarks); close the driver after use. */
  nftSessions?: boolean
  /** OVSDB address for every target (else backend/ovs-host's resolution). */
  ovsdb?: string
  /** sysfs root for SR-IOV virtual functions (default /sys). */
  sysfsRoot?: string
  /** Test hook: a port creation sleeps this long once its devices exist (never in production). */
  portPauseAfterPlugMs?: number
  /** 802.1Qbg/Qbh: how long a port waits for the switch's answer (default 10 s, as libvirt). */
  portProfileTimeoutMs?: number
  /** dnsmasq reports lease changes to this program (bin/hostnet-dhcp-event: the change record); default none. */
  dhcpEventScript?: string
}

export function realNetworkServices(o: RealServicesOptions): NetworkServices {
  const runner = o.runner === undefined ? {} : { runner: o.runner }
  return {
    links: new IprouteLinkService(o.backend, runner),
    firewall: new NftFirewallService({ ...runner, ...(o.nftSessions === true ? { sessions: true } : {}) }),
    dhcp: new DnsmasqDhcpService({
      stateDir: o.stateDir,
      ...runner,
      ...(o.dnsmasqLogToFile === true ? { logToFile: true } : {}),
      ...(o.dhcpEventScript === undefined ? {} : { dhcpEventScript: o.dhcpEventScript }),
    }),
    sysctl: new ProcSysctlService(o.runner),
    shaping: new TcShapingService(o.runner),
  }
}

export function createNetworkDriver(
  o: RealServicesOptions & { store: Store } & Omit<NetworkDriverDeps, 'store' | 'services'>,
): NetworkDriver {
  const { backend, stateDir, runner, dnsmasqLogToFile, nftSessions, ovsdb, sysfsRoot, portPauseAfterPlugMs, portProfileTimeoutMs, dhcpEventScript, ...rest } = o
  const services = realNetworkServices({
    backend,
    stateDir,
    ...(dhcpEventScript === undefined ? {} : { dhcpEventScript }),
    ...(runner === undefined ? {} : { runner }),
    ...(dnsmasqLogToFile === undefined ? {} : { dnsmasqLogToFile }),
    ...(nftSessions === undefined ? {} : { nftSessions }),
  })
  const ovs = ovsBridgeChecker(stateDir, ovsdb)
  const portServices = new SystemPortServices({
    stateDir,
    ...(runner === undefined ? {} : { runner }),
    ...(ovsdb === undefined ? {} : { ovsdb }),
    ...(sysfsRoot === undefined ? {} : { sysfsRoot }),
    ...(portProfileTimeoutMs === undefined ? {} : { portProfileTimeoutMs }),
  })
  const ports = { services: portServices, ...(portPauseAfterPlugMs === undefined ? {} : { pauseAfterPlugMs: portPauseAfterPlugMs }) }
  return new NetworkDriver({ ovsBridgeExists: ovs.check, onClose: ovs.close, ...rest, services, ports })
}
