/**
 * What a Kimchi request works with: the facade's target (the host, or the sandbox of `serve --kimchi-netns`),
 * hostnet's runtime and verbs on behalf of the request's principal, the host's architecture (s390x rules), the
 * libvirt connection, and per-request caches (the host's interfaces and the domains are read at most once per
 * request, however many networks a listing shows).
 * @module
 */
import { arch as osArch } from 'node:os'
import { readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import type { Target } from '../../model/target.js'
import { HostnetError } from '../../errors.js'
import type { HostState } from '../../model/host/state.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { Iface } from '../../model/host/iface.js'
import { DEFAULT_LIBVIRT_URI, LibvirtClient, parseLibvirtUri, privateLibvirtdUri, uuidText, type DomainRef, type DomainState } from '../../backend/libvirt/index.js'
import { existsSync } from 'node:fs'
import type { NetworkRecord } from '../../store/networks.js'
import { currentDef } from '../../driver/network/define.js'
import type { LocalOps } from '../../service/local.js'
import type { Runtime } from '../../service/runtime.js'
import { showState } from '../../service/host.js'
import { targetKey } from '../../txn/target-key.js'
import { failed, errText } from './wok/errors.js'
import { moduleOfType } from './model/host-ifaces.js'

/** Kimchi's names for the host architecture (Python's platform.machine()). */
export function hostArch(): string {
  const a = osArch()
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'aarch64' : a === 's390x' ? 's390x' : a === 'ppc64' ? 'ppc64le' : a
}

export function checkDomainType(t: string): 'kvm' | 'qemu' {
  if (t !== 'kvm' && t !== 'qemu') throw new HostnetError('invalid-argument', `invalid domain type '${t.slice(0, 32)}': expected kvm or qemu`, { details: { path: '--kimchi-domain-type' } })
  return t
}

export function isS390(arch: string): boolean {
  return arch === 's390x' || arch === 's390'
}

export interface KimchiConfig {
  target: Target
  /**
   * libvirt URI of the guests (`serve --libvirt-uri`). Not given: the private libvirtd of the target's sandbox
   * (`sandbox create --libvirt`) for a namespace, `qemu:///system` for the host when its socket exists; else none
   * (VM resources answer 500 HOSTNET0001E, networks show no VMs).
   */
  libvirtUri: string | undefined
  /** The state directory (where a sandbox's private libvirtd is recorded). */
  stateDir: string
  /** Host architecture as Kimchi names it (default: this host's; a setting so the s390x rules are testable). */
  arch: string
  /** libvirt domain type of new guests (`serve --kimchi-domain-type`; default: kvm when /dev/kvm exists, else qemu). */
  domainType?: 'kvm' | 'qemu'
}

/** One per server: the configuration and the libvirt connection, shared by all requests. */
export class KimchiFacade {
  private client: LibvirtClient | undefined

  constructor(
    readonly rt: Runtime,
    readonly config: KimchiConfig,
    readonly log: (line: string) => void,
  ) {
    if (config.libvirtUri !== undefined) parseLibvirtUri(config.libvirtUri)
    if (!/^[a-z0-9_]{1,16}$/.test(config.arch)) throw new HostnetError('invalid-argument', `invalid architecture '${config.arch.slice(0, 32)}': expected e.g. x86_64 or s390x`, { details: { path: '--kimchi-arch' } })
  }

  /** The libvirt URI in effect now (a sandbox's libvirtd may be started or stopped while serve runs). */
  libvirtUri(): string | undefined {
    if (this.config.libvirtUri !== undefined) return this.config.libvirtUri
    const t = this.config.target
    if (t.kind === 'netns') return privateLibvirtdUri(this.config.stateDir, t.name)
    return existsSync(parseLibvirtUri(DEFAULT_LIBVIRT_URI).socket) ? DEFAULT_LIBVIRT_URI : undefined
  }

  libvirt(): LibvirtClient {
    const uri = this.libvirtUri()
    if (uri === undefined) throw failed('HOSTNET0001E', { uri: '(none)', err: 'no libvirt for this target: give serve --libvirt-uri, or start the sandbox with --libvirt' })
    if (this.client?.uri !== uri) {
      this.client?.close()
      this.client = new LibvirtClient(uri)
    }
    return this.client
  }

  close(): void {
    this.client?.close()
    this.client = undefined
  }
}

export interface DomainInfo {
  ref: DomainRef
  name: string
  uuid: string
}

/** Per request: the facade, the principal's actor and ops, lazily read state. */
export class KimchiEnv {
  private hostState: Promise<HostState> | undefined
  private domains: Promise<DomainInfo[]> | undefined
  private readonly domainXml = new Map<string, Promise<string>>()

  constructor(
    readonly facade: KimchiFacade,
    readonly ops: LocalOps,
    readonly actor: string,
  ) {}

  get rt(): Runtime {
    return this.facade.rt
  }

  get target(): Target {
    return this.facade.config.target
  }

  get targetKey(): string {
    return targetKey(this.facade.config.target)
  }

  get arch(): string {
    return this.facade.config.arch
  }

  /** The target's interfaces (read once per request; `fresh` rereads after a change). */
  host(fresh = false): Promise<HostState> {
    if (fresh || this.hostState === undefined) this.hostState = showState(this.rt, this.target)
    return this.hostState
  }

  /** The target's network records (persistent and transient), by name. */
  networkRecords(): NetworkRecord[] {
    return this.rt.networks().ctx.networks.list(this.targetKey)
  }

  networkRecord(name: string): NetworkRecord | undefined {
    return this.rt.networks().ctx.networks.get(this.targetKey, name)
  }

  defs(): NetworkDef[] {
    return this.networkRecords().flatMap((r) => (r.configXml === undefined && r.liveXml === undefined ? [] : [currentDef(r)]))
  }

  libvirt(): LibvirtClient {
    return this.facade.libvirt()
  }

  /** Every libvirt domain (read once per request). */
  listDomains(): Promise<DomainInfo[]> {
    this.domains ??= this.libvirtCall(async () => (await this.libvirt().listDomains()).map((ref) => ({ ref, name: ref.name, uuid: uuidText(ref.uuid) })))
    return this.domains
  }

  /** Domains, or [] when there is no libvirt to ask (network representations do not need one). */
  async domainsIfAny(): Promise<DomainInfo[]> {
    if (this.facade.libvirtUri() === undefined) return []
    try {
      return await this.listDomains()
    } catch (e) {
      this.facade.log(`kimchi: cannot list libvirt domains: ${errText(e)}`)
      return []
    }
  }

  domainXmlOf(d: DomainInfo, opts: { inactive?: boolean } = {}): Promise<string> {
    const key = `${d.uuid}/${opts.inactive === true ? 'i' : 'l'}`
    let x = this.domainXml.get(key)
    if (x === undefined) {
      x = this.libvirtCall(() => this.libvirt().xml(d.ref, opts))
      this.domainXml.set(key, x)
    }
    return x
  }

  /** Forget cached domain XML after a change. */
  invalidateDomains(): void {
    this.domains = undefined
    this.domainXml.clear()
  }

  async domainState(d: DomainInfo): Promise<DomainState> {
    return this.libvirtCall(() => this.libvirt().state(d.ref))
  }

  /** A libvirt call; a lost or missing daemon becomes 500 HOSTNET0001E. */
  async libvirtCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      const kind = (e as { kind?: string }).kind
      if (kind === 'dependency' || kind === 'timeout') throw failed('HOSTNET0001E', { uri: this.facade.libvirtUri() ?? '(none)', err: errText(e) }, e)
      throw e
    }
  }

  /** A NIC's kernel driver: the host's sysfs for the host target, else what the type says. */
  moduleOf(i: Iface): string {
    if (this.target.kind === 'host' && (i.type === 'ethernet' || i.type === 'veth')) {
      try {
        return basename(readlinkSync(`/sys/class/net/${i.name}/device/driver`))
      } catch {
        return i.type === 'veth' ? 'veth' : 'unknown'
      }
    }
    return moduleOfType(i)
  }
}
