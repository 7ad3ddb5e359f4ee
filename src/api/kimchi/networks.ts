/**
 * Kimchi's networks over hostnet's network driver: the representation (the ten keys Kimchi's tests assert), and
 * create, delete, update (delete + recreate, as Kimchi does it), activate and deactivate with Kimchi's checks in
 * Kimchi's order. A network is hostnet's network: the CLI, the API and the console see the same one.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkRecord } from '../../store/networks.js'
import type { HostBridgeRecord } from '../../store/kimchi.js'
import { currentDef, networkNameProblem } from '../../driver/network/define.js'
import { suggestSubnet, usedBlocks } from '../../service/free-subnet.js'
import { LinkLayer } from '../../backend/iproute2/index.js'
import { sleepMs } from '../../sys/sleep.js'
import type { KimchiEnv } from './env.js'
import { isS390 } from './env.js'
import { errText, failed, invalid, KimchiError, notFound } from './wok/errors.js'
import { validateParams } from './wok/schema.js'
import { NETWORK_UPDATE, NETWORKS_CREATE, type Connection } from './schemas.js'
import { hostView, isBareNic, kimchiType, usedByNetworks } from './model/host-ifaces.js'
import { kimchiNetworkXml, readNetwork, subnetOfAddress, type NetworkShape } from './model/network-xml.js'
import { parseKimchiSubnet, type KimchiSubnet } from './model/subnet.js'
import { createHostBridge, hostBridgeName, releaseHostBridge } from './host-bridge.js'
import { networkVms } from './vm-ports.js'

export interface KimchiNetwork {
  name: string
  connection: string
  interfaces: string[]
  subnet: string
  dhcp: { start: string; end: string }
  vms: string[]
  in_use: boolean
  autostart: boolean
  state: 'active' | 'inactive'
  persistent: boolean
}

export interface NetworkCreateParams {
  name: string
  connection: Connection
  subnet?: string
  interfaces?: unknown[]
  vlan_id?: number
}

/** template.conf's default networks: `default` (none on s390x). They are always in use. */
export function defaultNetworks(env: KimchiEnv): string[] {
  return isS390(env.arch) ? [] : ['default']
}

/** Which templates name each network. */
export function templatesByNetwork(env: KimchiEnv): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const t of env.rt.store.kimchi.listTemplates(env.targetKey)) {
    const nets = Array.isArray(t.doc['networks']) ? (t.doc['networks'] as unknown[]) : []
    for (const n of nets) if (typeof n === 'string') out.set(n, [...(out.get(n) ?? []), t.name])
  }
  return out
}

export interface NetworkUsage {
  vms: Map<string, string[]>
  templates: Map<string, string[]>
  defaults: Set<string>
}

export async function networkUsage(env: KimchiEnv): Promise<NetworkUsage> {
  return { vms: await networkVms(env), templates: templatesByNetwork(env), defaults: new Set(defaultNetworks(env)) }
}

function inUse(u: NetworkUsage, name: string): boolean {
  return (u.vms.get(name)?.length ?? 0) > 0 || (u.templates.get(name)?.length ?? 0) > 0 || u.defaults.has(name)
}

export async function representation(env: KimchiEnv, rec: NetworkRecord, u: NetworkUsage): Promise<KimchiNetwork> {
  const def = currentDef(rec)
  const r = readNetwork(def)
  let subnet = r.subnet
  if (subnet === '' && (r.connection === 'bridge' || r.connection === 'macvtap') && r.interfaces[0] !== undefined) {
    // a bridged network has no <ip>: Kimchi shows the address space of the host interface
    const iface = (await env.host()).interfaces.find((i) => i.name === r.interfaces[0])
    const a = iface?.ipv4?.addresses?.[0]
    if (a !== undefined) subnet = subnetOfAddress(a.ip, a.prefixLength)
  }
  const vms = [...(u.vms.get(rec.name) ?? [])].sort()
  return {
    name: rec.name,
    connection: r.connection,
    interfaces: r.interfaces,
    subnet,
    dhcp: r.dhcp,
    vms,
    in_use: inUse(u, rec.name),
    autostart: rec.autostart,
    state: rec.status === 'active' || rec.status === 'stopping' ? 'active' : 'inactive',
    persistent: rec.configXml !== undefined,
  }
}

function requireRecord(env: KimchiEnv, name: string): NetworkRecord {
  const rec = env.networkRecord(name)
  if (rec === undefined) throw notFound('KCHNET0002E', { name })
  return rec
}

export async function listNetworks(env: KimchiEnv): Promise<KimchiNetwork[]> {
  const u = await networkUsage(env)
  const recs = [...env.networkRecords()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const out: KimchiNetwork[] = []
  for (const rec of recs) {
    try {
      out.push(await representation(env, rec, u))
    } catch (e) {
      env.facade.log(`kimchi: network '${rec.name}' left out of the list: ${errText(e)}`) // as wok does
    }
  }
  return out
}

export async function getNetwork(env: KimchiEnv, name: string): Promise<KimchiNetwork> {
  return representation(env, requireRecord(env, name), await networkUsage(env))
}

// ---- create ------------------------------------------------------------------------------------------------

async function natSubnet(env: KimchiEnv, p: NetworkCreateParams): Promise<KimchiSubnet> {
  if (p.subnet !== undefined && p.subnet !== '') {
    const s = parseKimchiSubnet(p.subnet)
    if (s === undefined) throw invalid('KCHNET0003E', { subnet: p.subnet, network: p.name })
    return s
  }
  try {
    const free = suggestSubnet(usedBlocks(await env.host(), env.defs()), 24)
    return parseKimchiSubnet(free.subnet)!
  } catch (e) {
    if (e instanceof HostnetError && e.kind === 'conflict') throw failed('KCHNET0009E', { name: p.name })
    throw e
  }
}

function interfaceNames(p: NetworkCreateParams): string[] {
  const list = p.interfaces ?? []
  if (list.length === 0) throw invalid('KCHNET0004E', { name: p.name })
  // Kimchi's items are untyped; a non-name here is a missing interface, not a crash
  if (list.some((x) => typeof x !== 'string' || x === '')) throw invalid('KCHNET0004E', { name: p.name })
  return list as string[]
}

/** Bring a link up if it is down (Kimchi's _ensure_iface_up: 10 s for the link to follow). */
async function ensureUp(env: KimchiEnv, iface: string): Promise<void> {
  const i = (await env.host()).interfaces.find((x) => x.name === iface)
  if (i === undefined || i.state === 'up') return
  try {
    await new LinkLayer().apply(env.target, [{ kind: 'link.set', name: iface, state: 'up' }], `bring up '${iface}'`)
  } catch (e) {
    throw failed('KCHNET0020E', { iface, err: errText(e) }, e)
  }
  for (let k = 0; k < 20; k++) {
    const now = (await env.host(true)).interfaces.find((x) => x.name === iface)
    if (now?.state === 'up') return
    await sleepMs(500)
  }
  throw failed('KCHNET0021E', { iface })
}

interface Prepared {
  shape: NetworkShape
  /** A host bridge made for this network (undone if the definition fails). */
  madeBridge?: string
}

async function prepareShape(env: KimchiEnv, p: NetworkCreateParams): Promise<Prepared> {
  if (p.connection === 'nat' || p.connection === 'isolated') return { shape: { kind: p.connection, subnet: await natSubnet(env, p) } }
  const ifaces = interfaceNames(p)
  if ((p.connection === 'bridge' || p.connection === 'macvtap') && ifaces.length > 1) throw invalid('KCHNET0030E')
  const used = usedByNetworks(env.defs())
  for (const iface of ifaces) if (used.has(iface)) throw invalid('KCHNET0006E', { iface, network: p.name })
  const view = hostView(await env.host(), env.defs())
  const nicOrBond = (n: string): boolean => {
    const i = view.byName.get(n)
    return isBareNic(i) || i?.type === 'bond'
  }
  switch (p.connection) {
    case 'macvtap':
      if (p.vlan_id !== undefined || !nicOrBond(ifaces[0]!)) throw invalid('KCHNET0028E', { name: ifaces[0] })
      return { shape: { kind: 'macvtap', dev: ifaces[0]! } }
    case 'vepa':
    case 'passthrough': {
      const bad = p.vlan_id !== undefined ? ifaces[0] : ifaces.find((n) => !nicOrBond(n))
      if (bad !== undefined) throw invalid('KCHNET0028E', { name: bad })
      return { shape: { kind: p.connection, devs: ifaces } }
    }
    case 'bridge': {
      const name = ifaces[0]!
      const i = view.byName.get(name)
      if (p.vlan_id !== undefined && i !== undefined && kimchiType(i) === 'bridge') throw invalid('KCHNET0019E', { name })
      if (i === undefined) throw invalid('KCHNET0007E', { iface: name })
      await ensureUp(env, name)
      if (kimchiType(i) === 'bridge') return { shape: { kind: 'bridge', bridge: name, openvswitch: i.type === 'ovs-bridge' } }
      if (!nicOrBond(name)) throw invalid('KCHNET0007E', { iface: name })
      const bridge = hostBridgeName(name, p.vlan_id)
      await createHostBridge(env, { network: p.name, nic: name, bridge, ...(p.vlan_id === undefined ? {} : { vlanId: p.vlan_id }) })
      return { shape: { kind: 'bridge', bridge, openvswitch: false }, madeBridge: bridge }
    }
  }
}

/** Create (define, autostart on, inactive) from validated parameters; returns the name. */
export async function defineNetwork(env: KimchiEnv, p: NetworkCreateParams, opts: { autostart?: boolean } = {}): Promise<string> {
  const problem = networkNameProblem(p.name)
  if (problem !== undefined) throw invalid('KCHNET0011E', { value: p.name })
  if (env.networkRecord(p.name) !== undefined) throw invalid('KCHNET0001E', { name: p.name })
  const prep = await prepareShape(env, p)
  try {
    await env.ops.netDefine(env.target, kimchiNetworkXml(p.name, prep.shape))
  } catch (e) {
    if (prep.madeBridge !== undefined) await releaseHostBridge(env, prep.madeBridge)
    if (e instanceof KimchiError) throw e
    throw new KimchiError(e instanceof HostnetError && e.kind === 'conflict' ? 400 : 500, 'KCHNET0008E', { name: p.name, err: errText(e) }, {}, { cause: e })
  }
  await env.ops.netAutostart(env.target, p.name, opts.autostart ?? true)
  return p.name
}

export async function createNetwork(env: KimchiEnv, body: unknown): Promise<string> {
  validateParams(NETWORKS_CREATE, body)
  return defineNetwork(env, body as NetworkCreateParams)
}

// ---- delete, update ----------------------------------------------------------------------------------------

function usedBy(list: readonly string[] | undefined): string {
  return list === undefined || list.length === 0 ? 'N/A' : list.join(', ')
}

async function checkNotInUse(env: KimchiEnv, name: string, code: 'KCHNET0017E' | 'KCHNET0018E'): Promise<void> {
  const u = await networkUsage(env)
  if (inUse(u, name)) throw invalid(code, { name, vms: usedBy(u.vms.get(name)), tmpls: usedBy(u.templates.get(name)) })
}

export async function deleteNetwork(env: KimchiEnv, name: string): Promise<void> {
  const rec = requireRecord(env, name)
  await checkNotInUse(env, name, 'KCHNET0017E')
  if (rec.status !== 'inactive') throw invalid('KCHNET0005E', { name })
  const def = currentDef(rec)
  await env.ops.netUndefine(env.target, name)
  const bridge = def.bridge?.name
  if (bridge !== undefined && env.rt.store.kimchi.hostBridge(env.targetKey, bridge)?.network === name) await releaseHostBridge(env, bridge)
}

function updateParams(env: KimchiEnv, def: NetworkDef, current: KimchiNetwork, body: Record<string, unknown>): NetworkCreateParams {
  const connection = current.connection
  const l3 = connection === 'nat' || connection === 'isolated'
  if (!l3 && body['subnet'] !== undefined) throw invalid('KCHNET0031E')
  const truthy = (v: unknown): boolean => v !== undefined && v !== null && v !== 0 && v !== '' && !(Array.isArray(v) && v.length === 0)
  if (l3 && (truthy(body['vlan_id']) || truthy(body['interfaces']))) throw invalid('KCHNET0032E')
  if (!['isolated', 'nat', 'bridge', 'macvtap', 'vepa', 'passthrough'].includes(connection)) throw invalid('KCHNET0008E', { name: current.name, err: `a '${connection}' network is not one the facade can update` })
  const merged: NetworkCreateParams = { name: (body['name'] as string | undefined) ?? current.name, connection: connection as Connection }
  if (l3) merged.subnet = (body['subnet'] as string | undefined) ?? current.subnet
  else {
    let ifaces = current.interfaces
    let vlan: number | undefined
    // a bridge hostnet made maps back to its NIC (and VLAN), so that it can be made again, e.g. with a new VLAN
    const made = def.bridge?.name === undefined ? undefined : env.rt.store.kimchi.hostBridge(env.targetKey, def.bridge.name)
    if (made !== undefined) {
      ifaces = [made.nic]
      vlan = made.vlanId
    }
    const given = body['interfaces'] as unknown[] | undefined
    merged.interfaces = given !== undefined && given.length > 0 ? given : ifaces
    const v = (body['vlan_id'] as number | undefined) ?? vlan
    if (v !== undefined) merged.vlan_id = v
  }
  return merged
}

/** Kimchi's update: delete, then create with the merged parameters; the original comes back if that fails. */
export async function updateNetwork(env: KimchiEnv, name: string, body: unknown): Promise<string> {
  validateParams(NETWORK_UPDATE, body)
  const rec = requireRecord(env, name)
  const def = currentDef(rec)
  const current = await getNetwork(env, name)
  const merged = updateParams(env, def, current, body as Record<string, unknown>)
  const originalXml = rec.configXml
  const madeBridge = def.bridge?.name === undefined ? undefined : env.rt.store.kimchi.hostBridge(env.targetKey, def.bridge.name)
  await deleteNetwork(env, name)
  env.host(true) // the delete may have given a NIC its addresses back
  try {
    return await defineNetwork(env, merged, { autostart: rec.autostart })
  } catch (e) {
    if (originalXml !== undefined) {
      try {
        await restoreOriginal(env, name, originalXml, rec.autostart, madeBridge)
      } catch (again) {
        env.facade.log(`kimchi: network '${name}' could not be restored after a failed update: ${errText(again)}`)
      }
    }
    throw e
  }
}

async function restoreOriginal(env: KimchiEnv, name: string, xml: string, autostart: boolean, made: HostBridgeRecord | undefined): Promise<void> {
  // a bridge hostnet made went with the network: make it again the way it was made
  if (made !== undefined) await createHostBridge(env, { network: name, nic: made.nic, bridge: made.bridge, ...(made.vlanId === undefined ? {} : { vlanId: made.vlanId }) })
  await env.ops.netDefine(env.target, xml)
  await env.ops.netAutostart(env.target, name, autostart)
}

// ---- actions -----------------------------------------------------------------------------------------------

export async function activateNetwork(env: KimchiEnv, name: string): Promise<void> {
  requireRecord(env, name)
  try {
    await env.ops.netStart(env.target, name)
  } catch (e) {
    throw failed('KCHNET0022E', { name, err: errText(e) }, e)
  }
}

/** Returns false when the network is gone afterwards (a transient one: wok answers 200 without a body). */
export async function deactivateNetwork(env: KimchiEnv, name: string): Promise<boolean> {
  const rec = requireRecord(env, name)
  await checkNotInUse(env, name, 'KCHNET0018E')
  try {
    await env.ops.netDestroy(env.target, name)
  } catch (e) {
    if (e instanceof HostnetError && e.kind === 'conflict') throw invalid('KCHNET0008E', { name, err: errText(e) }, e)
    throw failed('KCHNET0008E', { name, err: errText(e) }, e)
  }
  return rec.configXml !== undefined
}
