/**
 * What `hostnet ovs-show` reports: bridges, ports with their VLAN columns, interfaces with their link state,
 * and bond status (the active member from Port.bond_active_slave, LACP negotiation from
 * Interface.lacp_current), all from one database read.
 * @module
 */
import { bondModeFromColumns } from '../../plan/ovs/columns.js'
import type { OvsDbSnapshot, OvsInterfaceRow, OvsPortRow } from './read.js'

export interface OvsIfaceStatus {
  name: string
  type: string
  linkState?: string
  adminState?: string
  ofport?: number
  mac?: string
  mtu?: number
  error?: string
  /** LACP: true = negotiated (current), false = not (expired or defaulted). */
  lacpCurrent?: boolean
}

export interface OvsBondStatus {
  /** nmstate's name for the mode (active-backup, balance-slb, balance-tcp, lacp). */
  mode: string
  bondMode?: string
  lacp?: string
  /** The member carrying traffic (active-backup; for other modes the one vswitchd reports). */
  activeMember?: string
  updelayMs: number
  downdelayMs: number
}

export interface OvsPortStatus {
  name: string
  tag?: number
  trunks: number[]
  vlanMode?: string
  bond?: OvsBondStatus
  interfaces: OvsIfaceStatus[]
}

export interface OvsBridgeStatus {
  name: string
  datapathType: string
  failMode?: string
  stp: boolean
  rstp: boolean
  ports: OvsPortStatus[]
}

export interface OvsStatus {
  address: string
  ovsVersion?: string
  nextCfg: number
  curCfg: number
  bridges: OvsBridgeStatus[]
}

function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v
}

function ifaceStatus(i: OvsInterfaceRow): OvsIfaceStatus {
  const s: OvsIfaceStatus = { name: i.name, type: i.type === '' ? 'system' : i.type }
  put(s, 'linkState', i.linkState)
  put(s, 'adminState', i.adminState)
  put(s, 'ofport', i.ofport)
  put(s, 'mac', i.macInUse)
  put(s, 'mtu', i.mtu)
  put(s, 'error', i.error)
  put(s, 'lacpCurrent', i.lacpCurrent)
  return s
}

function bondStatus(p: OvsPortRow, members: readonly OvsInterfaceRow[]): OvsBondStatus {
  const b: OvsBondStatus = { mode: bondModeFromColumns(p.bondMode ?? null, p.lacp ?? null), updelayMs: p.bondUpdelayMs, downdelayMs: p.bondDowndelayMs }
  put(b, 'bondMode', p.bondMode)
  put(b, 'lacp', p.lacp)
  const active = p.bondActiveSlave?.toLowerCase()
  put(b, 'activeMember', active === undefined ? undefined : members.find((m) => m.macInUse?.toLowerCase() === active)?.name)
  return b
}

function portStatus(snap: OvsDbSnapshot, p: OvsPortRow): OvsPortStatus {
  const members = p.interfaces.map((u) => snap.ifaces.get(u)).filter((i) => i !== undefined).sort((a, b) => a.name.localeCompare(b.name))
  const s: OvsPortStatus = { name: p.name, trunks: [...p.trunks].sort((a, b) => a - b), interfaces: members.map(ifaceStatus) }
  put(s, 'tag', p.tag)
  put(s, 'vlanMode', p.vlanMode)
  if (members.length > 1) s.bond = bondStatus(p, members)
  return s
}

export function ovsStatus(snap: OvsDbSnapshot, address: string): OvsStatus {
  const bridges = [...snap.bridges]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((b): OvsBridgeStatus => {
      const ports = b.ports.map((u) => snap.ports.get(u)).filter((p) => p !== undefined).sort((x, y) => x.name.localeCompare(y.name))
      const datapathType = b.datapathType === '' ? 'system' : b.datapathType
      const s: OvsBridgeStatus = { name: b.name, datapathType, stp: b.stpEnable, rstp: b.rstpEnable, ports: ports.map((p) => portStatus(snap, p)) }
      put(s, 'failMode', b.failMode)
      return s
    })
  const out: OvsStatus = { address, nextCfg: snap.root?.nextCfg ?? 0, curCfg: snap.root?.curCfg ?? 0, bridges }
  put(out, 'ovsVersion', snap.root?.ovsVersion)
  return out
}
