/**
 * Guests and hostnet's networks: a NIC the facade plugs into a hostnet network gets a hostnet port whose owner is
 * the domain (name and UUID) and whose MAC is the NIC's, so "which network is this NIC on" and "which guests use
 * this network" are answered from hostnet's ports, checked against the domains libvirt has. A domain that names a
 * network the libvirt way (`<interface type='network'>`, defined by another tool) counts too, as in Kimchi.
 * @module
 */
import type { NetworkPortDef } from '../../model/networkport.js'
import type { DomainInfo, KimchiEnv } from './env.js'
import { domainInterfaces } from './model/domain-xml.js'

export interface NicPort {
  network: string
  uuid: string
  port: NetworkPortDef
}

/** Every port of the target's active networks. */
export function targetPorts(env: KimchiEnv): NicPort[] {
  const ports = env.rt.networks().ports
  const out: NicPort[] = []
  for (const rec of env.networkRecords()) {
    if (rec.status !== 'active') continue
    for (const p of ports.list(env.target, rec.name)) out.push({ network: p.network, uuid: p.uuid, port: p.port })
  }
  return out
}

function macKey(mac: string): string {
  return mac.toLowerCase()
}

/** The ports of one domain, by MAC. */
export function domainPorts(env: KimchiEnv, domainUuid: string, all = targetPorts(env)): Map<string, NicPort> {
  const out = new Map<string, NicPort>()
  for (const p of all) if (p.port.owner.uuid === domainUuid) out.set(macKey(String(p.port.mac)), p)
  return out
}

/** network name → names of the domains with a NIC on it. */
export async function networkVms(env: KimchiEnv): Promise<Map<string, string[]>> {
  const domains = await env.domainsIfAny()
  const out = new Map<string, Set<string>>()
  const add = (net: string, vm: string): void => {
    let s = out.get(net)
    if (s === undefined) out.set(net, (s = new Set()))
    s.add(vm)
  }
  if (domains.length === 0) return new Map()
  const byUuid = new Map<string, DomainInfo>(domains.map((d) => [d.uuid, d]))
  for (const p of targetPorts(env)) {
    const d = byUuid.get(p.port.owner.uuid)
    if (d !== undefined) add(p.network, d.name)
  }
  for (const d of domains) {
    let xml: string
    try {
      xml = await env.domainXmlOf(d, { inactive: true })
    } catch {
      continue // the domain went away meanwhile
    }
    if (!xml.includes("type='network'") && !xml.includes('type="network"')) continue
    for (const i of domainInterfaces(xml)) if (i.type === 'network') add(i.network, d.name)
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]))
}
