/**
 * Bandwidth of an Open vSwitch port as libvirt sets it (virNetDevOpenvswitchInterfaceSetQos /
 * virNetDevOpenvswitchInterfaceClearQos, 9.9.0): `ovs-vsctl --timeout=5 …` argv lists, byte-identical to
 * libvirt (test/conformance/virnetdevbandwidth.test.ts).
 *
 * libvirt first looks up the queue and QoS rows it created earlier (`find queue|qos external-ids:vm-id=…
 * external-ids:ifname=…`); what follows depends on the answer. `renderOvsQos` takes those answers (`found`,
 * default: nothing) and returns the whole sequence, the look-ups marked `query`, so an applier runs the look-ups
 * first (`ovsQosLookups`), parses them (`parseOvsUuids`) and renders again with what it found.
 *
 * Units: the port's tx (guest inbound when swapped) becomes an htb QoS with other_config in bits per second
 * (kB/s·8000, KiB·8192 for burst); its rx becomes ingress policing in kbit/s (kB/s·8) and kbit (KiB·8).
 * @module
 */
import type { Bandwidth, BandwidthRate } from '../../model/netdev/bandwidth.js'
import { OVS_VSCTL } from './command.js'
import type { ShapingCommand } from './command.js'

export const OVS_TIMEOUT_SEC = 5

/** Row UUIDs libvirt's look-ups found (each list in the order ovs-vsctl printed them). */
export interface OvsQosFound {
  readonly queues: readonly string[]
  readonly qos: readonly string[]
  /** Whether `list port <if> qos` printed anything (decides the `remove port … qos` step). */
  readonly portHasQos?: boolean
}

export const NOTHING_FOUND: OvsQosFound = { queues: [], qos: [] }

export interface OvsQosOptions {
  /** As for tc: true for a tap (guest inbound = port egress). */
  swapped: boolean
  found?: OvsQosFound
}

function ovs(args: readonly string[], extra: Omit<ShapingCommand, 'argv'> = {}): ShapingCommand {
  return { argv: [OVS_VSCTL, `--timeout=${OVS_TIMEOUT_SEC}`, ...args], ...extra }
}

/** libvirt's look-ups: their output matters, their failures only warn. */
const LOOKUP = { query: true, ignoreFailure: true } as const

export function ovsExternalIds(ifname: string, vmUuid: string): [string, string] {
  return [`external-ids:vm-id="${vmUuid}"`, `external-ids:ifname="${ifname}"`]
}

/** The two look-ups (queue, then qos) libvirt runs before setting or clearing the tx QoS. */
export function ovsQosLookups(ifname: string, vmUuid: string): ShapingCommand[] {
  const ids = ovsExternalIds(ifname, vmUuid)
  return ['queue', 'qos'].map((table) => ovs(['--no-heading', '--columns=_uuid', 'find', table, ...ids], LOOKUP))
}

/** UUIDs from a look-up's output (one per line). */
export function parseOvsUuids(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

function txConfig(tx: BandwidthRate): string[] {
  const out = [`other_config:min-rate=${BigInt(tx.average ?? 0) * 8000n}`]
  if (tx.burst !== undefined) out.push(`other_config:burst=${BigInt(tx.burst) * 8192n}`)
  if (tx.peak !== undefined) out.push(`other_config:max-rate=${BigInt(tx.peak) * 8000n}`)
  return out
}

function setTx(ifname: string, tx: BandwidthRate, vmUuid: string, found: OvsQosFound): ShapingCommand[] {
  const ids = ovsExternalIds(ifname, vmUuid)
  const config = txConfig(tx)
  const queue = found.queues[0]
  const head =
    queue !== undefined
      ? ['set', 'queue', queue]
      : ['set', 'port', ifname, 'qos=@qos1', ...ids, '--', '--id=@qos1', 'create', 'qos', 'type=linux-htb', ...config,
          'queues:0=@queue0', ...ids, '--', '--id=@queue0', 'create', 'queue']
  const out = [...ovsQosLookups(ifname, vmUuid), ovs([...head, ...config, ...ids])]
  const qos = found.qos[0]
  if (qos !== undefined) out.push(ovs(['set', 'qos', qos, ...config, ...ids]))
  return out
}

function clearTx(ifname: string, vmUuid: string, found: OvsQosFound): ShapingCommand[] {
  const out = ovsQosLookups(ifname, vmUuid)
  for (const qos of found.qos) {
    out.push(ovs(['--no-heading', '--columns=_uuid', '--if-exists', 'list', 'port', ifname, 'qos'], LOOKUP))
    if (found.portHasQos === true) out.push(ovs(['remove', 'port', ifname, 'qos', qos], { ignoreFailure: true }))
    out.push(ovs(['destroy', 'qos', qos], { ignoreFailure: true }))
  }
  for (const queue of found.queues) out.push(ovs(['destroy', 'queue', queue], { ignoreFailure: true }))
  return out
}

function setRx(ifname: string, rx: BandwidthRate): ShapingCommand {
  const args = ['set', 'Interface', ifname, `ingress_policing_rate=${BigInt(rx.average ?? 0) * 8n}`]
  if (rx.burst !== undefined) args.push(`ingress_policing_burst=${BigInt(rx.burst) * 8n}`)
  return ovs(args)
}

function clearRx(ifname: string): ShapingCommand {
  return ovs(['set', 'Interface', ifname, 'ingress_policing_rate=0', 'ingress_policing_burst=0'], { ignoreFailure: true })
}

/** virNetDevOpenvswitchInterfaceClearQos. */
export function renderOvsClearQos(ifname: string, vmUuid: string, found: OvsQosFound = NOTHING_FOUND): ShapingCommand[] {
  return [...clearTx(ifname, vmUuid, found), clearRx(ifname)]
}

/** virNetDevOpenvswitchInterfaceSetQos: nothing for an absent bandwidth. */
export function renderOvsQos(
  ifname: string,
  bandwidth: Bandwidth | undefined,
  vmUuid: string,
  opts: OvsQosOptions,
): ShapingCommand[] {
  if (bandwidth === undefined) return []
  const found = opts.found ?? NOTHING_FOUND
  if (bandwidth.inbound === undefined && bandwidth.outbound === undefined) return renderOvsClearQos(ifname, vmUuid, found)
  const rx = opts.swapped ? bandwidth.outbound : bandwidth.inbound
  const tx = opts.swapped ? bandwidth.inbound : bandwidth.outbound
  const out = tx?.average ? setTx(ifname, tx, vmUuid, found) : clearTx(ifname, vmUuid, found)
  out.push(rx !== undefined ? setRx(ifname, rx) : clearRx(ifname))
  return out
}
