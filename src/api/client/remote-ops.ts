/**
 * The remotable verbs over a hostnet API (the remote CLI): each is one request to the resource the server
 * implements with the same service, so the output printed from the answer is the local one.
 * @module
 */
import type { Target } from '../../model/target.js'
import type {
  ApplyOptions,
  ApplyResult,
  DhcpLeaseEntry,
  DiffOutput,
  DocumentText,
  HostState,
  NetworkDefined,
  NetworkDetails,
  NetworkSummary,
  NetworkUpdateInput,
  NetworkUpdateResult,
  PortCreateFlags,
  PortSource,
  PortView,
  RemotableOps,
  TxnOutcome,
} from '../../service/ops.js'
import { ApiClient, type ClientOptions } from './http.js'

export const XML = 'application/xml'
export const YAML = 'application/yaml'

/** `host` or `netns:NAME`, as a path segment. */
export function targetSegment(t: Target): string {
  return encodeURIComponent(t.kind === 'host' ? 'host' : `netns:${t.name}`)
}

const seg = encodeURIComponent

function docType(doc: DocumentText): string {
  return doc.format === 'json' ? 'application/json' : YAML
}

export class RemoteOps implements RemotableOps {
  readonly client: ApiClient

  constructor(opts: ClientOptions) {
    this.client = new ApiClient(opts)
  }

  close(): void {
    this.client.close()
  }

  private net(t: Target, name: string): string {
    return `/targets/${targetSegment(t)}/networks/${seg(name)}`
  }

  show(target: Target, names: readonly string[] = []): Promise<HostState> {
    return this.client.json({ method: 'GET', path: `/targets/${targetSegment(target)}/state`, query: { names: names.length === 0 ? undefined : names.join(',') } })
  }

  diff(target: Target, doc: DocumentText): Promise<DiffOutput> {
    const query = { skipUnsupported: doc.skipUnsupported === true ? true : undefined }
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/diff`, query, body: doc.text, contentType: docType(doc) })
  }

  apply(target: Target, doc: DocumentText, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const query = { confirmWithin: opts.confirmWithinSec, verify: opts.noVerify === true ? false : undefined, skipUnsupported: doc.skipUnsupported === true ? true : undefined }
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/apply`, query, body: doc.text, contentType: docType(doc) })
  }

  commit(target: Target): Promise<TxnOutcome> {
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/commit` })
  }

  rollback(target: Target): Promise<TxnOutcome> {
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/rollback` })
  }

  netList(target: Target | undefined, opts: { all?: boolean } = {}): Promise<NetworkSummary[]> {
    const path = target === undefined ? '/networks' : `/targets/${targetSegment(target)}/networks`
    return this.client.json({ method: 'GET', path, query: { all: opts.all === true ? true : undefined } })
  }

  netDefine(target: Target, xml: string): Promise<NetworkDefined> {
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/networks`, body: xml, contentType: XML })
  }

  netCreate(target: Target, xml: string): Promise<NetworkDefined> {
    return this.client.json({ method: 'POST', path: `/targets/${targetSegment(target)}/networks`, query: { transient: true }, body: xml, contentType: XML })
  }

  async netStart(target: Target, name: string): Promise<void> {
    await this.client.call({ method: 'POST', path: `${this.net(target, name)}/start` })
  }

  async netDestroy(target: Target, name: string, opts: { deferDelete?: boolean } = {}): Promise<void> {
    await this.client.call({ method: 'POST', path: `${this.net(target, name)}/stop`, query: { deferDelete: opts.deferDelete === true ? true : undefined } })
  }

  async netUndefine(target: Target, name: string): Promise<void> {
    await this.client.call({ method: 'DELETE', path: this.net(target, name) })
  }

  async netAutostart(target: Target, name: string, on: boolean): Promise<void> {
    await this.client.call({ method: 'PUT', path: `${this.net(target, name)}/autostart`, body: JSON.stringify({ autostart: on }) })
  }

  netUpdate(target: Target, name: string, input: NetworkUpdateInput): Promise<NetworkUpdateResult> {
    return this.client.json({ method: 'POST', path: `${this.net(target, name)}/update`, body: JSON.stringify(input) })
  }

  netInfo(target: Target, name: string): Promise<NetworkDetails> {
    return this.client.json({ method: 'GET', path: this.net(target, name) })
  }

  async netDumpXml(target: Target, name: string, opts: { inactive?: boolean } = {}): Promise<string> {
    const res = await this.client.call({ method: 'GET', path: this.net(target, name), query: { inactive: opts.inactive === true ? true : undefined }, accept: XML })
    return res.text
  }

  netLeases(target: Target, name: string): Promise<DhcpLeaseEntry[]> {
    return this.client.json({ method: 'GET', path: `${this.net(target, name)}/leases` })
  }

  portList(target: Target, network: string): Promise<PortView[]> {
    return this.client.json({ method: 'GET', path: `${this.net(target, network)}/ports` })
  }

  portCreate(target: Target, network: string, source: PortSource, flags: PortCreateFlags = {}): Promise<PortView> {
    const query = {
      as: source.kind,
      reclaim: flags.reclaim === true ? true : undefined,
      plug: flags.plug === false ? false : undefined,
      profileOp: flags.profileOp,
      validate: source.validate === true ? true : undefined,
      domain: source.domain,
      domainUuid: source.domainUuid,
      ifname: source.ifname,
    }
    return this.client.json({ method: 'POST', path: `${this.net(target, network)}/ports`, query, body: source.xml, contentType: XML })
  }

  async portDumpXml(target: Target, network: string, uuid: string, opts: { domainInterface?: boolean } = {}): Promise<string> {
    const query = { domainInterface: opts.domainInterface === true ? true : undefined }
    const res = await this.client.call({ method: 'GET', path: `${this.net(target, network)}/ports/${seg(uuid)}`, query, accept: XML })
    return res.text
  }

  portGet(target: Target, network: string, uuid: string): Promise<PortView> {
    return this.client.json({ method: 'GET', path: `${this.net(target, network)}/ports/${seg(uuid)}` })
  }

  portAssociate(target: Target, network: string, uuid: string): Promise<PortView> {
    return this.client.json({ method: 'POST', path: `${this.net(target, network)}/ports/${seg(uuid)}/associate` })
  }

  async portDelete(target: Target, network: string, uuid: string): Promise<void> {
    await this.client.call({ method: 'DELETE', path: `${this.net(target, network)}/ports/${seg(uuid)}` })
  }
}
