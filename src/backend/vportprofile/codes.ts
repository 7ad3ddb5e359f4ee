/**
 * The numbers of the kernel's port-profile interface (linux/if_link.h): the IFLA_* attributes a request
 * carries, the requests (PORT_REQUEST_*) and the answers (PORT_VDP_RESPONSE_* for 802.1Qbg through lldpad,
 * PORT_PROFILE_RESPONSE_* for 802.1Qbh through a driver), with the names hostnet prints.
 * @module
 */

export const IFLA_IFNAME = 3
export const IFLA_LINK = 5
export const IFLA_VFINFO_LIST = 22
export const IFLA_VF_PORTS = 24
export const IFLA_PORT_SELF = 25
export const IFLA_EXT_MASK = 29
export const RTEXT_FILTER_VF = 1

export const IFLA_VF_INFO = 1
export const IFLA_VF_MAC = 1
export const IFLA_VF_VLAN = 2
export const IFLA_VF_PORT = 1

export const IFLA_PORT_VF = 1
export const IFLA_PORT_PROFILE = 2
export const IFLA_PORT_VSI_TYPE = 3
export const IFLA_PORT_INSTANCE_UUID = 4
export const IFLA_PORT_HOST_UUID = 5
export const IFLA_PORT_REQUEST = 6
export const IFLA_PORT_RESPONSE = 7

/** PORT_SELF_VF (-1): the device itself, not one of its virtual functions. */
export const PORT_SELF_VF = -1

/** What a request asks for (VIR_NETDEV_VPORT_PROFILE_LINK_OP_*). */
export type PortOp = 'preassociate' | 'preassociate-rr' | 'associate' | 'disassociate'

export const PORT_REQUEST: Readonly<Record<PortOp, number>> = {
  preassociate: 0,
  'preassociate-rr': 1,
  associate: 2,
  disassociate: 3,
}

export const PORT_VDP_RESPONSE_SUCCESS = 0
export const PORT_PROFILE_RESPONSE_SUCCESS = 0x100
export const PORT_PROFILE_RESPONSE_INPROGRESS = 0x101

const RESPONSE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'success'],
  [1, 'invalid-format'],
  [2, 'insufficient-resources'],
  [3, 'unused-vtid'],
  [4, 'vtid-violation'],
  [5, 'vtid-version-violation'],
  [6, 'out-of-sync'],
  // lldpad's own answers of its ratified-standard VDP (qbg_vdp22def.h): beyond the kernel's list
  [252, 'deassociated-by-bridge'],
  [253, 'timeout'],
  [254, 'keep'],
  [0x100, 'success'],
  [0x101, 'in-progress'],
  [0x102, 'invalid'],
  [0x103, 'bad-state'],
  [0x104, 'insufficient-resources'],
  [0x105, 'error'],
])

/** lldpad puts the reasons of a local failure above the 8 status bits (keep-alive, ack timeout, transmit). */
const LOCAL_ERRORS: ReadonlyArray<readonly [number, string]> = [
  [1 << 8, 'keep-alive timeout'],
  [1 << 9, 'no acknowledgement from the bridge'],
  [1 << 10, 'transmission error'],
]

/** A response code as hostnet prints it: `vtid-violation (4)`, `timeout (253; no acknowledgement from the bridge)`. */
export function responseName(code: number): string {
  const profile = code >= 0x100 && code <= 0x105
  const status = profile ? code : code & 0xff
  const name = RESPONSE_NAMES.get(status) ?? 'unknown'
  const local = profile ? [] : LOCAL_ERRORS.filter(([bit]) => (code & bit) !== 0).map(([, s]) => s)
  return local.length === 0 ? `${name} (${code})` : `${name} (${code}; ${local.join(', ')})`
}

export function isSuccess(code: number): boolean {
  return code === PORT_VDP_RESPONSE_SUCCESS || code === PORT_PROFILE_RESPONSE_SUCCESS
}
