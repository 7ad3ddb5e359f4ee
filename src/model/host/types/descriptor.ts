/**
 * What an interface type is, as data: one descriptor per type, one file per type in this folder (as nmstate keeps
 * one file per type), listed once in ./index.ts. Everything else is derived from the descriptors: the YAML
 * section (codec/yaml reads and writes it from `section.fields`), the planner's rules (children and their base,
 * controllers and what they do to their ports, what cannot change in place, what a new link needs, MTU
 * inheritance), the field names verification reports, the kernel kind the backends create and read.
 *
 * A descriptor file also declares the type's section record and adds it to `Iface` and `IfaceTypeMap` by module
 * augmentation (`declare module '../iface.js'`), so a new type needs no edit of iface.ts.
 * @module
 */

/** MTU the kernel gives a new link that neither sets one nor inherits one from a base. */
export const KERNEL_DEFAULT_MTU = 1500

export const UINT32_MAX = 4_294_967_295

/** How the value of a section field is written in documents; codec/yaml has one reader and one writer per kind. */
export type ValueSpec =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  /** One of `values`; `numbered`: the value's index is accepted too (bond modes 0..6). */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly numbered?: boolean }
  /** An interface name. */
  | { readonly kind: 'ifname' }
  /** An IP address of either family, canonical text; `cast` refuses the other kind. */
  | { readonly kind: 'ip'; readonly cast: 'unicast' | 'multicast' }
  /** A list of interface names (a bond's or a VRF's ports). */
  | { readonly kind: 'ifnames' }
  /**
   * A set of addresses (canonical text, read sorted and without duplicates, at most `max`): replaces the current
   * set when given, and is changed in place by its own op, not given to `link.create` (a VXLAN's remotes).
   */
  | { readonly kind: 'ips'; readonly cast: 'unicast'; readonly max: number }
  /** Kernel option name → non-negative integer or word, names from `names` (bond options, as sysfs names them). */
  | { readonly kind: 'kernel-options'; readonly what: string; readonly names: readonly string[]; readonly max: number; readonly keyHint?: KeyHint }
  /** A list of `{name, ...options}` (a bridge's ports with their port options), read as `{name, options?}`. */
  | { readonly kind: 'ports'; readonly options: readonly Field[] }

/** A key hostnet knows (nmstate has it) and does not do: refused as not-supported (exit 5), not as invalid. */
export interface NotSupported {
  readonly notSupported: string
}

export function notSupported(message: string): NotSupported {
  return { notSupported: message }
}

/**
 * Explains a key that is known but not accepted at this place (returns the whole message: a string when it is
 * invalid here, a NotSupported for a feature hostnet does not have), else undefined.
 */
export type KeyHint = (key: string, field: string) => string | NotSupported | undefined

/** A leaf: one property of the section record. */
export interface LeafField {
  /** Property name in the record (camelCase). */
  readonly key: string
  /** Key in documents (kebab-case, nmstate's). */
  readonly yaml: string
  /** A second accepted spelling (nmstate's `ports` for `port`); giving both is an error. */
  readonly alias?: string
  readonly value: ValueSpec
  /** The kernel cannot change it on a live link: changing it makes the planner delete and create the link again. */
  readonly immutable?: boolean
  /** What the kernel gives a new link when the field is unset (so that "unset" and "the default" compare equal). */
  readonly kernelDefault?: string | number | boolean
  /** A new link of the type cannot be created without it. */
  readonly requiredToCreate?: boolean
  /**
   * The field means something only when other fields of the section have these values (a mac-vlan's
   * `promiscuous` in mode passthru); the section's `checkTarget` refuses it otherwise.
   */
  readonly onlyWith?: Readonly<Record<string, string | number | boolean>>
  /** A check of the value beyond its kind (`field` is the dotted YAML name): the message, or undefined when fine. */
  readonly check?: (value: never, field: string) => string | undefined
}

/**
 * A nested mapping in documents. With `key`, it is a nested record of the same name (a bridge's `options`);
 * without, its fields sit in the enclosing record (a bridge's `options.stp.enabled` is `options.stp`).
 */
export interface GroupField {
  readonly key?: string
  readonly yaml: string
  readonly fields: readonly Field[]
  readonly keyHint?: KeyHint
}

export type Field = LeafField | GroupField

export function isGroup(f: Field): f is GroupField {
  return (f as GroupField).fields !== undefined
}

/** A problem found across the fields of a section: the YAML key to blame (relative to the section) and the message. */
export interface SectionProblem {
  readonly field: string
  readonly message: string
  /** The offending value, when one is to blame. */
  readonly value?: unknown
}

export interface SectionSpec {
  /** Property of `Iface` holding the section record. */
  readonly prop: string
  /** Its key in documents. */
  readonly key: string
  readonly fields: readonly Field[]
  readonly keyHint?: KeyHint
  /** Checks across fields once they are read (`key`: the section key as written). */
  readonly check?: (section: never, key: string) => SectionProblem | undefined
  /** Checks of a link's target section (current and desired merged) against what the document asked (`desired`). */
  readonly checkTarget?: (target: never, desired: never) => SectionProblem | undefined
  /**
   * No two links of the type may share `key` (the kernel refuses a second VLAN with the same id and protocol on
   * a base): the field to blame and the message naming the other link.
   */
  readonly unique?: {
    readonly field: string
    readonly key: (section: never) => string
    readonly message: (section: never, other: string) => string
  }
  /** Read and written by a codec of its own instead of from `fields` (the Open vSwitch sections). */
  readonly custom?: boolean
}

export interface MtuRule {
  /** MTU the kernel gives a new link without one, from its base's (undefined: unknown). Default KERNEL_DEFAULT_MTU. */
  readonly onCreate?: (baseMtu: number | undefined) => number | undefined
  /** The kernel refuses an MTU above the base's, and lowers the link's with the base's. */
  readonly boundedByBase?: boolean
}

/** A type that can have ports. */
export interface ControllerSpec {
  /** A kernel controller (ports are attached with `master`); false for an Open vSwitch bridge. */
  readonly kernel: boolean
  /** The field of the section listing its ports (replace semantics), if documents may list them there. */
  readonly portsField?: string
  /** Options of an interface as a port of this controller: the `Iface` property and the document key. */
  readonly portOptions?: { readonly prop: string; readonly key: string; readonly fields: readonly Field[] }
  /** The controller's MTU is its ports' (the kernel sets it on enslave and on every change): a bond. */
  readonly setsPortMtu?: boolean
  /** Ports are enslaved down, and the driver closes (sets down) the ports it releases: a bond. */
  readonly portsDown?: boolean
  /** Enslaving and releasing cycle an up port down and up (it loses IPv6 addresses and routes): a VRF. */
  readonly cyclesPorts?: boolean
  /** Why a port of type `portType` cannot be attached (message before the controller's name), else undefined. */
  readonly refusesPort?: (portType: string) => string | undefined
}

export interface IfaceTypeDescriptor<T extends string = string> {
  /** nmstate's type name. */
  readonly type: T
  /** Other spellings `type:` accepts. */
  readonly aliases?: readonly string[]
  /** The kernel's link kind (`ip link add ... type KIND`, `linkinfo.info_kind`), when it is a kernel link kind. */
  readonly kernelKind?: string
  /** hostnet creates and deletes links of this type (the others are read-only or managed elsewhere). */
  readonly creatable: boolean
  /** Its own section in documents. */
  readonly section?: SectionSpec
  /** A child: the section field naming its base interface. The kernel deletes a child with its base. */
  readonly baseField?: string
  /** A type the kernel does not model for hostnet: the link it reports (`info.link`) counts as its base. */
  readonly reportedLinkIsBase?: boolean
  /** The section field naming a peer created and deleted with it (veth). */
  readonly peerField?: string
  readonly mtu?: MtuRule
  readonly controller?: ControllerSpec
  /** It cannot be a port of any controller: the message. */
  readonly notAPort?: string
  /**
   * An nmstate type hostnet does not support: the key of its section in documents (`hsr`, `libreswan`) and why.
   * An entry with that section is refused as not supported; existing links of the type are read and kept.
   */
  readonly unsupported?: { readonly key: string; readonly why: string }
  /** What hostnet gives a new link's section that the document leaves out (a bridge: STP off, forward delay 0). */
  readonly createDefaults?: (section: never) => object
}

/** A descriptor, with `type` kept literal (`defineType({type: 'vxlan', ...})` is an IfaceTypeDescriptor<'vxlan'>). */
export function defineType<const T extends string>(d: IfaceTypeDescriptor<T>): IfaceTypeDescriptor<T> {
  return d
}
