/**
 * The real PortServices: `ip`/`tc` through sys/exec (argv only), the target's OVSDB through backend/ovs-host's
 * address resolution and one client per address, the virtual functions from sysfs below `sysfsRoot`.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { defaultOvsdbResolver, OvsConnections } from '../../backend/ovs-host/index.js'
import type { OperationResult, OvsdbOperation } from '../../backend/ovsdb/ops.js'
import { transactAndWait, VSWITCH_DB } from '../../backend/ovsdb/wait-applied.js'
import { applyShapingCommands, type ShapingCommand } from '../../backend/tc/index.js'
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
}

const nsArgs = (ns: Target): string[] => (ns.kind === 'netns' ? ['-n', ns.name] : [])
const netnsOpt = (ns: Target): { netns?: string } => (ns.kind === 'netns' ? { netns: ns.name } : {})

export class SystemPortServices implements PortServices {
  private readonly runner: Runner
  private readonly conns = new OvsConnections()
  private readonly resolve: (t: Target) => string | undefined

  constructor(private readonly o: SystemServicesOptions = {}) {
    this.runner = o.runner ?? systemRunner
    this.resolve = defaultOvsdbResolver({ address: o.ovsdb, stateDir: o.stateDir })
  }

  async ipBatch(ns: Target, lines: readonly string[], opts: { force?: boolean } = {}): Promise<BatchResult> {
    if (lines.length === 0) return { ok: true, stderr: '' }
    const argv = ['ip', ...nsArgs(ns), ...(opts.force === true ? ['-force'] : []), '-batch', '-']
    const res = await this.runner.run(argv, { input: `${lines.join('\n')}\n`, allowFailure: true })
    return { ok: res.exitCode === 0, stderr: res.stderr }
  }

  async linkNames(ns: Target): Promise<Set<string>> {
    const res = await this.runner.run(['ip', ...nsArgs(ns), '-json', 'link', 'show'])
    const links = JSON.parse(res.stdout || '[]') as Array<{ ifname?: string }>
    return new Set(links.flatMap((l) => (typeof l.ifname === 'string' ? [l.ifname] : [])))
  }

  async linkMac(ns: Target, dev: string): Promise<string | undefined> {
    const res = await this.runner.run(['ip', ...nsArgs(ns), '-json', 'link', 'show', 'dev', dev], { allowFailure: true })
    if (res.exitCode !== 0) return undefined
    const links = JSON.parse(res.stdout || '[]') as Array<{ address?: string }>
    return links[0]?.address
  }

  async tc(ns: Target, commands: readonly ShapingCommand[]): Promise<void> {
    await applyShapingCommands(this.runner, commands, netnsOpt(ns))
  }

  async txChecksumOff(ns: Target, dev: string): Promise<void> {
    const netns = ns.kind === 'netns' ? { netns: ns.name } : {}
    const res = await this.runner.run(['ethtool', '-K', dev, 'tx', 'off'], { ...netns, allowFailure: true })
    if (res.exitCode !== 0) {
      throw new HostnetError('backend-failure', `cannot turn checksum offload off on '${dev}': ${res.stderr.trim().split('\n')[0] ?? ''}`, {
        details: { device: dev, stderr: res.stderr },
      })
    }
  }

  async hasHtbRoot(ns: Target, dev: string): Promise<boolean> {
    const res = await this.runner.run(['tc', ...nsArgs(ns), '-json', 'qdisc', 'show', 'dev', dev], { allowFailure: true })
    if (res.exitCode !== 0) return false
    const qdiscs = JSON.parse(res.stdout || '[]') as Array<{ kind?: string; handle?: string; root?: boolean }>
    return qdiscs.some((q) => q.kind === 'htb' && q.handle === '1:' && q.root === true)
  }

  async ovsTransact(target: Target, ops: readonly OvsdbOperation[], opts: { wait: boolean }): Promise<OperationResult[]> {
    const address = this.resolve(target)
    if (address === undefined) {
      throw new HostnetError('dependency', `no Open vSwitch database serves ${target.kind === 'host' ? 'the host' : `namespace '${target.name}'`}`)
    }
    const probe = await this.conns.probe(address)
    if (!probe.ok) throw new HostnetError('dependency', `Open vSwitch database ${address} is not reachable: ${probe.reason}`)
    if (opts.wait) return (await transactAndWait(probe.client, ops)).results
    return probe.client.transact(VSWITCH_DB, ops)
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
    return this.conns.close()
  }
}
