/** Ports of a network (libvirt's net-port-* verbs). */
import { z } from '@hono/zod-openapi'
import type { ApiApp } from '../context.js'
import type { PortSource } from '../../service/ops.js'
import { targetOf, opsOf, type ApiServices } from '../context.js'
import { defineOperation, JSON_TYPE, jsonAnswer, negotiate, textAnswer, XML_TYPES } from '../operation.js'
import { HttpError } from '../problem.js'
import { NameParam, PortView, QueryBool, TargetParam, UuidParam } from '../schemas.js'

const XML = 'application/xml'

/** `<interface` or `<networkport` as the document's root (after the prolog and comments). */
function rootName(xml: string): string | undefined {
  const m = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<([A-Za-z_][\w.-]*)/.exec(xml.slice(0, 4096))
  return m?.[1]
}

export function registerPortRoutes(app: ApiApp, svc: ApiServices): void {
  const net = { target: TargetParam, name: NameParam }
  const port = { ...net, uuid: UuidParam }
  defineOperation(
    app,
    { method: 'get', path: '/targets/{target}/networks/{name}/ports', operationId: 'listPorts', summary: 'the ports of an active network (net-port-list)', tag: 'ports', params: net, ok: { status: 200, description: 'ports', json: z.array(PortView) } },
    async (c, { params }) => jsonAnswer(c, await opsOf(svc, c).portList(targetOf(params['target']), params['name']!)),
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/networks/{name}/ports',
      operationId: 'createPort',
      summary: "create a port from a <networkport> or a domain <interface type='network'> and plug it (net-port-create)",
      tag: 'ports',
      params: net,
      query: {
        as: z.enum(['networkport', 'interface']).optional().openapi({ description: "what the XML is (default: by its root element)" }),
        reclaim: QueryBool.optional().openapi({ description: "re-register a running guest's port" }),
        plug: QueryBool.optional().openapi({ description: 'false: allocate only (the hypervisor plugs)' }),
        validate: QueryBool.optional().openapi({ description: 'validate a <networkport> against the schema first' }),
        domain: z.string().min(1).max(256).optional().openapi({ description: 'interface: the owner domain name' }),
        domainUuid: z.string().max(64).optional().openapi({ description: 'interface: the owner domain UUID' }),
        ifname: z.string().max(64).optional().openapi({ description: 'host device name' }),
        profileOp: z.enum(['preassociate', 'preassociate-rr']).optional().openapi({ description: "802.1Qbg/802.1Qbh: pre-associate only (incoming migration); POST …/associate completes it" }),
      },
      body: { text: XML_TYPES, description: "<networkport> or a domain <interface type='network'>", required: true },
      ok: { status: 201, description: 'the port', json: PortView },
    },
    async (c, { params, query, text }) => {
      if (text === undefined) throw new HttpError('bad-request', "a <networkport> or <interface> document is required")
      const kind = (query['as'] as PortSource['kind'] | undefined) ?? (rootName(text) === 'interface' ? 'interface' : 'networkport')
      const src: PortSource = { xml: text, kind }
      if (query['validate'] === true) src.validate = true
      if (typeof query['domain'] === 'string') src.domain = query['domain']
      if (typeof query['domainUuid'] === 'string') src.domainUuid = query['domainUuid']
      if (typeof query['ifname'] === 'string') src.ifname = query['ifname']
      const profileOp = query['profileOp'] as 'preassociate' | 'preassociate-rr' | undefined
      const flags = { ...(query['reclaim'] === true ? { reclaim: true } : {}), ...(query['plug'] === false ? { plug: false } : {}), ...(profileOp === undefined ? {} : { profileOp }) }
      const p = await opsOf(svc, c).portCreate(targetOf(params['target']), params['name']!, src, flags)
      c.header('location', `${c.req.path.replace(/\/$/, '')}/${p.uuid}`)
      return jsonAnswer(c, p, 201)
    },
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/networks/{name}/ports/{uuid}',
      operationId: 'getPort',
      summary: 'a port: JSON, its <networkport> with Accept: application/xml, or with domainInterface=true the domain <interface> with <actual> (net-port-dumpxml)',
      tag: 'ports',
      params: port,
      query: { domainInterface: QueryBool.optional() },
      ok: { status: 200, description: 'the port', json: PortView, text: [XML] },
    },
    async (c, { params, query }) => {
      const t = targetOf(params['target'])
      const want = query['domainInterface'] === true ? XML : negotiate(c, [JSON_TYPE, XML])
      if (want === XML) return textAnswer(c, await opsOf(svc, c).portDumpXml(t, params['name']!, params['uuid']!, { domainInterface: query['domainInterface'] === true }), XML)
      return jsonAnswer(c, await opsOf(svc, c).portGet(t, params['name']!, params['uuid']!))
    },
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/networks/{name}/ports/{uuid}/associate',
      operationId: 'associatePort',
      summary: "complete a pre-associated port's 802.1Qbg/802.1Qbh association (net-port-associate)",
      tag: 'ports',
      params: port,
      ok: { status: 200, description: 'the port', json: PortView },
    },
    async (c, { params }) => jsonAnswer(c, await opsOf(svc, c).portAssociate(targetOf(params['target']), params['name']!, params['uuid']!)),
  )
  defineOperation(
    app,
    { method: 'delete', path: '/targets/{target}/networks/{name}/ports/{uuid}', operationId: 'deletePort', summary: 'delete a port; its devices are unplugged (net-port-delete)', tag: 'ports', params: port, ok: { status: 204, description: 'deleted' } },
    async (c, { params }) => {
      await opsOf(svc, c).portDelete(targetOf(params['target']), params['name']!, params['uuid']!)
      return c.body(null, 204)
    },
  )
}
