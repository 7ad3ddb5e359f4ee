/**
 * rtnetlink for the parts of hostnet that iproute2 cannot speak for (port-profile requests to lldpad and to
 * drivers): the wire format (pure) and a channel that sends one message and collects its answer through the
 * native helper.
 *
 * ```ts
 * const ch = new HelperChannel(runner)
 * const replies = await ch.request({ kind: 'netns', name: 'lab' }, lldpadPid, setLinkMessage(req, seq))
 * ```
 * @module
 */
export {
  cstring,
  decodeMessage,
  encodeMessage,
  errorCode,
  findAttr,
  fromHex,
  ifinfomsg,
  IFINFOMSG_LEN,
  linkMessageAttrs,
  NL_MSG_MAX,
  NLM_F_ACK,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  parseAttrs,
  readU16,
  readU32,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_SETLINK,
  toHex,
  u16,
  u32,
  u8,
} from './wire.js'
export type { AttrSpec, NlAttr, NlMessage } from './wire.js'
export { defaultHelperPath, HelperChannel, helperNetnsArgs, NL_HELPER_ENV } from './channel.js'
export type { NetlinkChannel, NetlinkRequestOptions } from './channel.js'
