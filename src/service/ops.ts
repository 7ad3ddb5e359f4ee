/**
 * What the edges (CLI, REST API, the remote CLI's client) can ask of hostnet: one interface, implemented once over
 * the store, the engine and the drivers (./local.ts). The remote CLI implements the remotable part over HTTP, so
 * a verb prints the same whether it runs here or on another host. Types only: importing this costs nothing.
 * @module
 */
import type { Target } from '../model/target.js'
import type { HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { ApplyResult } from '../txn/apply.js'
import type { NetworkDetails, NetworkSummary, NetworkUpdateResult } from '../driver/network/driver.js'
import type { NetworkUpdateRequest, UpdateScopeFlags } from '../model/network/update.js'
import type { DhcpLeaseEntry } from '../driver/network/services.js'
import type { GuestEnd } from '../driver/port/plug-record.js'
import type { PortAssociation } from '../driver/port/association.js'
import type { NetworkPortDef } from '../model/networkport.js'
import type { TxnStatus } from '../store/journal.js'
import type { Actor } from '../store/change-kinds.js'

export type { ApplyResult, DhcpLeaseEntry, HostState, NetworkDetails, NetworkSummary, NetworkUpdateResult }

/** net-update's arguments: libvirt's command, section, parent index and element, and its --live/--config/--current. */
export type NetworkUpdateInput = NetworkUpdateRequest & UpdateScopeFlags

/** A desired-state document as the user wrote it (parsed by the side that applies it). */
export interface DocumentText {
  text: string
  format: 'json' | 'yaml'
  /** Leave out what hostnet does not do (keys, interface types) instead of refusing the document (--skip-unsupported). */
  skipUnsupported?: boolean
}

export interface DiffOutput {
  ops: HostOp[]
  touched: string[]
}

export interface ApplyOptions {
  confirmWithinSec?: number | undefined
  noVerify?: boolean
  /** Who asks (the change record); default: the store's actor. */
  actor?: Actor | undefined
}

export interface TxnOutcome {
  transactionId: number
  status: TxnStatus
}

export interface NetworkDefined {
  name: string
  uuid: string
  bridge?: string
}

/** A port as the CLI's --json and the API show it. */
export interface PortView {
  uuid: string
  network: string
  target: string
  status: string
  owner: NetworkPortDef['owner']
  mac: string
  plug: NetworkPortDef['plug']
  /** The portgroup it was allocated from, its VLAN tags and bandwidth (as allocated: merged with the network's). */
  group?: string
  vlan?: NetworkPortDef['vlan']
  bandwidth?: NetworkPortDef['bandwidth']
  device?: string
  guest?: GuestEnd
  hostdev?: string
  /** The 802.1Qbg/802.1Qbh association of the port's device (list and get: with its live state). */
  association?: PortAssociationView
}

/** A port's 802.1Qbg/802.1Qbh association (driver/port/association.ts). */
export type PortAssociationView = PortAssociation

/** What a port is made from: a `<networkport>` document, or a domain `<interface type='network'>`. */
export interface PortSource {
  xml: string
  kind: 'networkport' | 'interface'
  /** networkport: validate against the schema first (virsh --validate). */
  validate?: boolean
  /** interface: the owner domain's name (default hostnet) and UUID (default random). */
  domain?: string
  domainUuid?: string
  /** Host device name (default hnp + 12 hex digits of the port UUID). */
  ifname?: string
}

export interface PortCreateFlags {
  reclaim?: boolean
  /** false: allocate only, the hypervisor plugs. */
  plug?: boolean
  /** 802.1Qbg/802.1Qbh ports: pre-associate only (incoming migration); `portAssociate` completes it. */
  profileOp?: 'preassociate' | 'preassociate-rr'
}

/** The verbs the remote CLI runs through the API (net-*, net-port-*, show, diff, apply, commit, rollback). */
export interface RemotableOps {
  show(target: Target, names?: readonly string[]): Promise<HostState>
  diff(target: Target, doc: DocumentText): Promise<DiffOutput>
  apply(target: Target, doc: DocumentText, opts?: ApplyOptions): Promise<ApplyResult>
  commit(target: Target): Promise<TxnOutcome>
  rollback(target: Target): Promise<TxnOutcome>

  netList(target: Target | undefined, opts?: { all?: boolean }): Promise<NetworkSummary[]>
  netDefine(target: Target, xml: string): Promise<NetworkDefined>
  netCreate(target: Target, xml: string): Promise<NetworkDefined>
  netStart(target: Target, name: string): Promise<void>
  netDestroy(target: Target, name: string, opts?: { deferDelete?: boolean }): Promise<void>
  netUndefine(target: Target, name: string): Promise<void>
  netAutostart(target: Target, name: string, on: boolean): Promise<void>
  netUpdate(target: Target, name: string, input: NetworkUpdateInput): Promise<NetworkUpdateResult>
  netInfo(target: Target, name: string): Promise<NetworkDetails>
  netDumpXml(target: Target, name: string, opts?: { inactive?: boolean }): Promise<string>
  netLeases(target: Target, name: string): Promise<DhcpLeaseEntry[]>

  portList(target: Target, network: string): Promise<PortView[]>
  portCreate(target: Target, network: string, source: PortSource, flags?: PortCreateFlags): Promise<PortView>
  portDumpXml(target: Target, network: string, uuid: string, opts?: { domainInterface?: boolean }): Promise<string>
  /** One port, with its association's live state. */
  portGet(target: Target, network: string, uuid: string): Promise<PortView>
  /** Complete a pre-associated port's 802.1Qbg/802.1Qbh association. */
  portAssociate(target: Target, network: string, uuid: string): Promise<PortView>
  portDelete(target: Target, network: string, uuid: string): Promise<void>
}
