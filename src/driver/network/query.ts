/**
 * The read-only network verbs (net-list, net-info): store reads and a parse of the stored XML, nothing else, so
 * the CLI answers them without building the driver and its southbound services. NetworkDriver's list and info
 * are these functions.
 * @module
 */
import type { Target } from '../../model/target.js'
import type { NetworkRecord, NetworkStore } from '../../store/networks.js'
import { targetKey } from '../../txn/target-key.js'
import { notFound } from './context.js'
import { readRuntime } from './runtime-status.js'
import { readNetworkSummary, type NetworkSummaryFields } from '../../codec/libvirt-xml/network/summary.js'
import { currentDef, currentXml } from './stored-def.js'

export interface NetworkSummary {
  target: string
  name: string
  uuid: string
  /** libvirt's Active column; 'starting'/'stopping' while an operation runs. */
  state: 'active' | 'inactive' | 'starting' | 'stopping'
  autostart: boolean
  persistent: boolean
  forwardMode: string
  bridge: string | undefined
}

export interface NetworkDetails extends NetworkSummary {
  dnsmasqPid: number | undefined
  dnsmasqRestarts: number
  nftObjects: number | undefined
  lastError: unknown
}

/** Forward mode and bridge of the current definition: read from the XML's tags, parsed in full only if need be. */
function summaryFields(r: NetworkRecord): NetworkSummaryFields {
  const xml = currentXml(r)
  const fields = xml === undefined ? undefined : readNetworkSummary(xml)
  if (fields !== undefined) return fields
  const def = currentDef(r)
  return { forwardMode: def.forward.mode, bridge: def.bridge?.name }
}

export function networkSummary(r: NetworkRecord): NetworkSummary {
  const { forwardMode, bridge } = summaryFields(r)
  return {
    target: r.target,
    name: r.name,
    uuid: r.uuid,
    state: r.status,
    autostart: r.autostart,
    persistent: r.configXml !== undefined,
    forwardMode,
    bridge,
  }
}

/** net-list: active networks, or with `all` every network; `target` undefined lists every target. */
export function listNetworks(networks: NetworkStore, target: Target | undefined, opts: { all?: boolean } = {}): NetworkSummary[] {
  const recs = networks.list(target === undefined ? undefined : targetKey(target))
  return recs.filter((r) => opts.all === true || r.status !== 'inactive').map(networkSummary)
}

/** net-info. */
export function networkDetails(networks: NetworkStore, target: Target, name: string): NetworkDetails {
  const rec = networks.get(targetKey(target), name)
  if (rec === undefined) throw notFound(name)
  const rt = readRuntime(rec.runtime, name)
  return {
    ...networkSummary(rec),
    dnsmasqPid: rt.dnsmasqPid?.pid,
    dnsmasqRestarts: rt.dnsmasqRestarts ?? 0,
    nftObjects: rt.nftObjects,
    lastError: rec.error,
  }
}
