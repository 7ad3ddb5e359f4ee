/**
 * What the port driver needs from the system, as one narrow interface: `ip -batch` in a namespace, link names and
 * MACs, tc, the target's Open vSwitch database, and the SR-IOV virtual functions of a PF (sysfs). The real
 * implementation is ./system-services.ts; tests substitute a recording fake.
 * @module
 */
import type { Target } from '../../model/target.js'
import type { OperationResult, OvsdbOperation } from '../../backend/ovsdb/ops.js'
import type { ShapingCommand } from '../../backend/tc/index.js'
import type { VirtualFunction } from '../../model/port/index.js'

export interface BatchResult {
  ok: boolean
  stderr: string
}

export interface PortServices {
  /** Run `ip` batch lines in a namespace; `force` goes on after a failing line (the result says whether all worked). */
  ipBatch(ns: Target, lines: readonly string[], opts?: { force?: boolean }): Promise<BatchResult>
  /** The names of the namespace's links. */
  linkNames(ns: Target): Promise<Set<string>>
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
  /** One transaction on the target's OVSDB; with `wait`, resolved once ovs-vswitchd applied it. */
  ovsTransact(target: Target, ops: readonly OvsdbOperation[], opts: { wait: boolean }): Promise<OperationResult[]>
  /** The virtual functions of an SR-IOV PF, in index order. */
  virtualFunctions(pf: string): VirtualFunction[]
  /** Whether a namespace exists (the host always does). */
  namespaceExists(ns: Target): boolean
  /** Release connections. */
  close(): Promise<void>
}
