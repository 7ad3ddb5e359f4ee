/**
 * One port-profile operation as libvirt's virNetDevVPortProfileOpCommon runs it: the SETLINK request (802.1Qbg
 * to lldpad's netlink port, 802.1Qbh to the kernel), its acknowledgement checked (802.1Qbg: sent again while
 * lldpad answers EBUSY, busy with an earlier request for the same VSI, within the same limit), then the status polled
 * (RTM_GETLINK every 125 ms, for at most 10 s by default) until the answer for our instance is success
 * (done), in progress or absent (802.1Qbg: keep polling), or anything else (refused). The outcome is never
 * assumed from the request alone: only a success answer counts. Errors are PortProfileErrors carrying the
 * VDP/port-profile status.
 * @module
 */
import { constants } from 'node:os'
import { HostnetError, type ErrorKind } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { NetlinkChannel } from '../netlink/index.js'
import { isSuccess, PORT_PROFILE_RESPONSE_INPROGRESS, responseName } from './codes.js'
import { findStatus, getLinkMessage, setLinkError, setLinkMessage, statusEntries, type PortProfileRequest } from './messages.js'

export interface ExchangeDeps {
  channel: NetlinkChannel
  /** lldpad's netlink port in the target (802.1Qbg requests go there). */
  lldpadPort: (target: Target) => number
  /** Status polling: interval and limit (libvirt: 125 ms, 10 s). */
  pollIntervalMs?: number
  timeoutMs?: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/** The outcome of a successful operation: the final answer, and how long it took. */
export interface ExchangeResult {
  readonly response: number
  readonly status: string
  readonly elapsedMs: number
}

/** A port-profile request that failed: `status` is the VDP/port-profile status as hostnet prints it. */
export class PortProfileError extends HostnetError {
  readonly status: string
  readonly response: number | undefined
  readonly errno: string | undefined

  constructor(kind: ErrorKind, message: string, o: { status: string; response?: number; errno?: string; device: string; cause?: unknown }) {
    super(kind, message, { cause: o.cause, details: { status: o.status, response: o.response, errno: o.errno, device: o.device } })
    this.name = 'PortProfileError'
    this.status = o.status
    this.response = o.response
    this.errno = o.errno
  }
}

const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]))

export function errnoName(n: number): string {
  return ERRNO_NAMES.get(n) ?? `errno ${n}`
}

let seqCounter = Math.floor(Date.now() / 1000) & 0x7fffffff
const nextSeq = (): number => (seqCounter = (seqCounter + 1) & 0x7fffffff)

function what(r: PortProfileRequest): string {
  return r.kind === '802.1Qbg' ? `802.1Qbg ${r.op} of instance ${r.instanceId} on '${r.ifname}'` : `802.1Qbh ${r.op} on interface index ${r.ifindex}${r.vf >= 0 ? ` VF ${r.vf}` : ''}`
}

function device(r: PortProfileRequest): string {
  return r.kind === '802.1Qbg' ? r.ifname : String(r.ifindex)
}

/** How a refused SETLINK reads: Qbh's EOPNOTSUPP is "not supported by this device" (libvirt's driver check). */
function refused(r: PortProfileRequest, errno: number): PortProfileError {
  const name = errnoName(errno)
  if (r.kind === '802.1Qbh' && name === 'EOPNOTSUPP') {
    return new PortProfileError('not-supported', `802.1Qbh port profiles are not supported by this device (interface index ${r.ifindex}: the kernel answered ${name})`, {
      status: `refused (${name})`,
      errno: name,
      device: device(r),
    })
  }
  const hint =
    r.kind === '802.1Qbg' && (name === 'ENODEV' || name === 'ENXIO' || name === 'EPROTONOSUPPORT')
      ? ': lldpad runs no VDP on this interface (EVB not enabled, or not negotiated with the bridge)'
      : r.kind === '802.1Qbg' && name === 'EOPNOTSUPP'
        ? ': lldpad runs this interface in the bridge role'
        : r.kind === '802.1Qbg' && name === 'EBUSY'
          ? ': lldpad was still awaiting the bridge\'s answer to an earlier request for this VSI'
          : ''
  return new PortProfileError('backend-failure', `${what(r)} refused: ${name}${hint}`, { status: `refused (${name})`, errno: name, device: device(r) })
}

/**
 * 802.1Qbh needs a driver with port profiles (enic): the kernel then reports the device's port (IFLA_PORT_SELF,
 * or the VF's IFLA_VF_PORT) in RTM_GETLINK with VF information. Without it the request is refused anyway, but
 * not always with EOPNOTSUPP (a VF MAC for PORT_SELF_VF is EINVAL on current kernels): asking first gives the
 * one clear answer.
 */
async function checkDriverSupport(deps: ExchangeDeps, target: Target, r: PortProfileRequest & { kind: '802.1Qbh' }): Promise<void> {
  const entries = statusEntries(await deps.channel.request(target, 0, getLinkMessage(r.ifindex, nextSeq())))
  if (entries.some((e) => e.vf === r.vf)) return
  throw new PortProfileError('not-supported', `802.1Qbh port profiles are not supported by this device (interface index ${r.ifindex}: its driver reports no port profile${r.vf >= 0 ? ` for VF ${r.vf}` : ''})`, {
    status: 'not supported by this device',
    device: device(r),
  })
}

/** Run one operation to its end (see the module comment). */
export async function runPortProfileOp(deps: ExchangeDeps, target: Target, r: PortProfileRequest): Promise<ExchangeResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)))
  const interval = deps.pollIntervalMs ?? 125
  const limit = deps.timeoutMs ?? 10_000
  const start = now()
  const port = r.kind === '802.1Qbg' ? deps.lldpadPort(target) : 0
  if (r.kind === '802.1Qbh') await checkDriverSupport(deps, target, r)
  for (;;) {
    const errno = setLinkError(await deps.channel.request(target, port, setLinkMessage(r, nextSeq())))
    if (errno === undefined) break
    // lldpad takes no request for a VSI while its previous one awaits the bridge's answer (EBUSY): send it again
    // once that exchange ends. Its status answer cannot tell that wait from the end: a pre-association's success
    // still reads as the answer while the association that follows is under way, so a disassociation sent right
    // after it meets EBUSY.
    if (!(r.kind === '802.1Qbg' && errnoName(errno) === 'EBUSY') || now() - start >= limit) throw refused(r, errno)
    await sleep(interval)
  }

  let last: number | undefined
  for (;;) {
    const replies = await deps.channel.request(target, port, getLinkMessage(r.ifindex, nextSeq()))
    const entry = findStatus(statusEntries(replies), r)
    if (entry === undefined) {
      // lldpad forgets a VSI once it reported the end of its disassociation: gone means done
      if (r.op === 'disassociate') return { response: 0, status: 'disassociated', elapsedMs: now() - start }
      throw new PortProfileError('backend-failure', `${what(r)}: the status answer has no entry for it`, { status: 'missing', device: device(r) })
    }
    last = entry.response
    if (last === undefined && r.kind === '802.1Qbh') {
      throw new PortProfileError('backend-failure', `${what(r)}: no IFLA_PORT_RESPONSE in the status answer`, { status: 'no response', device: device(r) })
    }
    if (last !== undefined && isSuccess(last)) return { response: last, status: responseName(last), elapsedMs: now() - start }
    if (last !== undefined && last !== PORT_PROFILE_RESPONSE_INPROGRESS) {
      throw new PortProfileError('backend-failure', `${what(r)} failed: ${responseName(last)}`, { status: responseName(last), response: last, device: device(r) })
    }
    if (now() - start >= limit) break
    await sleep(interval)
  }
  const status = last === undefined ? 'in progress (no answer from the bridge)' : responseName(last)
  throw new PortProfileError('timeout', `${what(r)} timed out after ${limit} ms: ${status}`, { status, ...(last === undefined ? {} : { response: last }), device: device(r) })
}
