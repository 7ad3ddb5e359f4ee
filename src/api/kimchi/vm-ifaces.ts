/**
 * `/plugins/kimchi/vms/:name/ifaces`: guests' NICs. A NIC on a hostnet network is a hostnet port (allocated by
 * hostnet's port driver, owner = the domain) and libvirt receives the interface it resolved to (./model/vm-nic.ts):
 * attached with CONFIG when the domain is persistent and LIVE when it runs (hot-plug). Deleting the NIC deletes
 * its port. Kimchi's checks, in Kimchi's order; `ips` from the network's DHCP leases and the target's neighbour
 * (ARP) table. Only the MAC can be changed, and only while the guest is shut off (API.md's model/network change
 * was never implemented by Kimchi either).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { el, writeXml } from '../../codec/xml/write.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import { parseMac } from '../../model/values/mac.js'
import { LinkLayer } from '../../backend/iproute2/index.js'
import { AFFECT_CONFIG, AFFECT_LIVE } from '../../backend/libvirt/index.js'
import { HostnetError } from '../../errors.js'
import { portRequest } from '../../service/ports.js'
import type { DomainInfo, KimchiEnv } from './env.js'
import { isS390 } from './env.js'
import { errText, invalid, KimchiError, notFound } from './wok/errors.js'
import { validateParams } from './wok/schema.js'
import { VMIFACE_UPDATE, VMIFACES_CREATE } from './schemas.js'
import { domainInterfaces, interfaceDeviceXml } from './model/domain-xml.js'
import { generateMac, kimchiIface, resolvedInterface, type KimchiIface } from './model/vm-nic.js'
import { domainPorts, type NicPort } from './vm-ports.js'

export async function requireDomain(env: KimchiEnv, name: string): Promise<DomainInfo> {
  const d = (await env.listDomains()).find((x) => x.name === name)
  if (d === undefined) throw notFound('KCHVM0002E', { name })
  return d
}

/** A port on `network` for domain `d`'s NIC `mac`, allocated (not plugged: libvirt plugs), and its resolved NIC. */
export async function makeNicPort(env: KimchiEnv, d: { name: string; uuid: string }, network: string, mac: string, model: string | undefined): Promise<{ port: NicPort; iface: DomainInterfaceDef }> {
  const rec = env.networkRecord(network)
  if (rec === undefined) throw invalid('KCHVMIF0002E', { network, name: d.name })
  if (rec.status !== 'active') throw invalid('HOSTNET0002E', { network })
  const xml = writeXml(el('interface', [['type', 'network']], [el('source', [['network', network]]), el('mac', [['address', mac]])]))
  const req = portRequest({ kind: 'interface', xml, domain: d.name, domainUuid: d.uuid })
  let info
  try {
    info = await env.rt.networks().ports.create(env.target, network, req, { plug: false, actor: env.actor })
  } catch (e) {
    const status = e instanceof HostnetError && (e.kind === 'invalid-argument' || e.kind === 'conflict') ? 400 : 500
    throw new KimchiError(status, 'HOSTNET0005E', { network, name: d.name, err: errText(e) }, {}, { cause: e })
  }
  return { port: { network, uuid: info.uuid, port: info.port }, iface: resolvedInterface(info.port, model) }
}

export async function deletePort(env: KimchiEnv, p: NicPort): Promise<void> {
  try {
    await env.rt.networks().ports.delete(env.target, p.network, p.uuid, { actor: env.actor })
  } catch (e) {
    env.facade.log(`kimchi: port ${p.uuid} on network '${p.network}' could not be deleted: ${errText(e)}`)
  }
}

/** IPs of a MAC: the network's DHCP leases and the target's neighbour table. */
async function ipsOf(env: KimchiEnv, network: string | null | undefined, mac: string): Promise<string[]> {
  const out = new Set<string>()
  if (typeof network === 'string' && env.networkRecord(network)?.status === 'active') {
    try {
      for (const l of await env.rt.networks().leases(env.target, network)) if (l.mac?.toLowerCase() === mac) out.add(l.ip)
    } catch (e) {
      env.facade.log(`kimchi: leases of '${network}': ${errText(e)}`)
    }
  }
  try {
    for (const n of await new LinkLayer().neighbors(env.target)) if (n.mac === mac && !n.ip.includes(':')) out.add(n.ip)
  } catch (e) {
    env.facade.log(`kimchi: neighbour table: ${errText(e)}`)
  }
  return [...out].sort()
}

interface DomainNics {
  d: DomainInfo
  running: boolean
  persistent: boolean
  nics: DomainInterfaceDef[]
  ports: Map<string, NicPort>
}

async function domainNics(env: KimchiEnv, vm: string): Promise<DomainNics> {
  const d = await requireDomain(env, vm)
  const [state, persistent, xml] = await env.libvirtCall(() => Promise.all([env.libvirt().state(d.ref), env.libvirt().isPersistent(d.ref), env.libvirt().xml(d.ref)]))
  return { d, running: state !== 'shutoff' && state !== 'nostate', persistent, nics: domainInterfaces(xml), ports: domainPorts(env, d.uuid) }
}

async function represent(env: KimchiEnv, dn: DomainNics, nic: DomainInterfaceDef): Promise<KimchiIface> {
  const mac = String(nic.mac).toLowerCase()
  const base: KimchiIface = kimchiIface(nic, dn.ports.get(mac)?.network)
  if (base.network === undefined) return base
  return { ...base, ips: dn.running ? await ipsOf(env, base.network, mac) : [] }
}

export async function listIfaces(env: KimchiEnv, vm: string): Promise<KimchiIface[]> {
  const dn = await domainNics(env, vm)
  const out: KimchiIface[] = []
  for (const nic of dn.nics) out.push(await represent(env, dn, nic))
  return out
}

function findNic(dn: DomainNics, mac: string): DomainInterfaceDef {
  const nic = dn.nics.find((n) => String(n.mac).toLowerCase() === mac.toLowerCase())
  if (nic === undefined) throw notFound('KCHVMIF0001E', { name: dn.d.name, iface: mac })
  return nic
}

export async function getIface(env: KimchiEnv, vm: string, mac: string): Promise<KimchiIface> {
  const dn = await domainNics(env, vm)
  return represent(env, dn, findNic(dn, mac))
}

function flagsOf(dn: DomainNics): number {
  return (dn.persistent ? AFFECT_CONFIG : 0) | (dn.running ? AFFECT_LIVE : 0)
}

async function attach(env: KimchiEnv, dn: DomainNics, nic: DomainInterfaceDef, flags: number): Promise<void> {
  try {
    await env.libvirtCall(() => env.libvirt().attachDevice(dn.d.ref, interfaceDeviceXml(nic), flags))
  } catch (e) {
    if (e instanceof KimchiError) throw e
    throw new KimchiError(500, 'HOSTNET0004E', { name: dn.d.name, err: errText(e) }, {}, { cause: e })
  } finally {
    env.invalidateDomains()
  }
}

async function detach(env: KimchiEnv, dn: DomainNics, nic: DomainInterfaceDef, flags: number): Promise<void> {
  try {
    await env.libvirtCall(() => env.libvirt().detachDevice(dn.d.ref, interfaceDeviceXml(nic), flags))
  } catch (e) {
    if (e instanceof KimchiError) throw e
    throw new KimchiError(500, 'HOSTNET0004E', { name: dn.d.name, err: errText(e) }, {}, { cause: e })
  } finally {
    env.invalidateDomains()
  }
}

interface IfaceParams {
  type: 'network' | 'macvtap' | 'ovs'
  network?: string
  source?: string
  mode?: 'bridge' | 'vepa'
  model?: string
  mac?: string
}

/** POST: returns the new NIC's MAC. */
export async function createIface(env: KimchiEnv, vm: string, body: unknown): Promise<string> {
  validateParams(VMIFACES_CREATE, body)
  const p = body as IfaceParams
  const dn = await domainNics(env, vm)
  if (p.type === 'network') {
    if (p.network === undefined) throw invalid('KCHVMIF0007E', { value: JSON.stringify(body) })
    if (env.networkRecord(p.network) === undefined) throw invalid('KCHVMIF0002E', { network: p.network, name: vm })
  }
  const truthy = p.source !== undefined && p.source !== ''
  if (!isS390(env.arch)) {
    if (p.type === 'ovs' || p.type === 'macvtap') throw invalid('KCHVMIF0012E')
    if (truthy) throw invalid('KCHVMIF0013E')
  } else {
    if ((p.type === 'ovs' || p.type === 'macvtap') && !truthy) throw invalid('KCHVMIF0015E')
    if (p.type === 'network' && truthy) throw invalid('KCHVMIF0014E')
  }
  const taken = new Set(dn.nics.map((n) => String(n.mac).toLowerCase()))
  let mac: string
  if (p.mac !== undefined && p.mac !== '') {
    mac = p.mac.toLowerCase()
    if (taken.has(mac)) throw invalid('KCHVMIF0009E', { name: vm, mac })
  } else mac = generateMac(taken)
  let nic: DomainInterfaceDef
  let port: NicPort | undefined
  if (p.type === 'network') {
    const made = await makeNicPort(env, { name: dn.d.name, uuid: dn.d.uuid }, p.network!, mac, p.model ?? 'virtio')
    nic = made.iface
    port = made.port
  } else if (p.type === 'macvtap') {
    nic = { type: 'direct', dev: p.source!, mode: p.mode ?? 'vepa', mac: parseMac(mac), ...(p.model === undefined ? {} : { model: p.model }) }
  } else {
    nic = { type: 'bridge', bridge: p.source!, virtualPort: { type: 'openvswitch' }, mac: parseMac(mac), ...(p.model === undefined ? {} : { model: p.model }) }
  }
  try {
    await attach(env, dn, nic, flagsOf(dn))
  } catch (e) {
    if (port !== undefined) await deletePort(env, port)
    throw e
  }
  env.rt.store.changes.append({ target: env.targetKey, kind: 'vm.nic-attached', object: dn.d.name, actor: env.actor, detail: { mac, ...(p.network === undefined ? {} : { network: p.network }), live: dn.running } })
  return mac
}

export async function deleteIface(env: KimchiEnv, vm: string, mac: string): Promise<void> {
  const dn = await domainNics(env, vm)
  const nic = findNic(dn, mac)
  await detach(env, dn, nic, flagsOf(dn))
  const port = dn.ports.get(String(nic.mac).toLowerCase())
  if (port !== undefined) await deletePort(env, port)
  env.rt.store.changes.append({ target: env.targetKey, kind: 'vm.nic-detached', object: dn.d.name, actor: env.actor, detail: { mac: String(nic.mac) } })
}

/** PUT: a new MAC (shut-off guests only); returns it (303 to the new URI). */
export async function updateIface(env: KimchiEnv, vm: string, mac: string, body: unknown): Promise<string> {
  validateParams(VMIFACE_UPDATE, body)
  const dn = await domainNics(env, vm)
  const nic = findNic(dn, mac)
  if (dn.running) throw invalid('KCHVMIF0011E')
  const wanted = (body as { mac?: string }).mac
  if (wanted === undefined) throw invalid('KCHVMIF0008E')
  const newMac = wanted.toLowerCase()
  if (dn.nics.some((n) => String(n.mac).toLowerCase() === newMac)) throw invalid('KCHVMIF0009E', { name: vm, mac: newMac })
  const oldPort = dn.ports.get(String(nic.mac).toLowerCase())
  let replacement: DomainInterfaceDef = { ...nic, mac: parseMac(newMac) }
  let newPort: NicPort | undefined
  if (oldPort !== undefined) {
    const made = await makeNicPort(env, { name: dn.d.name, uuid: dn.d.uuid }, oldPort.network, newMac, nic.model)
    replacement = made.iface
    newPort = made.port
  }
  try {
    await detach(env, dn, nic, AFFECT_CONFIG)
    try {
      await attach(env, dn, replacement, AFFECT_CONFIG)
    } catch (e) {
      await attach(env, dn, nic, AFFECT_CONFIG).catch((again: unknown) => env.facade.log(`kimchi: NIC ${String(nic.mac)} of '${vm}' could not be put back: ${errText(again)}`))
      throw e
    }
  } catch (e) {
    if (newPort !== undefined) await deletePort(env, newPort)
    throw e
  }
  if (oldPort !== undefined) await deletePort(env, oldPort)
  env.rt.store.changes.append({ target: env.targetKey, kind: 'vm.nic-updated', object: dn.d.name, actor: env.actor, detail: { mac: String(nic.mac), newMac } })
  return newMac
}

export function newDomainUuid(): string {
  return randomUUID()
}
