/**
 * Tokens of `ip -batch` lines. iproute2 splits a batch line on blanks, treats a word that starts with a quote
 * as quoted, and cuts the line at the first '#' (a comment). So every token is checked here: a value that
 * cannot be written safely is refused instead of silently changing the meaning of a line.
 * @module
 */
import { cut, HostnetError, ValidationError } from '../../errors.js'
import { kernelIfNameProblem } from '../../model/values/ifname.js'
import { formatIp, parseIpAddr, type IpAddr } from '../../model/values/ip.js'
import { parseMac } from '../../model/values/mac.js'

/** Why `s` cannot be one token of a batch line, or undefined. */
export function batchTokenProblem(s: string): string | undefined {
  if (s.length === 0) return 'is empty'
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(s)) return 'contains whitespace or a control character'
  if (s.includes('#')) return "contains '#'"
  if (s.startsWith('"') || s.startsWith("'")) return 'starts with a quote'
  return undefined
}

/**
 * An interface name as a batch token. Names from users passed model/values/ifname's rule long before; this checks
 * what a batch line can carry, since names read back from the kernel (a rollback re-attaching someone's port) may
 * be anything the kernel took.
 */
export function nameToken(name: string, what = 'interface name'): string {
  const problem = kernelIfNameProblem(name)
  if (problem !== undefined) throw new ValidationError(`invalid ${what} '${cut(name)}': ${problem}`, { value: name })
  const batch = batchTokenProblem(name)
  if (batch !== undefined) {
    throw new HostnetError('not-supported', `${what} '${name}' cannot be written to an ip batch: it ${batch}`, { details: { value: name } })
  }
  return name
}

/** A free-form option value (bond options) as a batch token. */
export function valueToken(v: string | number, what: string): string {
  const s = String(v)
  const problem = batchTokenProblem(s)
  if (problem !== undefined) throw new ValidationError(`invalid ${what} '${s}': it ${problem}`, { value: v })
  return s
}

export function uintToken(v: number, what: string, max = 0xffffffff): string {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new ValidationError(`invalid ${what} ${v}: must be an integer in 0..${max}`, { value: v })
  }
  return String(v)
}

/** Seconds → centiseconds (the kernel's USER_HZ clock ticks for bridge timers). */
export function centisecondsToken(sec: number, what: string): string {
  if (!Number.isFinite(sec) || sec < 0) {
    throw new ValidationError(`invalid ${what} ${sec}: must be a number of seconds >= 0`, { value: sec })
  }
  return uintToken(Math.round(sec * 100), what)
}

export function macToken(mac: string, what = 'MAC address'): string {
  return parseMac(mac, what)
}

export function ipToken(s: string, what: string): { text: string; addr: IpAddr } {
  const addr = parseIpAddr(s, what)
  return { text: formatIp(addr), addr }
}

export function onOff(b: boolean): string {
  return b ? 'on' : 'off'
}

export function zeroOne(b: boolean): string {
  return b ? '1' : '0'
}
