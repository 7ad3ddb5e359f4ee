/**
 * dhcpcd's IPv4 lease file (`/var/lib/dhcpcd/IFACE.lease`: the server's DHCP message as received) → the lease
 * `show` reports. Pure and bounded: a fixed BOOTP header, then options up to the end of the buffer.
 * @module
 */
import type { DhcpLease } from '../../model/host/dhcp.js'

const BOOTP_HEADER = 236
const MAGIC = [99, 130, 83, 99]
/** A lease file is one DHCP message: a few hundred bytes (dhcpcd caps messages at 64 KiB). */
export const MAX_LEASE_BYTES = 65536

function ipv4At(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`
}

function ipList(v: Uint8Array): string[] {
  const out: string[] = []
  for (let i = 0; i + 4 <= v.length && out.length < 16; i += 4) out.push(ipv4At(v, i))
  return out
}

function prefixOf(mask: Uint8Array): number {
  let n = 0
  for (const byte of mask) for (let bit = 7; bit >= 0; bit--) if ((byte >> bit) & 1) n++
  return n
}

function printable(v: Uint8Array): string {
  let s = ''
  for (const c of v.subarray(0, 253)) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?'
  return s
}

/** The lease in a DHCPv4 message, or undefined when it is not one (too short, no magic cookie, no address). */
export function parseDhcpv4Lease(buf: Uint8Array): DhcpLease | undefined {
  if (buf.length < BOOTP_HEADER + 4 || buf.length > MAX_LEASE_BYTES) return undefined
  if (MAGIC.some((m, i) => buf[BOOTP_HEADER + i] !== m)) return undefined
  const yiaddr = ipv4At(buf, 16)
  if (yiaddr === '0.0.0.0') return undefined
  let prefix: number | undefined
  const lease: { server?: string; routers?: string[]; dns?: string[]; domain?: string; leaseTimeSec?: number } = {}
  for (let i = BOOTP_HEADER + 4; i < buf.length; ) {
    const code = buf[i]!
    if (code === 0) {
      i++
      continue
    }
    if (code === 255 || i + 1 >= buf.length) break
    const len = buf[i + 1]!
    const v = buf.subarray(i + 2, Math.min(buf.length, i + 2 + len))
    i += 2 + len
    if (v.length < len) break
    switch (code) {
      case 1: if (len === 4) prefix = prefixOf(v); break
      case 3: lease.routers = ipList(v); break
      case 6: lease.dns = ipList(v); break
      case 15: lease.domain = printable(v); break
      case 51: if (len === 4) lease.leaseTimeSec = ((v[0]! << 24) >>> 0) + (v[1]! << 16) + (v[2]! << 8) + v[3]!; break
      case 54: if (len === 4) lease.server = ipv4At(v, 0); break
    }
  }
  return { address: `${yiaddr}/${prefix ?? 32}`, ...lease }
}
