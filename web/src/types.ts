/** Shapes of the API's answers the console reads (the OpenAPI document at /api/v1/openapi.json has them all). */
import type { Iface } from '../../src/model/host/iface.js'
import type { HostOp } from '../../src/plan/ops.js'

export type { Iface, HostOp }

export type Role = 'admin' | 'viewer'

export interface Session {
  role: Role
  principal: string
  via: string
  expiresMs?: number
}

export interface TargetInfo {
  target: string
  kind: 'host' | 'netns'
  name?: string
  exists: boolean
  networks: number
  transactions: number
  interfaceDefinitions: number
}

export interface HostStateJson {
  interfaces: Iface[]
  routes: Array<{ destination: string; nextHopAddress?: string; nextHopInterface?: string; metric?: number }>
  ovs?: { available: boolean; address?: string; reason?: string }
}

export type NodeKind = 'iface' | 'ovs-bridge' | 'ovs-bond' | 'network' | 'port' | 'guest'

export interface TopologyNode {
  id: string
  kind: NodeKind
  label: string
  type?: string
  state?: string
  detail: Record<string, unknown>
}

export interface TopologyEdge {
  from: string
  to: string
  kind: string
}

export interface Topology {
  target: string
  changeId: number
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

export interface DiffOutput {
  ops: HostOp[]
  touched: string[]
}

export interface ApplyResult {
  transactionId: number
  status: string
  ops: HostOp[]
  confirmDeadlineMs?: number
}

export interface Transaction {
  id: number
  target: string
  kind: string
  status: string
  createdMs: number
  updatedMs: number
  touched: string[]
  confirmDeadlineMs?: number
}

export interface ChangeRecord {
  id: number
  timeMs: number
  target: string
  kind: string
  object: string
  actor: string
  outcome: 'ok' | 'failed'
  detail?: Record<string, unknown>
}

export interface PortView {
  uuid: string
  network: string
  target: string
  status: string
  owner: { name: string; uuid: string }
  mac: string
  plug?: { type?: string; mode?: string; bridge?: string; dev?: string }
  group?: string
  vlan?: { tags: number[]; trunk: boolean; nativeMode?: string; nativeTag?: number }
  bandwidth?: { inbound?: Record<string, number>; outbound?: Record<string, number> }
  device?: string
  guest?: { netns: string; name: string }
  hostdev?: string
}

export interface Lease {
  expires: number | 'infinite'
  mac?: string
  ip: string
  hostname?: string
}

export interface FreeSubnet {
  subnet: string
  address: string
  prefix: number
  dhcpStart: string
  dhcpEnd: string
}
