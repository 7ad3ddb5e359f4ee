/**
 * The zod schemas of the API: path parameters, query strings, JSON bodies and answers. The same objects validate
 * requests (operation.ts) and generate the OpenAPI document (openapi.ts); there is no second copy.
 * @module
 */
import { z } from '@hono/zod-openapi'
import { NETWORK_UPDATE_COMMANDS, NETWORK_UPDATE_SECTIONS } from '../model/network/update.js'
import { netnsNameProblem } from '../sys/netns.js'
import { ifNameProblem } from '../model/values/ifname.js'

/** Longest path parameter accepted (names are far shorter; this only bounds the work done on junk). */
export const MAX_PARAM_CHARS = 256

export const TargetParam = z
  .string()
  .max(MAX_PARAM_CHARS)
  .superRefine((v, ctx) => {
    if (v === 'host') return
    if (!v.startsWith('netns:')) {
      ctx.addIssue({ code: 'custom', message: `invalid target '${v}': expected 'host' or 'netns:NAME'` })
      return
    }
    const problem = netnsNameProblem(v.slice('netns:'.length))
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `invalid network namespace name '${v.slice('netns:'.length)}': ${problem}` })
  })
  .openapi({ description: "`host` (the host's own namespace) or `netns:NAME`", example: 'netns:lab' })

/** A network or interface name: checked by the service as the CLI checks it; here only bounded and slash-free. */
export const NameParam = z
  .string()
  .min(1)
  .max(MAX_PARAM_CHARS)
  .regex(/^[^/\0]+$/, "must not contain '/' or NUL")
  .openapi({ example: 'default' })

/** `a,b,c`: interface names (each checked as the kernel would). */
export const InterfaceNames = z
  .string()
  .max(4096)
  .superRefine((v, ctx) => {
    for (const n of v.split(',')) {
      const problem = ifNameProblem(n)
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: `invalid interface name '${n.slice(0, 64)}': ${problem}` })
        return
      }
    }
  })
  .openapi({ description: 'comma-separated interface names (default: all)', example: 'br0,eth0' })

export const UuidParam = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/, 'must be a UUID')
  .openapi({ example: '3f9a2c5e-8d1b-4c7a-9e6f-0a1b2c3d4e5f' })

export const IdParam = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer').openapi({ example: '12' })

/** A whole number in a query string: decimal digits only (no `0x10`, `1e3`, spaces). */
export function queryInt(min: number, max: number): z.ZodType<number> {
  return z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: 'integer', minimum: min, maximum: max }) as unknown as z.ZodType<number>
}

/** A positive number of seconds in a query string (`60`, `0.5`). */
export function querySeconds(max: number): z.ZodType<number> {
  return z
    .string()
    .regex(/^[0-9]{1,9}(\.[0-9]{1,6})?$/, 'must be a number of seconds')
    .transform(Number)
    .pipe(z.number().positive().max(max))
    .openapi({ type: 'number', exclusiveMinimum: 0, maximum: max }) as unknown as z.ZodType<number>
}

/** `true`/`false` (also `1`/`0`) in a query string. */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .openapi({ type: 'string', enum: ['true', 'false'] })

export const Problem = z
  .object({
    type: z.string().openapi({ example: 'urn:hostnet:problem:not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().openapi({ description: 'the message the CLI prints' }),
    kind: z.string().openapi({ description: "hostnet's error kind (invalid-argument, not-found, conflict, ...)" }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Problem')

/** An object the service defines (documented by its fields; answers are produced by the service's types). */
export function loose(name: string, description: string, example?: Record<string, unknown>): z.ZodType {
  return z
    .record(z.string(), z.unknown())
    .openapi(name, { description, ...(example === undefined ? {} : { example }) })
}

export const TargetInfo = z
  .object({
    target: z.string().openapi({ example: 'netns:lab' }),
    kind: z.enum(['host', 'netns']),
    name: z.string().optional(),
    exists: z.boolean(),
    networks: z.number().int(),
    transactions: z.number().int(),
    interfaceDefinitions: z.number().int(),
  })
  .openapi('Target')

export const NetworkSummary = z
  .object({
    target: z.string(),
    name: z.string(),
    uuid: z.string(),
    state: z.enum(['active', 'inactive', 'starting', 'stopping']),
    autostart: z.boolean(),
    persistent: z.boolean(),
    forwardMode: z.string(),
    bridge: z.string().optional(),
  })
  .openapi('NetworkSummary')

export const NetworkDetails = NetworkSummary.extend({
  dnsmasqPid: z.number().int().optional(),
  dnsmasqRestarts: z.number().int(),
  nftObjects: z.number().int().optional(),
  lastError: z.unknown().optional(),
}).openapi('NetworkDetails')

export const NetworkDefined = z
  .object({ name: z.string(), uuid: z.string(), bridge: z.string().optional() })
  .openapi('NetworkDefined')

/** net-update's request (libvirt's virNetworkUpdate: command, section, parent index, element, scope flags). */
export const NetworkUpdate = z
  .object({
    command: z.enum(['add', ...NETWORK_UPDATE_COMMANDS]).openapi({ description: "add (= add-last), add-first, add-last, modify or delete" }),
    section: z.enum(NETWORK_UPDATE_SECTIONS),
    xml: z.string().max(1024 * 1024).openapi({ description: 'the element to add, modify or match: <host>, <range>, <portgroup>, <interface>, <txt>, <srv>' }),
    parentIndex: z.number().int().min(-1).max(65535).optional().openapi({ description: 'the <ip> a DHCP host or range goes to (-1 or absent: the one with DHCP)' }),
    live: z.boolean().optional(),
    config: z.boolean().optional(),
    current: z.boolean().optional(),
  })
  .strict()
  .openapi('NetworkUpdate')

export const NetworkUpdated = z
  .object({ name: z.string(), live: z.boolean(), config: z.boolean(), dnsmasq: z.enum(['restart', 'reload', 'none']), firewall: z.boolean() })
  .openapi('NetworkUpdated')

export const Autostart = z.object({ autostart: z.boolean() }).strict().openapi('Autostart')

export const Lease = z
  .object({
    expires: z.union([z.number(), z.literal('infinite')]),
    mac: z.string().optional(),
    ip: z.string(),
    hostname: z.string().optional(),
    clientId: z.string().optional(),
  })
  .openapi('DhcpLease')

export const PortView = z
  .object({
    uuid: z.string(),
    network: z.string(),
    target: z.string(),
    status: z.string(),
    owner: z.object({ name: z.string(), uuid: z.string() }).passthrough(),
    mac: z.string(),
    plug: z.record(z.string(), z.unknown()).optional(),
    group: z.string().optional().openapi({ description: 'the portgroup it was allocated from' }),
    vlan: z.record(z.string(), z.unknown()).optional().openapi({ description: 'VLAN tags (tags, trunk, nativeMode, nativeTag)' }),
    bandwidth: z.record(z.string(), z.unknown()).optional().openapi({ description: 'inbound/outbound average, peak, burst (kB/s, KiB), floor' }),
    device: z.string().optional(),
    guest: z.record(z.string(), z.unknown()).optional(),
    hostdev: z.string().optional(),
    association: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "the 802.1Qbg/802.1Qbh association of the port's device: type, ids, root device, VLAN, state and status, and (list, get) its live state" }),
  })
  .openapi('Port')

export const TxnOutcome = z.object({ transactionId: z.number().int(), status: z.string() }).openapi('TransactionOutcome')

export const Transaction = z
  .object({
    id: z.number().int(),
    target: z.string(),
    kind: z.string(),
    status: z.string(),
    createdMs: z.number().int(),
    updatedMs: z.number().int(),
    touched: z.array(z.string()),
    progress: z.number().int(),
    ops: z.array(z.unknown()).optional(),
    error: z.unknown().optional(),
    confirmDeadlineMs: z.number().int().optional(),
  })
  .openapi('Transaction')

/** What a document read with skipUnsupported left out. */
export const SkippedKeys = z.array(z.object({ path: z.string(), key: z.string(), message: z.string() })).openapi('SkippedKeys')

export const DiffOutput = z
  .object({ ops: z.array(z.record(z.string(), z.unknown())), touched: z.array(z.string()), skipped: SkippedKeys.optional() })
  .openapi('Diff')

export const IfaceListEntry = z
  .object({ name: z.string(), state: z.enum(['active', 'inactive']), mac: z.string(), defined: z.boolean() })
  .openapi('InterfaceListEntry')

export const TokenInfo = z
  .object({
    id: z.string(),
    role: z.enum(['admin', 'viewer']),
    description: z.string(),
    createdMs: z.number().int(),
    expiresMs: z.number().int().optional(),
    revokedMs: z.number().int().optional(),
  })
  .openapi('Token')

export const TokenCreate = z
  .object({
    role: z.enum(['admin', 'viewer']),
    description: z.string().max(200).optional(),
    expiresInSec: z.number().int().positive().max(10 * 365 * 86_400).optional(),
  })
  .strict()
  .openapi('TokenCreate')

export const TokenCreated = z.object({ token: z.string().openapi({ description: 'shown once; only its hash is stored' }), info: TokenInfo }).openapi('TokenCreated')

export const Login = z
  .object({
    username: z.string().min(1).max(64).optional(),
    password: z.string().max(1024).optional(),
    token: z.string().max(200).optional(),
  })
  .strict()
  .openapi('Login', { description: 'a host account (checked through PAM) or an API token' })

export const SessionInfo = z
  .object({ role: z.enum(['admin', 'viewer']), principal: z.string(), via: z.enum(['unix-socket', 'token', 'pam', 'session']), expiresMs: z.number().int().optional() })
  .openapi('Session')

export const ChangeRecordSchema = z
  .object({
    id: z.number().int(),
    timeMs: z.number().int(),
    target: z.string(),
    kind: z.string().openapi({ example: 'network.started' }),
    object: z.string().openapi({ description: 'network name, port UUID, transaction id, interface name' }),
    actor: z.string().openapi({ example: 'api:user:alice' }),
    outcome: z.enum(['ok', 'failed']),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ChangeRecord')

export const TopologyNodeSchema = z
  .object({
    id: z.string().openapi({ example: 'network:default' }),
    kind: z.enum(['iface', 'ovs-bridge', 'ovs-bond', 'network', 'port', 'guest']),
    label: z.string(),
    type: z.string().optional(),
    state: z.string().optional(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('TopologyNode')

export const TopologySchema = z
  .object({
    target: z.string(),
    changeId: z.number().int().openapi({ description: 'the newest change record id when it was read' }),
    nodes: z.array(TopologyNodeSchema),
    edges: z.array(z.object({ from: z.string(), to: z.string(), kind: z.enum(['controller', 'base', 'peer', 'bond-member', 'bridge', 'pool', 'port', 'guest']) })),
  })
  .openapi('Topology')

export const FreeSubnetSchema = z
  .object({ subnet: z.string().openapi({ example: '192.168.100.0/24' }), address: z.string(), prefix: z.number().int(), dhcpStart: z.string(), dhcpEnd: z.string() })
  .openapi('FreeSubnet')
