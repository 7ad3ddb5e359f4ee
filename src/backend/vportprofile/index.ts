/**
 * Port profiles of `<virtualport type='802.1Qbg'|'802.1Qbh'>` (libvirt's virnetdevvportprofile): the
 * association of a VM NIC with the adjacent switch, 802.1Qbg (VDP) through lldpad's netlink port, 802.1Qbh
 * through the kernel's driver, both as libvirt sends them.
 *
 * ```ts
 * const root = await rootDevice(runner, target, 'eth2')               // macvtap lower → root device, VLAN
 * await runPortProfileOp({ channel, lldpadPort }, target, { kind: '802.1Qbg', op: 'associate', ...root, ... })
 * ```
 * @module
 */
export {
  IFLA_PORT_INSTANCE_UUID,
  IFLA_PORT_REQUEST,
  IFLA_PORT_RESPONSE,
  IFLA_PORT_SELF,
  IFLA_PORT_VSI_TYPE,
  isSuccess,
  PORT_PROFILE_RESPONSE_INPROGRESS,
  PORT_PROFILE_RESPONSE_SUCCESS,
  PORT_REQUEST,
  PORT_SELF_VF,
  responseName,
} from './codes.js'
export type { PortOp } from './codes.js'
export { errnoName, PortProfileError, runPortProfileOp } from './exchange.js'
export type { ExchangeDeps, ExchangeResult } from './exchange.js'
export { rootDevice, rootOf, selfOf } from './lower.js'
export type { RootDevice } from './lower.js'
export { findStatus, getLinkMessage, portVsi, setLinkError, setLinkMessage, statusEntries } from './messages.js'
export type { PortProfileRequest, PortStatusEntry, QbgRequest, QbhRequest } from './messages.js'
export { PortProfileService, readHostUuid } from './service.js'
export type { AssociationState, PortProfileInput, PortProfileLive, PortProfileOutcome, PortProfileServiceOptions, PortProfileType } from './service.js'
