/**
 * A network definition as JSON: the fields of hostnet's network model (what GET …/networks/NAME?definition=true
 * shows), turned into libvirt XML and defined through the same parser and checks as XML is. Unknown top-level
 * fields are refused; everything inside is checked by the XML round (so messages name the XML field).
 * @module
 */
import { z } from '@hono/zod-openapi'
import { ValidationError } from '../errors.js'
import { formatNetworkXml } from '../codec/libvirt-xml/network/index.js'
import type { NetworkDef } from '../model/network/network-def.js'

const obj = z.record(z.string(), z.unknown())
const arr = z.array(z.unknown()).max(4096)

export const NetworkJson = z
  .object({
    name: z.string().min(1).max(256),
    uuid: z.string().max(64).optional(),
    title: z.string().max(4096).optional(),
    description: z.string().max(65536).optional(),
    metadata: obj.optional(),
    connections: z.number().optional().openapi({ description: 'ignored (live state)' }),
    ipv6: z.boolean().optional(),
    trustGuestRxFilters: z.boolean().optional(),
    forward: obj.optional().openapi({ description: "{mode: 'nat'|'route'|'open'|'bridge'|'private'|'vepa'|'passthrough'|'hostdev'|'none', interfaces: [{dev}], nat: {...}, ...}" }),
    bridge: obj.optional(),
    mtu: z.number().int().optional(),
    mac: z.string().max(64).optional(),
    domain: obj.optional(),
    dns: obj.optional(),
    ips: arr.optional(),
    routes: arr.optional(),
    virtualPort: obj.optional(),
    portGroups: arr.optional(),
    bandwidth: obj.optional(),
    vlan: obj.optional(),
    isolatedPort: z.boolean().optional(),
    dnsmasqOptions: z.array(z.string().max(4096)).max(256).optional(),
  })
  .strict()
  .openapi('NetworkDefinition', { description: "hostnet's network model (libvirt's <network> as JSON)" })

/** The libvirt XML of a JSON definition (the caller defines it as XML: same checks, same messages). */
export function networkXmlFromJson(json: z.infer<typeof NetworkJson>): string {
  const { connections: _live, forward, ...rest } = json
  const def = {
    ...rest,
    forward: { mode: 'none', interfaces: [], addresses: [], ...(forward ?? {}) },
    ips: json.ips ?? [],
    routes: json.routes ?? [],
    portGroups: json.portGroups ?? [],
  } as unknown as NetworkDef
  try {
    return formatNetworkXml(def)
  } catch (e) {
    throw new ValidationError(`invalid network definition for '${json.name}': ${(e as Error).message}`, { path: 'body', object: `network '${json.name}'` })
  }
}
