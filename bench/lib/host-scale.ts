/**
 * The scale scenario of the host benchmarks: B bridges and P veth pairs (default 100 and 1000), the first end
 * of pair i a port of bridge i mod B (ten per bridge), an IPv4 address on every bridge and on every free veth
 * end, everything up. As a desired-state document (YAML text, parsed by the benchmarks) and as the equivalent
 * hand-written `ip -batch` lines (the baseline).
 * @module
 */
import { formatState } from '../../src/codec/yaml/state.js'
import type { Iface } from '../../src/model/host/iface.js'
import type { DesiredState } from '../../src/model/host/state.js'
import { DEFAULT_DELETE_GROUP } from '../../src/backend/iproute2/index.js'

export interface Scale {
  bridges: number
  pairs: number
}

export const DEFAULT_SCALE: Scale = { bridges: 100, pairs: 1000 }

export const bridgeName = (b: number): string => `br${b}`
export const vethName = (i: number): string => `v${i}`
export const peerName = (i: number): string => `v${i}p`
const bridgeIp = (b: number): string => `10.${100 + (b >> 8)}.${b & 255}.1`
const peerIp = (i: number): string => `10.${i >> 8}.${i & 255}.2`

export function scaleState(s: Scale = DEFAULT_SCALE): DesiredState {
  const interfaces: Iface[] = []
  for (let b = 0; b < s.bridges; b++) {
    const ports = []
    for (let i = b; i < s.pairs; i += s.bridges) ports.push({ name: vethName(i) })
    interfaces.push({
      name: bridgeName(b),
      type: 'linux-bridge',
      state: 'up',
      bridge: { options: { stp: false, forwardDelaySec: 0 }, ports },
      ipv4: { enabled: true, addresses: [{ ip: bridgeIp(b), prefixLength: 24 }] },
    })
  }
  for (let i = 0; i < s.pairs; i++) {
    interfaces.push({ name: vethName(i), type: 'veth', state: 'up', veth: { peer: peerName(i) } })
    const ipv4 = { enabled: true, addresses: [{ ip: peerIp(i), prefixLength: 24 }] }
    interfaces.push({ name: peerName(i), type: 'veth', state: 'up', veth: { peer: vethName(i) }, ipv4 })
  }
  return { interfaces }
}

/** The scenario as a YAML document. */
export function scaleYaml(s: Scale = DEFAULT_SCALE): string {
  return formatState(scaleState(s))
}

/** Every bridge and veth end `state: absent`. */
export function removeYaml(s: Scale = DEFAULT_SCALE): string {
  const lines = ['interfaces:']
  for (let b = 0; b < s.bridges; b++) lines.push(`  - {name: ${bridgeName(b)}, type: linux-bridge, state: absent}`)
  for (let i = 0; i < s.pairs; i++) {
    lines.push(`  - {name: ${vethName(i)}, type: veth, state: absent}`, `  - {name: ${peerName(i)}, type: veth, state: absent}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The same state as plain `ip -batch` lines, grouped the way that runs fastest (links created before any is
 * brought up: a link going up starts IPv6 autoconfiguration, which slows the creations after it).
 */
export function createLines(s: Scale = DEFAULT_SCALE): string[] {
  const bridges = Array.from({ length: s.bridges }, (_, b) => b)
  const pairs = Array.from({ length: s.pairs }, (_, i) => i)
  return [
    ...bridges.map((b) => `link add name ${bridgeName(b)} type bridge stp_state 0 forward_delay 0`),
    ...pairs.map((i) => `link add name ${vethName(i)} type veth peer name ${peerName(i)}`),
    ...pairs.map((i) => `link set dev ${vethName(i)} master ${bridgeName(i % s.bridges)}`),
    ...bridges.map((b) => `link set dev ${bridgeName(b)} up`),
    ...pairs.flatMap((i) => [`link set dev ${vethName(i)} up`, `link set dev ${peerName(i)} up`]),
    ...bridges.map((b) => `address add ${bridgeIp(b)}/24 broadcast + dev ${bridgeName(b)}`),
    ...pairs.map((i) => `address add ${peerIp(i)}/24 broadcast + dev ${peerName(i)}`),
  ]
}

/** The kernel's bulk deletion of the same links: bridges and one end per pair into one group, one delete. */
export function bulkDeleteLines(s: Scale = DEFAULT_SCALE, group = DEFAULT_DELETE_GROUP): string[] {
  const names = [...Array.from({ length: s.bridges }, (_, b) => bridgeName(b)), ...Array.from({ length: s.pairs }, (_, i) => vethName(i))]
  return [...names.map((n) => `link set dev ${n} group ${group}`), `link delete group ${group}`]
}

/** `--bridges N --pairs M` from the command line. */
export function scaleFromArgs(argv: readonly string[]): Scale {
  const num = (flag: string, dflt: number): number => {
    const at = argv.indexOf(flag)
    const v = at < 0 ? dflt : Number(argv[at + 1])
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer`)
    return v
  }
  return { bridges: num('--bridges', DEFAULT_SCALE.bridges), pairs: num('--pairs', DEFAULT_SCALE.pairs) }
}

/** A numeric flag, e.g. `--reps 3`. */
export function numArg(argv: readonly string[], flag: string, dflt: number): number {
  const at = argv.indexOf(flag)
  if (at < 0) return dflt
  const v = Number(argv[at + 1])
  if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a non-negative number`)
  return v
}
