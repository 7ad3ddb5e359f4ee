/**
 * `/plugins/kimchi/interfaces` (admins only) and `/plugins/kimchi/ovsbridges`: the target's interfaces as Kimchi
 * lists them (./model/host-ifaces.ts), from hostnet's own query; Open vSwitch bridges from the target's OVSDB
 * (none when it has no reachable Open vSwitch).
 * @module
 */
import type { KimchiEnv } from './env.js'
import { errText, invalid, notFound } from './wok/errors.js'
import { hostView, interfacesByName, kimchiInterface, usedByNetworks, type KimchiInterface } from './model/host-ifaces.js'

export const INUSE_VALUES = ['true', 'false'] as const

export async function listInterfaces(env: KimchiEnv, inuse: string | undefined): Promise<KimchiInterface[]> {
  if (inuse !== undefined && !(INUSE_VALUES as readonly string[]).includes(inuse)) throw invalid('KCHIFACE0002E', { value: inuse, supported_inuse: INUSE_VALUES.join(', ') })
  const defs = env.defs()
  const view = hostView(await env.host(), defs)
  const used = usedByNetworks(defs)
  const picked = inuse === undefined ? view.favoured : view.favoured.filter((i) => used.has(i.name) === (inuse === 'true'))
  return picked.map((i) => kimchiInterface(i, (x) => env.moduleOf(x))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function getInterface(env: KimchiEnv, name: string): Promise<KimchiInterface> {
  const i = interfacesByName(await env.host()).get(name)
  if (i === undefined) throw notFound('KCHIFACE0001E', { name })
  return kimchiInterface(i, (x) => env.moduleOf(x))
}

export async function listOvsBridges(env: KimchiEnv): Promise<string[]> {
  try {
    const status = await env.ops.ovsShow(env.target)
    return status.bridges.map((b) => b.name).sort()
  } catch (e) {
    env.facade.log(`kimchi: no Open vSwitch bridges listed: ${errText(e)}`)
    return []
  }
}
