/**
 * `mac-vlan` (kernel kind `macvlan`): a MAC-based sub-interface of a base interface. Base and mode are fixed at
 * creation; its MTU is bounded by its base's. `mac-vtap` shares the section's fields (./mac-vtap.ts).
 *
 * ```yaml
 * mac-vlan: {base-iface: eth0, mode: bridge}
 * ```
 * @module
 */
import { defineType, notSupported, type Field, type KeyHint, type SectionProblem } from './descriptor.js'

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source'
export const MACVLAN_MODES: readonly MacvlanMode[] = ['private', 'vepa', 'bridge', 'passthru', 'source']

export interface MacvlanConfig {
  baseIface?: string
  mode?: MacvlanMode
  /**
   * In passthru mode the kernel puts the base into promiscuous mode (true, its default); false: it does not
   * (`nopromisc`), and the base receives only what its own filters pass.
   */
  promiscuous?: boolean
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    'mac-vlan': MacvlanConfig
  }
  interface Iface {
    /** The section of a mac-vlan or a mac-vtap. */
    macvlan?: MacvlanConfig
  }
}

/** The fields of `mac-vlan:` (and of `mac-vtap:`, ./mac-vtap.ts). */
const MACVLAN_FIELDS: readonly Field[] = [
  { key: 'baseIface', yaml: 'base-iface', value: { kind: 'ifname' }, immutable: true, requiredToCreate: true },
  { key: 'mode', yaml: 'mode', value: { kind: 'enum', values: MACVLAN_MODES }, immutable: true, kernelDefault: 'vepa' },
  // no kernel default: read (and meaningful) in passthru mode only, where the kernel reports it always
  { key: 'promiscuous', yaml: 'promiscuous', value: { kind: 'bool' }, immutable: true, onlyWith: { mode: 'passthru' } },
]

const macvlanKeyHint: KeyHint = (k, field) => (k === 'accept-all-mac' ? notSupported(`${field}.${k} is not supported`) : undefined)

/**
 * `promiscuous` is about passthru mode only (the one mode that makes the base promiscuous; the kernel takes
 * `nopromisc` there only, and reads it back there only).
 */
function nopromiscNeedsPassthru(target: MacvlanConfig, desired: MacvlanConfig | undefined): SectionProblem | undefined {
  const asked = desired?.promiscuous
  if (asked === undefined || target.mode === 'passthru') return undefined
  return { field: 'promiscuous', message: `promiscuous applies only in mode passthru (the mode is ${target.mode ?? 'vepa'})`, value: asked }
}

export const macVlan = defineType({
  type: 'mac-vlan',
  aliases: ['macvlan'],
  kernelKind: 'macvlan',
  creatable: true,
  section: { prop: 'macvlan', key: 'mac-vlan', fields: MACVLAN_FIELDS, keyHint: macvlanKeyHint, checkTarget: nopromiscNeedsPassthru },
  baseField: 'baseIface',
  mtu: { onCreate: (baseMtu) => baseMtu, boundedByBase: true },
})
