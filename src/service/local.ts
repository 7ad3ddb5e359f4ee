/**
 * The one implementation of hostnet's verbs over a Runtime (store, engine, drivers): what the local CLI runs,
 * and what the API runs for its clients (the remote CLI included). A verb imports what only it needs (the engine
 * and YAML parser of ./host.ts, the port requests and views of ./ports.ts) when it runs: `hostnet show` loads
 * neither.
 * @module
 */
import type { Target } from '../model/target.js'
import type { OvsStatus } from '../backend/ovs-host/status.js'
import type { HostState } from '../model/host/state.js'
import type { ApplyResult } from '../txn/index.js'
import type { NetworkDetails, NetworkSummary, DhcpLeaseEntry, NetworkUpdateResult } from '../driver/network/index.js'
import { selectInterfaces } from './select.js'
import type { ApplyOptions, DiffOutput, DocumentText, NetworkDefined, NetworkUpdateInput, PortCreateFlags, PortSource, PortView, RemotableOps, TxnOutcome } from './ops.js'
import type { portRequest } from './ports.js'

// loaded on first use, then kept (a server calls them per request: import() resolves the module again each time)
let hostModule: Promise<typeof import('./host.js')> | undefined
let portsLoaded: Promise<typeof import('./ports.js')> | undefined
const host = (): Promise<typeof import('./host.js')> => (hostModule ??= import('./host.js'))
const portsModule = (): Promise<typeof import('./ports.js')> => (portsLoaded ??= import('./ports.js'))
import type { Runtime } from './runtime.js'
import { checkActor, type Actor, type ActorOptions } from '../store/index.js'

export class LocalOps implements RemotableOps {
  /** `who.actor`: on whose behalf every change is made (change record); default: the store's actor. */
  constructor(
    readonly rt: Runtime,
    private readonly who: ActorOptions = {},
  ) {}

  /**
   * The same operations on behalf of `actor` (cheap: a long-lived server makes one per request, e.g. with
   * `apiActor(principal)`, over its one runtime and store).
   */
  as(actor: Actor): LocalOps {
    return new LocalOps(this.rt, { actor: checkActor(actor) })
  }

  async show(target: Target, names: readonly string[] = []): Promise<HostState> {
    return selectInterfaces(await this.rt.backend.query(target), names)
  }

  async diff(target: Target, doc: DocumentText): Promise<DiffOutput> {
    const { diffDocument, parseDocument } = await host()
    return diffDocument(this.rt, target, parseDocument(doc))
  }

  async apply(target: Target, doc: DocumentText, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const { parseDocument, runApply } = await host()
    return runApply(this.rt, target, parseDocument(doc), { ...opts, ...this.who })
  }

  async commit(target: Target): Promise<TxnOutcome> {
    return (await host()).commitTarget(this.rt, target, this.who)
  }

  async rollback(target: Target): Promise<TxnOutcome> {
    return (await host()).rollbackTarget(this.rt, target, this.who)
  }

  async netList(target: Target | undefined, opts: { all?: boolean } = {}): Promise<NetworkSummary[]> {
    return this.rt.networks().list(target, opts.all === true ? { all: true } : {})
  }

  async netDefine(target: Target, xml: string): Promise<NetworkDefined> {
    return defined(await this.rt.networks().define(target, xml, this.who))
  }

  async netCreate(target: Target, xml: string): Promise<NetworkDefined> {
    return defined(await this.rt.networks().create(target, xml, this.who))
  }

  netStart(target: Target, name: string): Promise<void> {
    return this.rt.networks().start(target, name, this.who)
  }

  netDestroy(target: Target, name: string, opts: { deferDelete?: boolean } = {}): Promise<void> {
    return this.rt.networks().destroy(target, name, { ...(opts.deferDelete === true ? { deferDelete: true } : {}), ...this.who })
  }

  async netUndefine(target: Target, name: string): Promise<void> {
    this.rt.networks().undefine(target, name, this.who)
  }

  async netAutostart(target: Target, name: string, on: boolean): Promise<void> {
    this.rt.networks().setAutostart(target, name, on, this.who)
  }

  netUpdate(target: Target, name: string, input: NetworkUpdateInput): Promise<NetworkUpdateResult> {
    const { command, section, parentIndex, xml, live, config, current } = input
    const flags = { ...(live === true ? { live } : {}), ...(config === true ? { config } : {}), ...(current === true ? { current } : {}) }
    return this.rt.networks().update(target, name, { command, section, parentIndex, xml }, flags, this.who)
  }

  async netInfo(target: Target, name: string): Promise<NetworkDetails> {
    return this.rt.networks().info(target, name)
  }

  async netDumpXml(target: Target, name: string, opts: { inactive?: boolean } = {}): Promise<string> {
    return this.rt.networks().dumpXml(target, name, opts.inactive === true ? { inactive: true } : {})
  }

  netLeases(target: Target, name: string): Promise<DhcpLeaseEntry[]> {
    return this.rt.networks().leases(target, name)
  }

  async portList(target: Target, network: string): Promise<PortView[]> {
    const ports = this.rt.networks().ports
    return (await ports.withLiveAssociations(target, ports.list(target, network))).map((await portsModule()).portView)
  }

  async portCreate(target: Target, network: string, source: PortSource, flags: PortCreateFlags = {}): Promise<PortView> {
    return this.portCreateRequest(target, network, (await portsModule()).portRequest(source), flags)
  }

  /** portCreate with the request already built (the caller parsed the source, e.g. before opening the runtime). */
  async portCreateRequest(target: Target, network: string, req: ReturnType<typeof portRequest>, flags: PortCreateFlags = {}): Promise<PortView> {
    const opts = { ...(flags.reclaim === true ? { reclaim: true } : {}), ...(flags.plug === false ? { plug: false } : {}), ...(flags.profileOp === undefined ? {} : { profileOp: flags.profileOp }), ...this.who }
    return (await portsModule()).portView(await this.rt.networks().ports.create(target, network, req, opts))
  }

  async portGet(target: Target, network: string, uuid: string): Promise<PortView> {
    const ports = this.rt.networks().ports
    const [info] = await ports.withLiveAssociations(target, [ports.get(target, network, uuid)])
    return (await portsModule()).portView(info!)
  }

  async portAssociate(target: Target, network: string, uuid: string): Promise<PortView> {
    return (await portsModule()).portView(await this.rt.networks().ports.associate(target, network, uuid))
  }

  async portDumpXml(target: Target, network: string, uuid: string, opts: { domainInterface?: boolean } = {}): Promise<string> {
    return this.rt.networks().ports.dumpXml(target, network, uuid, opts.domainInterface === true ? { domainInterface: true } : {})
  }

  portDelete(target: Target, network: string, uuid: string): Promise<void> {
    return this.rt.networks().ports.delete(target, network, uuid, this.who)
  }

  /** Open vSwitch bridges, ports and bonds of a target. */
  async ovsShow(target: Target): Promise<OvsStatus> {
    const client = await this.rt.backend.client(target)
    const [{ ovsStatus }, { readOvsDb }] = await Promise.all([import('../backend/ovs-host/status.js'), import('../backend/ovs-host/read.js')])
    return ovsStatus(await readOvsDb(client, { status: true }), client.address)
  }
}

function defined(def: { name: string; uuid: string; bridge?: { name?: string } }): NetworkDefined {
  return { name: def.name, uuid: def.uuid, ...(def.bridge?.name === undefined ? {} : { bridge: def.bridge.name }) }
}
