/**
 * nmstate's `examples/` folder as acceptance data: every document, where it runs (a sandbox on this kernel, or the
 * full-kernel lane), who owns it, and the sequences they run in (`*_up`/`*_create` then `*_down`/`*_absent`/
 * `*_delete`). The documents are read at test time from the shared folder (never copied here); the sandbox's NICs
 * are eth0..eth3, so nmstate's test NICs eth1 and eth2 need no renaming.
 *
 * A sequence runs in one environment, in order; each document must apply (committed, or unchanged when the state
 * already matches), re-apply to no change, and leave a state whose `show` (YAML and JSON) re-applies to no change
 * (both planned by the engine's planner on one read of the state after the apply).
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatState, parseDesiredState, type ParseOptions } from '../../src/codec/yaml/state.js'
import type { DesiredState, HostState } from '../../src/model/host/state.js'
import type { KernelCaps } from '../../src/plan/caps.js'
import { planHost } from '../../src/plan/host.js'
import type { HostOp } from '../../src/plan/ops.js'
import { sharedDir } from '../helpers/paths.js'

export function examplesDir(): string {
  return process.env['HOSTNET_NMSTATE_EXAMPLES_DIR'] ?? join(sharedDir(), 'conformance/nmstate-examples')
}

/** Under CI a missing folder is a failure, elsewhere the example suites skip. */
export function examplesSkip(): string | false {
  if (existsSync(join(examplesDir(), 'README.md'))) return false
  if (process.env['CI']) throw new Error(`nmstate examples missing at ${examplesDir()} (required under CI)`)
  return `no nmstate examples at ${examplesDir()}`
}

export function exampleFiles(): string[] {
  return readdirSync(examplesDir()).filter((f) => f.endsWith('.yml')).sort()
}

export function readExample(file: string): string {
  return readFileSync(join(examplesDir(), file), 'utf8')
}

/** Documents this lane runs, sequence by sequence (each sequence in one environment, in order). */
export const SANDBOX_SEQUENCES: readonly (readonly string[])[] = [
  ['linuxbrige_eth1_up.yml', 'linuxbrige_eth1_absent.yml'],
  ['mac_vlan_create.yml', 'mac_vlan_absent.yml'],
  ['mac_vtap_create.yml', 'mac_vtap_absent.yml'],
  ['veth1_up.yml', 'veth1_absent.yml'],
  ['eth1_add_route.yml', 'eth1_del_all_routes.yml'],
  ['eth1_add_route_rule.yml', 'eth1_del_all_route_rules.yml'],
  ['ovsbridge_create.yml', 'ovsbridge_delete.yml'],
  ['ovsbridge_bond_create.yml', 'ovsbridge_delete.yml'],
  ['ovsbridge_patch_create.yml', 'ovsbridge_patch_delete.yml'],
  ['ovsbridge_vlan_port.yml', 'ovsbridge_delete.yml'],
  // removing what does not exist, of types this kernel or hostnet lacks: nothing to do
  ['ovsbridge_dpdk_absent.yml', 'hsr0_absent.yml', 'macsec0_absent.yml', 'infiniband_pkey_ipoib_delete.yml', 'ipvlan_absent.yml', 'vlan101_eth1_absent.yml', 'vrf0_absent.yml'],
]

/** Documents needing bonding, 802.1q, VRF, ipvlan or bridge VLAN filtering: run in one User-Mode Linux boot. */
export const FULL_KERNEL_SEQUENCES: readonly (readonly string[])[] = [
  ['bond_port_up.yml', 'bond_port_absent.yml'],
  ['bond_linuxbridge_vlan_up.yml', 'bond_linuxbridge_vlan_absent.yml'],
  ['vlan101_eth1_up.yml', 'vlan101_eth1_down.yml', 'vlan101_eth1_up.yml', 'vlan101_eth1_absent.yml'],
  ['vrf0_with_eth1.yml', 'vrf0_absent.yml'],
  ['ipvlan_create.yml', 'ipvlan_absent.yml'],
  ['linuxbrige_eth1_up_port_vlan.yml', 'linuxbrige_eth1_absent.yml'],
]

/**
 * Documents that need hardware or a service outside hostnet's scope: refused with "not supported" naming the key
 * (the expected message), and applied without it under `skipUnsupported` (`rest`: what is left must apply).
 */
export const HARDWARE_EXAMPLES: Readonly<Record<string, { key: RegExp; why: string; rest: boolean }>> = {
  'eth1_with_ieee_802_1x.yml': { key: /802\.1x/, why: '802.1x authentication needs an authenticator (wpa_supplicant and a RADIUS server)', rest: true },
  'eth1_with_ieee_802_1x_peap.yml': { key: /802\.1x/, why: '802.1x authentication needs an authenticator', rest: true },
  'infiniband_pkey_ipoib_create.yml': { key: /infiniband/, why: 'an InfiniBand HCA', rest: false },
  'ipsec_psk.yml': { key: /ipsec/, why: 'libreswan (IPsec)', rest: false },
  'ipsec_x509.yml': { key: /ipsec/, why: 'libreswan (IPsec) and certificates', rest: false },
  'ovsbridge_dpdk_create.yml': { key: /dpdk/, why: 'a DPDK-capable NIC and OVS built with DPDK', rest: false },
  'hsr0_up.yml': { key: /hsr/, why: 'HSR/PRP rings: not in hostnet\'s scope (a virtualization host has no use for them)', rest: false },
  'macsec0_up.yml': { key: /macsec/, why: 'MACsec with MKA needs wpa_supplicant as key agreement daemon', rest: false },
}

/** Documents of the DNS/hostname work (issue 14 item 3): not run here. */
export const DHCP_OWNED_EXAMPLES: Readonly<Record<string, string>> = {
  'dns_edit_eth1.yml': 'dns-resolver',
  'dns_remove.yml': 'dns-resolver',
  'dynamic_hostname.yml': 'hostname',
  'static_hostname.yml': 'hostname',
}

/** Documents not run here, with why. */
export const TESTED_ELSEWHERE: Readonly<Record<string, string>> = {
  'eth1_with_sriov.yml': 'SR-IOV needs a NIC with virtual functions; ethernet.sr-iov (through sysfs, tested on a fake sysfs root) is not done yet',
}

/**
 * Documents that do not pass yet, with the refusal they meet (the work left, issue 14). A sequence holding one
 * must fail there with that message; once it passes, the entry goes (the test says so).
 */
export const NOT_YET: Readonly<Record<string, RegExp>> = {
  'linuxbrige_eth1_up_port_vlan.yml': /unknown key 'vlan' in bridge\.port/,
  'bond_port_up.yml': /ports-config/,
  // top-level ovs-db is refused before the dpdk key is reached
  'ovsbridge_dpdk_create.yml': /ovs-db is not supported/,
}

/** The first failure of a sequence must be the expected one of NOT_YET; a sequence without one must pass. */
export function checkSequence(seq: readonly string[], out: readonly ExampleOutcome[]): string | undefined {
  const firstFail = out.find((o) => !o.ok)
  const pending = seq.find((f) => NOT_YET[f] !== undefined)
  if (pending === undefined) return firstFail === undefined ? undefined : `${firstFail.file}: ${firstFail.error}`
  if (firstFail === undefined) return `${pending} passes now: take it out of NOT_YET`
  if (firstFail.file !== pending || !NOT_YET[pending]!.test(firstFail.error ?? '')) return `${firstFail.file}: ${firstFail.error} (expected ${pending} to fail with ${NOT_YET[pending]})`
  return undefined
}

/** What happened to one document of a sequence. */
export interface ExampleOutcome {
  file: string
  ok: boolean
  /** 'committed' | 'unchanged' (the state already matched). */
  status?: string
  ops?: number
  error?: string
}

/** What an example run needs of its environment. */
export interface ExampleTarget {
  apply(desired: DesiredState): Promise<{ status: string; ops: readonly HostOp[] }>
  query(): Promise<HostState>
  /** What the target's kernel can create (for planning against a queried state). */
  caps?: KernelCaps
}

function describeOps(ops: readonly HostOp[]): string {
  return ops.map((o) => JSON.stringify(o)).join('\n  ').slice(0, 2000)
}

/** The operations applying `desired` to `state` would take (the engine's own planner; nothing applied). */
function planOn(t: ExampleTarget, state: HostState, desired: DesiredState): readonly HostOp[] {
  return planHost(state, desired, t.caps === undefined ? {} : { caps: t.caps }).ops
}

/** The YAML and JSON `show` of `state`, each parsed back: both must plan no operation. */
export function showRoundTrip(t: ExampleTarget, state: HostState): string | undefined {
  for (const format of ['yaml', 'json'] as const) {
    const text = formatState(state, { format })
    let ops: readonly HostOp[]
    try {
      ops = planOn(t, state, parseDesiredState(text, { format }))
    } catch (e) {
      return `show --${format} is refused by apply: ${(e as Error).message}`
    }
    if (ops.length > 0) return `show --${format} re-applies with changes:\n  ${describeOps(ops)}`
  }
  return undefined
}

/**
 * Apply one document, then, on one read of the result: re-applying it changes nothing, and neither does its
 * `show` (YAML and JSON) applied back. Never throws.
 */
export async function runExample(t: ExampleTarget, file: string, text: string, opts: ParseOptions = {}): Promise<ExampleOutcome> {
  try {
    const desired = parseDesiredState(text, opts)
    const r = await t.apply(desired)
    const state = await t.query()
    const again = planOn(t, state, parseDesiredState(text, opts))
    if (again.length > 0) return { file, ok: false, status: r.status, ops: r.ops.length, error: `re-applying changes:\n  ${describeOps(again)}` }
    const show = showRoundTrip(t, state)
    if (show !== undefined) return { file, ok: false, status: r.status, ops: r.ops.length, error: show }
    return { file, ok: true, status: r.status, ops: r.ops.length }
  } catch (e) {
    return { file, ok: false, error: (e as Error).message }
  }
}

/**
 * Every sequence starts with nmstate's test NICs up, as each of nmstate's own tests does (a sequence may leave them
 * down: bond_linuxbridge_vlan_absent sets eth1 and eth2 down).
 */
export const NICS_UP = 'interfaces: [{name: eth1, type: ethernet, state: up}, {name: eth2, type: ethernet, state: up}]\n'

/** Run a sequence in order; a failed document does not stop the ones after it (their outcomes show it). */
export async function runSequence(t: ExampleTarget, files: readonly string[]): Promise<ExampleOutcome[]> {
  await t.apply(parseDesiredState(NICS_UP))
  const out: ExampleOutcome[] = []
  for (const f of files) out.push(await runExample(t, f, readExample(f)))
  return out
}
