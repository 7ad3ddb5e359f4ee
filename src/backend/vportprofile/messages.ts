/**
 * The port-profile messages as libvirt's virNetDevVPortProfileOpSetLink and virNetDevVPortProfileGetStatus
 * make and read them (pure):
 *
 * - 802.1Qbg goes to lldpad's netlink port: RTM_SETLINK for the macvtap's root device (index and name) with
 *   the guest's MAC and VLAN in IFLA_VFINFO_LIST and, in IFLA_VF_PORTS/IFLA_VF_PORT, the VSI type (manager
 *   id, 3-byte type id, version), the instance UUID and the request;
 * - 802.1Qbh goes to the kernel (the driver of the device, enic): the profile name, the VM's UUID, the host's
 *   UUID and the request, in IFLA_PORT_SELF for the device itself or IFLA_VF_PORTS for one of its VFs (then
 *   with IFLA_PORT_VF); the kernel gets NLM_F_ACK so that success is acknowledged rather than silent;
 * - the status query is RTM_GETLINK of the same index (IFLA_EXT_MASK: VF information), and its answer
 *   carries IFLA_PORT_RESPONSE in the port of our instance (802.1Qbg: matched by instance UUID and VF) or
 *   in IFLA_PORT_SELF (802.1Qbh).
 * @module
 */
import { HostnetError } from '../../errors.js'
import { macBytes, type MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'
import {
  type AttrSpec,
  cstring,
  decodeMessage,
  encodeMessage,
  errorCode,
  findAttr,
  ifinfomsg,
  linkMessageAttrs,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseAttrs,
  readU16,
  readU32,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_SETLINK,
  u32,
  u8,
  type NlMessage,
} from '../netlink/index.js'
import {
  IFLA_EXT_MASK,
  IFLA_IFNAME,
  IFLA_PORT_HOST_UUID,
  IFLA_PORT_INSTANCE_UUID,
  IFLA_PORT_PROFILE,
  IFLA_PORT_REQUEST,
  IFLA_PORT_RESPONSE,
  IFLA_PORT_SELF,
  IFLA_PORT_VF,
  IFLA_PORT_VSI_TYPE,
  IFLA_VF_INFO,
  IFLA_VF_MAC,
  IFLA_VF_PORT,
  IFLA_VF_PORTS,
  IFLA_VF_VLAN,
  IFLA_VFINFO_LIST,
  PORT_REQUEST,
  PORT_SELF_VF,
  RTEXT_FILTER_VF,
  type PortOp,
} from './codes.js'

/** An 802.1Qbg request for lldpad (VDP): always for the device itself (PORT_SELF_VF). */
export interface QbgRequest {
  readonly kind: '802.1Qbg'
  readonly op: PortOp
  /** The macvtap's root device, where lldpad runs EVB/VDP. */
  readonly ifindex: number
  readonly ifname: string
  readonly mac: MacAddr
  /** The VLAN between the macvtap and its root device (0: none). */
  readonly vlan: number
  readonly managerId: number
  readonly typeId: number
  readonly typeIdVersion: number
  readonly instanceId: Uuid
}

/** An 802.1Qbh request for the kernel; disassociation carries only the device (and VF). */
export interface QbhRequest {
  readonly kind: '802.1Qbh'
  readonly op: PortOp
  readonly ifindex: number
  /** A VF of the device, or PORT_SELF_VF. */
  readonly vf: number
  readonly mac?: MacAddr
  readonly profileId?: string
  /** The VM's UUID (libvirt passes the domain's). */
  readonly instanceId?: Uuid
  readonly hostUuid?: Uuid
}

export type PortProfileRequest = QbgRequest | QbhRequest

function uuidBytes(u: Uuid): Uint8Array {
  return new Uint8Array(Buffer.from(u.replace(/-/g, ''), 'hex'))
}

function vfMac(vf: number, mac: MacAddr): Uint8Array {
  const b = new Uint8Array(36) // struct ifla_vf_mac: u32 vf, u8 mac[32]
  new DataView(b.buffer).setUint32(0, vf >>> 0, true)
  b.set(macBytes(mac), 4)
  return b
}

function vfVlan(vf: number, vlan: number): Uint8Array {
  const b = new Uint8Array(12) // struct ifla_vf_vlan: u32 vf, u32 vlan, u32 qos
  const v = new DataView(b.buffer)
  v.setUint32(0, vf >>> 0, true)
  v.setUint32(4, vlan, true)
  return b
}

/** struct ifla_port_vsi: manager id, type id least significant byte first, version, 3 bytes of padding. */
export function portVsi(managerId: number, typeId: number, typeIdVersion: number): Uint8Array {
  return Uint8Array.of(managerId & 0xff, typeId & 0xff, (typeId >> 8) & 0xff, (typeId >> 16) & 0xff, typeIdVersion & 0xff, 0, 0, 0)
}

function vfInfoList(vf: number, mac: MacAddr | undefined, vlan: number | undefined): AttrSpec[] {
  if (mac === undefined && vlan === undefined) return []
  const info: AttrSpec[] = []
  if (mac !== undefined) info.push({ type: IFLA_VF_MAC, data: vfMac(vf, mac) })
  if (vlan !== undefined) info.push({ type: IFLA_VF_VLAN, data: vfVlan(vf, vlan) })
  return [{ type: IFLA_VFINFO_LIST, nested: [{ type: IFLA_VF_INFO, nested: info }] }]
}

function qbgAttrs(r: QbgRequest): AttrSpec[] {
  const port: AttrSpec[] = [
    { type: IFLA_PORT_VSI_TYPE, data: portVsi(r.managerId, r.typeId, r.typeIdVersion) },
    { type: IFLA_PORT_INSTANCE_UUID, data: uuidBytes(r.instanceId) },
    { type: IFLA_PORT_REQUEST, data: u8(PORT_REQUEST[r.op]) },
  ]
  return [
    { type: IFLA_IFNAME, data: cstring(r.ifname) },
    ...vfInfoList(PORT_SELF_VF, r.mac, r.vlan),
    { type: IFLA_VF_PORTS, nested: [{ type: IFLA_VF_PORT, nested: port }] },
  ]
}

function qbhAttrs(r: QbhRequest): AttrSpec[] {
  const port: AttrSpec[] = []
  if (r.profileId !== undefined) port.push({ type: IFLA_PORT_PROFILE, data: cstring(r.profileId) })
  if (r.instanceId !== undefined) port.push({ type: IFLA_PORT_INSTANCE_UUID, data: uuidBytes(r.instanceId) })
  if (r.hostUuid !== undefined) port.push({ type: IFLA_PORT_HOST_UUID, data: uuidBytes(r.hostUuid) })
  if (r.vf !== PORT_SELF_VF) port.push({ type: IFLA_PORT_VF, data: u32(r.vf) })
  port.push({ type: IFLA_PORT_REQUEST, data: u8(PORT_REQUEST[r.op]) })
  const container: AttrSpec = r.vf === PORT_SELF_VF ? { type: IFLA_PORT_SELF, nested: port } : { type: IFLA_VF_PORTS, nested: [{ type: IFLA_VF_PORT, nested: port }] }
  return [...vfInfoList(r.vf, r.mac, undefined), container]
}

/** The RTM_SETLINK request. */
export function setLinkMessage(r: PortProfileRequest, seq: number): Uint8Array {
  const kernel = r.kind === '802.1Qbh'
  return encodeMessage({
    type: RTM_SETLINK,
    flags: kernel ? NLM_F_REQUEST | NLM_F_ACK : NLM_F_REQUEST,
    seq,
    fixed: ifinfomsg(r.ifindex),
    attrs: kernel ? qbhAttrs(r) : qbgAttrs(r),
  })
}

/** The RTM_GETLINK status query for the device. */
export function getLinkMessage(ifindex: number, seq: number): Uint8Array {
  return encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST, seq, fixed: ifinfomsg(ifindex), attrs: [{ type: IFLA_EXT_MASK, data: u32(RTEXT_FILTER_VF) }] })
}

/** The answer to a SETLINK: undefined when acknowledged (or, from lldpad, when it answered NLMSG_DONE); else the errno. */
export function setLinkError(replies: readonly Uint8Array[]): number | undefined {
  for (const b of replies) {
    const m = decodeMessage(b)
    if (m.type === NLMSG_ERROR) {
      const e = errorCode(m)
      return e === 0 ? undefined : -e
    }
    if (m.type === NLMSG_DONE) return undefined
  }
  throw new HostnetError('backend-failure', 'malformed netlink response message: no acknowledgement')
}

/** One VSI/port profile reported by a status answer. */
export interface PortStatusEntry {
  readonly vf: number | undefined
  readonly instanceId: Uuid | undefined
  /** IFLA_PORT_RESPONSE; undefined: none yet (lldpad: in progress). */
  readonly response: number | undefined
}

function entryOf(portAttrs: Uint8Array): PortStatusEntry {
  const attrs = parseAttrs(portAttrs)
  const vf = findAttr(attrs, IFLA_PORT_VF)
  const inst = findAttr(attrs, IFLA_PORT_INSTANCE_UUID)
  const resp = findAttr(attrs, IFLA_PORT_RESPONSE)
  let instanceId: Uuid | undefined
  if (inst !== undefined && inst.data.length === 16) {
    const h = Buffer.from(inst.data).toString('hex')
    instanceId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as Uuid
  }
  return {
    vf: vf === undefined ? undefined : readU32(vf) | 0,
    instanceId,
    response: resp === undefined ? undefined : readU16(resp),
  }
}

/** The port profiles in a status answer: IFLA_PORT_SELF (as VF -1) and each IFLA_VF_PORT. */
export function statusEntries(replies: readonly Uint8Array[]): PortStatusEntry[] {
  const out: PortStatusEntry[] = []
  for (const b of replies) {
    const m: NlMessage = decodeMessage(b)
    if (m.type === NLMSG_ERROR) {
      const e = errorCode(m)
      if (e !== 0) throw new HostnetError('backend-failure', `status query failed: errno ${-e}`, { details: { errno: -e } })
      continue
    }
    if (m.type !== RTM_NEWLINK && m.type !== NLMSG_DONE) continue
    if (m.payload.length === 0) continue
    const { attrs } = linkMessageAttrs(m)
    const self = findAttr(attrs, IFLA_PORT_SELF)
    if (self !== undefined) out.push({ ...entryOf(self.data), vf: PORT_SELF_VF })
    const ports = findAttr(attrs, IFLA_VF_PORTS)
    if (ports !== undefined) for (const p of parseAttrs(ports.data)) if (p.type === IFLA_VF_PORT) out.push(entryOf(p.data))
  }
  return out
}

/** The entry of a request in a status answer (libvirt's match), or undefined when it is not there. */
export function findStatus(entries: readonly PortStatusEntry[], r: PortProfileRequest): PortStatusEntry | undefined {
  if (r.kind === '802.1Qbh' && r.vf === PORT_SELF_VF) return entries.find((e) => e.vf === PORT_SELF_VF)
  const instance = r.kind === '802.1Qbg' ? r.instanceId : r.instanceId
  const vf = r.kind === '802.1Qbg' ? PORT_SELF_VF : r.vf
  return entries.find((e) => e.vf === vf && (instance === undefined || e.instanceId === instance))
}
