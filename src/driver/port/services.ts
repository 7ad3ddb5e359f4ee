/**
 * What the port driver needs from the system, as one narrow interface: typed link operations in a namespace
 * (backend/iproute2), link names and MACs, tc, the target's Open vSwitch ports (backend/ovs-host), and the SR-IOV
 * virtual functions of a PF (sysfs). The real implementation is ./system-services.ts; tests substitute a recording
 * fake.
 * @module
 */
import type { Target } from '../../model/target.js'
import type { LinkOp } from '../../backend/iproute2/index.js'
import type { VmPort, VmPortRef } from '../../backend/ovs-host/index.js'
import type { ShapingCommand } from '../../backend/tc/index.js'
import type { PortOp, PortProfileInput, PortProfileLive, PortProfileOutcome } from '../../backend/vportprofile/index.js'
import type { VirtualFunction } from '../../model/port/index.js'

export interface BatchResult {
  ok: boolean
  stderr: string
  /** The index of the op whose line failed, when known (the ops before it took effect). */
  failedOp?: number
}

export interface PortServices {
  /** Run link operations in one `ip -batch` in a namespace; `force` goes on after a failing one (the result says whether all worked). */
  linkBatch(ns: Target, ops: readonly LinkOp[], opts?: { force?: boolean }): Promise<BatchResult>
  /** The names of the namespace's links. */
  linkNames(ns: Target): Promise<Set<string>>
  /** The namespace's links with their aliases (IFLA_IFALIAS; undefined: none). */
  linkAliases(ns: Target): Promise<Map<string, string | undefined>>
  /** A device's MAC, or undefined when it does not exist. */
  linkMac(ns: Target, dev: string): Promise<string | undefined>
  /** Run tc commands in order (steps marked ignoreFailure may fail). */
  tc(ns: Target, commands: readonly ShapingCommand[]): Promise<void>
  /**
   * Turn transmit checksum offload off on a device (`ethtool -K DEV tx off`): a veth guest end on an Open vSwitch
   * userspace-datapath bridge, whose packet sockets would forward its partial checksums unfinished.
   */
  txChecksumOff(ns: Target, dev: string): Promise<void>
  /** Whether a device has an htb root qdisc `1:` (a network's QoS tree). */
  hasHtbRoot(ns: Target, dev: string): Promise<boolean>
  /** The rate of a network tree's default class 1:2 in kB/s (undefined: none). */
  defaultClassRate(ns: Target, dev: string): Promise<number | undefined>
  /** Add VMs' taps as ports of Open vSwitch bridges: one OVSDB transaction, resolved once ovs-vswitchd applied it. */
  ovsAddPorts(target: Target, ports: readonly VmPort[]): Promise<void>
  /** Remove such ports with the QoS rows they had (ports already gone are no error). */
  ovsRemovePorts(target: Target, ports: readonly VmPortRef[]): Promise<void>
  /** The virtual functions of an SR-IOV PF, in index order. */
  virtualFunctions(pf: string): VirtualFunction[]
  /**
   * Run an 802.1Qbg (lldpad, VDP) or 802.1Qbh (the driver) port-profile operation for a port's device to its
   * end; a PortProfileError (with the VDP/port-profile status) when refused or timed out.
   */
  portProfile(target: Target, input: PortProfileInput, op: PortOp): Promise<PortProfileOutcome>
  /** The association's state as lldpad or the driver reports it now. */
  portProfileStatus(target: Target, input: PortProfileInput): Promise<PortProfileLive>
  /** Whether a namespace exists (the host always does). */
  namespaceExists(ns: Target): boolean
  /** Release connections. */
  close(): Promise<void>
}
