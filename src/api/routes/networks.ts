/** Virtual networks (libvirt's net-* verbs) and their DHCP leases. */
import { z } from '@hono/zod-openapi'
import type { ApiApp } from '../context.js'
import { HostnetError } from '../../errors.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { targetOf, opsOf, type ApiServices } from '../context.js'
import { defineOperation, JSON_TYPE, jsonAnswer, negotiate, textAnswer, XML_TYPES, type OperationInput } from '../operation.js'
import { HttpError } from '../problem.js'
import { NetworkJson, networkXmlFromJson } from '../network-json.js'
import { Autostart, Lease, NameParam, NetworkDefined, NetworkDetails, NetworkSummary, NetworkUpdate, NetworkUpdated, QueryBool, TargetParam } from '../schemas.js'
import { parseUpdateCommand, type NetworkUpdateSection } from '../../model/network/update.js'

const XML = 'application/xml'

/** The body as libvirt XML: given so, or made from the JSON definition (then checked as XML is). */
function xmlOf(input: OperationInput): string {
  if (input.json !== undefined) return networkXmlFromJson(input.json as Parameters<typeof networkXmlFromJson>[0])
  if (input.text === undefined) throw new HttpError('bad-request', 'a libvirt <network> document is required')
  return input.text
}

const networkBody = { json: NetworkJson, text: XML_TYPES, description: "libvirt's <network> XML, or the same definition as JSON", required: true } as const

export function registerNetworkRoutes(app: ApiApp, svc: ApiServices): void {
  const target = { target: TargetParam }
  const named = { target: TargetParam, name: NameParam }
  defineOperation(
    app,
    {
      method: 'get',
      path: '/networks',
      operationId: 'listAllNetworks',
      summary: 'networks of every target (net-list without a target)',
      tag: 'networks',
      query: { all: QueryBool.optional().openapi({ description: 'inactive networks too' }) },
      ok: { status: 200, description: 'networks', json: z.array(NetworkSummary) },
    },
    async (c, { query }) => jsonAnswer(c, await opsOf(svc, c).netList(undefined, { all: query['all'] === true })),
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/networks',
      operationId: 'listNetworks',
      summary: 'networks of a target (net-list)',
      tag: 'networks',
      params: target,
      query: { all: QueryBool.optional().openapi({ description: 'inactive networks too' }) },
      ok: { status: 200, description: 'networks', json: z.array(NetworkSummary) },
    },
    async (c, { params, query }) => jsonAnswer(c, await opsOf(svc, c).netList(targetOf(params['target']), { all: query['all'] === true })),
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/networks',
      operationId: 'defineNetwork',
      summary: 'define a persistent network (net-define), or with transient=true create and start a transient one (net-create)',
      tag: 'networks',
      params: target,
      query: { transient: QueryBool.optional() },
      body: networkBody,
      ok: { status: 201, description: 'the network', json: NetworkDefined },
    },
    async (c, input) => {
      const t = targetOf(input.params['target'])
      const def = input.query['transient'] === true ? await opsOf(svc, c).netCreate(t, xmlOf(input)) : await opsOf(svc, c).netDefine(t, xmlOf(input))
      c.header('location', `${c.req.path.replace(/\/$/, '')}/${encodeURIComponent(def.name)}`)
      return jsonAnswer(c, def, 201)
    },
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/networks/{name}',
      operationId: 'getNetwork',
      summary: 'a network: JSON (net-info), or its libvirt XML with Accept: application/xml (net-dumpxml; live, or the persistent definition with inactive=true)',
      tag: 'networks',
      params: named,
      query: { inactive: QueryBool.optional(), definition: QueryBool.optional().openapi({ description: 'JSON: add the definition (live, or with inactive=true the persistent one)' }) },
      ok: { status: 200, description: 'the network', json: NetworkDetails, text: [XML] },
    },
    async (c, { params, query }) => {
      const t = targetOf(params['target'])
      const name = params['name']!
      const ops = opsOf(svc, c)
      if (negotiate(c, [JSON_TYPE, XML]) === XML) return textAnswer(c, await ops.netDumpXml(t, name, { inactive: query['inactive'] === true }), XML)
      const info = await ops.netInfo(t, name)
      if (query['definition'] !== true) return jsonAnswer(c, info)
      return jsonAnswer(c, { ...info, definition: parseNetworkXml(await ops.netDumpXml(t, name, { inactive: query['inactive'] === true })) })
    },
  )
  defineOperation(
    app,
    {
      method: 'put',
      path: '/targets/{target}/networks/{name}',
      operationId: 'redefineNetwork',
      summary: 'replace the persistent definition (net-define of an existing network; the XML names the same network)',
      tag: 'networks',
      params: named,
      body: networkBody,
      ok: { status: 200, description: 'the network', json: NetworkDefined },
    },
    async (c, input) => {
      const xml = xmlOf(input)
      const name = parseNetworkXml(xml).name
      if (name !== input.params['name']) {
        throw new HostnetError('invalid-argument', `the XML defines network '${name}', not '${input.params['name']}'`, { details: { path: '/network/name', value: name } })
      }
      const t = targetOf(input.params['target'])
      await opsOf(svc, c).netInfo(t, name) // 404 unless it exists: PUT replaces, POST creates
      return jsonAnswer(c, await opsOf(svc, c).netDefine(t, xml))
    },
  )
  defineOperation(
    app,
    { method: 'delete', path: '/targets/{target}/networks/{name}', operationId: 'undefineNetwork', summary: 'remove the persistent definition (net-undefine)', tag: 'networks', params: named, ok: { status: 204, description: 'undefined' } },
    async (c, { params }) => {
      await opsOf(svc, c).netUndefine(targetOf(params['target']), params['name']!)
      return c.body(null, 204)
    },
  )
  defineOperation(
    app,
    { method: 'post', path: '/targets/{target}/networks/{name}/start', operationId: 'startNetwork', summary: 'start a defined network (net-start)', tag: 'networks', params: named, ok: { status: 200, description: 'the started network', json: NetworkDetails } },
    async (c, { params }) => {
      const t = targetOf(params['target'])
      await opsOf(svc, c).netStart(t, params['name']!)
      return jsonAnswer(c, await opsOf(svc, c).netInfo(t, params['name']!))
    },
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/networks/{name}/stop',
      operationId: 'stopNetwork',
      summary: 'stop an active network (net-destroy; a transient one disappears)',
      tag: 'networks',
      params: named,
      query: { deferDelete: QueryBool.optional().openapi({ description: 'leave the retired bridge for serve to delete' }) },
      ok: { status: 204, description: 'stopped' },
    },
    async (c, { params, query }) => {
      await opsOf(svc, c).netDestroy(targetOf(params['target']), params['name']!, { deferDelete: query['deferDelete'] === true })
      return c.body(null, 204)
    },
  )
  defineOperation(
    app,
    {
      method: 'put',
      path: '/targets/{target}/networks/{name}/autostart',
      operationId: 'setNetworkAutostart',
      summary: 'start the network whenever hostnet serve starts, or no longer (net-autostart)',
      tag: 'networks',
      params: named,
      body: { json: Autostart, description: '{"autostart": true|false}', required: true },
      ok: { status: 200, description: 'the setting', json: Autostart },
    },
    async (c, { params, json }) => {
      const on = (json as { autostart: boolean }).autostart
      await opsOf(svc, c).netAutostart(targetOf(params['target']), params['name']!, on)
      return jsonAnswer(c, { autostart: on })
    },
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/networks/{name}/update',
      operationId: 'updateNetwork',
      summary: "change one section of a network's live or persistent definition (net-update, libvirt's semantics)",
      tag: 'networks',
      params: named,
      body: { json: NetworkUpdate, description: '{command, section, xml, parentIndex?, live?, config?, current?}', required: true },
      ok: { status: 200, description: 'what changed, and what the running dnsmasq was asked to do', json: NetworkUpdated },
    },
    async (c, { params, json }) => {
      const b = json as { command: string; section: NetworkUpdateSection; xml: string; parentIndex?: number; live?: boolean; config?: boolean; current?: boolean }
      const input = {
        command: parseUpdateCommand(b.command),
        section: b.section,
        xml: b.xml,
        parentIndex: b.parentIndex ?? -1,
        ...(b.live === undefined ? {} : { live: b.live }),
        ...(b.config === undefined ? {} : { config: b.config }),
        ...(b.current === undefined ? {} : { current: b.current }),
      }
      return jsonAnswer(c, await opsOf(svc, c).netUpdate(targetOf(params['target']), params['name']!, input))
    },
  )
  defineOperation(
    app,
    { method: 'get', path: '/targets/{target}/networks/{name}/leases', operationId: 'getNetworkLeases', summary: "the DHCP leases of an active network's dnsmasq (net-dhcp-leases)", tag: 'networks', params: named, ok: { status: 200, description: 'leases', json: z.array(Lease) } },
    async (c, { params }) => jsonAnswer(c, await opsOf(svc, c).netLeases(targetOf(params['target']), params['name']!)),
  )
}
