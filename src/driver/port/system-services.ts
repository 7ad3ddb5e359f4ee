/**
 * The real PortServices, each a thin call into a backend: links through backend/iproute2's LinkLayer, tc and its
 * htb check through backend/tc, checksum offload through backend/ethtool, the target's OVSDB through
 * backend/ovs-host (address resolution and one client per address), the virtual functions from sysfs below
 * `sysfsRoot`.
 * @module
 */
import { setTxChecksumming } from '../../backend/ethtool/index.js'
import { LinkLayer, type LinkOp } from '../../backend/iproute2/index.js'
import { addVmPorts, OvsTargetClients, removeVmPorts, type VmPort, type VmPortRef } from '../../backend/ovs-host/index.js'
import { applyShapingCommands, hasHtbRoot, readClassRate, type ShapingCommand } from '../../backend/tc/index.js'
import type { Target } from '../../model/target.js'
import { lldpadNetlinkPort } from '../../backend/lldpad/index.js'
import { HelperChannel } from '../../backend/netlink/index.js'
import { PortProfileService, type PortOp, type PortProfileInput, type PortProfileLive, type PortProfileOutcome } from '../../backend/vportprofile/index.js'
import type { VirtualFunction } from '../../model/port/index.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import { netnsExists } from '../../sys/netns.js'
import { readVirtualFunctions } from '../../sys/sysfs-pci.js'
import type { BatchResult, PortServices } from './services.js'

export interface SystemServicesOptions {
  runner?: Runner
  /** State directory (a sandbox's private OVS is recorded there). */
  stateDir?: string
  /** OVSDB address for every target (else $HOSTNET_OVSDB, the sandbox's, the system's). */
  ovsdb?: string
  /** sysfs root for SR-IOV information (default /sys; tests use a fake tree). */
  sysfsRoot?: string
  /** 802.1Qbg/Qbh: how long to wait for the switch's answer (default 10 s, as libvirt), polling every 125 ms. */
  portProfileTimeoutMs?: number
}

const netnsOpt = (ns: Target): { netns?: string } => (ns.kind === 'netns' ? { netns: ns.name } : {})

export class SystemPortServices implements PortServices {
  private readonly runner: Runner
  private readonly links: LinkLayer
  private readonly ovs: OvsTargetClients
  private readonly profiles: PortProfileService

  constructor(private readonly o: SystemServicesOptions = {}) {
    this.runner = o.runner ?? systemRunner
    this.links = new LinkLayer({ runner: this.runner })
    this.ovs = new OvsTargetClients({ address: o.ovsdb, stateDir: o.stateDir })
    this.profiles = new PortProfileService({
      runner: this.runner,
      channel: new HelperChannel(this.runner),
      lldpadPort: (t) => lldpadNetlinkPort(t),
      ...(o.portProfileTimeoutMs === undefined ? {} : { timeoutMs: o.portProfileTimeoutMs }),
    })
  }

  portProfile(target: Target, input: PortProfileInput, op: PortOp): Promise<PortProfileOutcome> {
    return this.profiles.run(target, input, op)
  }

  portProfileStatus(target: Target, input: PortProfileInput): Promise<PortProfileLive> {
    return this.profiles.status(target, input)
  }

  async linkBatch(ns: Target, ops: readonly LinkOp[], opts: { force?: boolean } = {}): Promise<BatchResult> {
    const res = await this.links.batch(ns, ops, opts)
    return { ok: res.ok, stderr: res.stderr, ...(res.failedOp === undefined ? {} : { failedOp: res.failedOp }) }
  }

  linkNames(ns: Target): Promise<Set<string>> {
    return this.links.names(ns)
  }

  async linkAliases(ns: Target): Promise<Map<string, string | undefined>> {
    return new Map((await this.links.links(ns)).map((l) => [l.name, l.alias]))
  }

  async linkMac(ns: Target, dev: string): Promise<string | undefined> {
    return (await this.links.link(ns, dev).catch(() => undefined))?.mac
  }

  async tc(ns: Target, commands: readonly ShapingCommand[]): Promise<void> {
    await applyShapingCommands(this.runner, commands, netnsOpt(ns))
  }

  txChecksumOff(ns: Target, dev: string): Promise<void> {
    return setTxChecksumming(this.runner, dev, false, netnsOpt(ns))
  }

  hasHtbRoot(ns: Target, dev: string): Promise<boolean> {
    return hasHtbRoot(this.runner, dev, netnsOpt(ns))
  }

  async defaultClassRate(ns: Target, dev: string): Promise<number | undefined> {
    const bytesPerSec = await readClassRate(this.runner, dev, '1:2', netnsOpt(ns))
    return bytesPerSec === undefined ? undefined : Math.round(bytesPerSec / 1000)
  }

  async ovsAddPorts(target: Target, ports: readonly VmPort[]): Promise<void> {
    if (ports.length === 0) return
    await addVmPorts(await this.ovs.client(target), ports)
  }

  async ovsRemovePorts(target: Target, ports: readonly VmPortRef[]): Promise<void> {
    if (ports.length === 0) return
    await removeVmPorts(await this.ovs.client(target), ports)
  }

  virtualFunctions(pf: string): VirtualFunction[] {
    const opts = this.o.sysfsRoot === undefined ? {} : { sysfsRoot: this.o.sysfsRoot }
    // sys/ is below model/: its addresses are structurally model's PciAddress
    return readVirtualFunctions(pf, opts).map((vf) => (vf.netdev === undefined ? { address: vf.address } : { address: vf.address, netdev: vf.netdev }))
  }

  namespaceExists(ns: Target): boolean {
    return ns.kind === 'host' || netnsExists(ns.name)
  }

  close(): Promise<void> {
    return this.ovs.close()
  }
}
