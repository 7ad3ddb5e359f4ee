/**
 * What this kernel can create, found by trying: one `ip -force -batch` run inside a throw-away network
 * namespace (`unshare --net`, which disappears with the process: nothing to clean up, nothing visible to
 * others) creates one link of every kind plus a VLAN-filtering bridge. Lines that fail tell the missing
 * features. The answer is cached per process (all namespaces share one kernel).
 * @module
 */
import type { IfaceType } from '../../model/host/iface.js'
import { LINK_KINDS } from './kinds/index.js'
import type { KernelCaps } from '../../plan/caps.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import type { Target } from '../../model/target.js'

interface Probe {
  line: string
  /** The type this line proves creatable, or 'vlan-filtering'. */
  proves: IfaceType | 'vlan-filtering'
}

/** One probe per type iproute2 makes (kinds/, in its order: the veth and bridge first, later lines use them as base). */
export const CAPS_PROBES: readonly Probe[] = [
  ...LINK_KINDS.flatMap((k): Probe[] => (k.probe === undefined ? [] : [{ line: k.probe, proves: k.type }])),
  { line: 'link set dev hnc-br type bridge vlan_filtering 1', proves: 'vlan-filtering' },
]

/** Caps from the stderr of the probe batch (pure): every `Command failed -:N` marks probe N as missing. */
export function capsFromProbeOutput(stderr: string): KernelCaps {
  const failed = new Set<number>()
  for (const m of stderr.matchAll(/Command failed -:(\d+)/g)) failed.add(Number(m[1]) - 1)
  const creatable = new Set<IfaceType>()
  let vlanFiltering = true
  CAPS_PROBES.forEach((p, i) => {
    const ok = !failed.has(i)
    if (p.proves === 'vlan-filtering') vlanFiltering = ok
    else if (ok) creatable.add(p.proves)
  })
  return { creatableKinds: creatable, bridgeVlanFiltering: vlanFiltering }
}

export async function probeKernelCaps(runner: Runner): Promise<KernelCaps> {
  const input = `${CAPS_PROBES.map((p) => p.line).join('\n')}\n`
  const res = await runner.run(['unshare', '--net', '--', 'ip', '-force', '-batch', '-'], { input, allowFailure: true, timeoutMs: 30_000 })
  // unshare itself failed (no privilege, no util-linux): nothing is known, and unset caps mean "assume yes"
  if (res.exitCode !== 0 && !/Command failed -:/.test(res.stderr)) return {}
  return capsFromProbeOutput(res.stderr)
}

let cached: Promise<KernelCaps> | undefined

/**
 * The kernel's capabilities, probed once per process. `target` is accepted for symmetry with the backend
 * calls; every namespace of a host shares the same kernel, so the answer does not depend on it.
 */
export function kernelCaps(_target: Target, opts: { runner?: Runner; refresh?: boolean } = {}): Promise<KernelCaps> {
  if (opts.runner !== undefined) return probeKernelCaps(opts.runner)
  if (cached === undefined || opts.refresh === true) {
    cached = probeKernelCaps(systemRunner).catch((e: unknown) => {
      cached = undefined
      throw e
    })
  }
  return cached
}
