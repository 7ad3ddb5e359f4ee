/** Interface definitions (libvirt's iface-* verbs) and Open vSwitch status of a target. */
import { z } from '@hono/zod-openapi'
import type { ApiApp } from '../context.js'
import { defineIface, destroyIface, dumpIfaceXml, listIfaces, startIface, undefineIface } from '../../service/ifaces.js'
import { targetOf, opsOf, actorOf, type ApiServices } from '../context.js'
import { defineOperation, JSON_TYPE, jsonAnswer, negotiate, textAnswer, XML_TYPES } from '../operation.js'
import { HttpError } from '../problem.js'
import { IfaceListEntry, loose, NameParam, QueryBool, TargetParam } from '../schemas.js'

const XML = 'application/xml'
const IfaceChange = loose('InterfaceChange', 'name, transactionId, ops (and created: links the start created)')
const OvsStatus = loose('OvsStatus', 'Open vSwitch of the target: address, version, bridges with ports, VLAN columns and bond status')

export function registerIfaceRoutes(app: ApiApp, svc: ApiServices): void {
  const target = { target: TargetParam }
  const named = { target: TargetParam, name: NameParam }
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/interfaces',
      operationId: 'listInterfaces',
      summary: 'live interfaces and stored definitions (iface-list)',
      tag: 'interfaces',
      params: target,
      query: { all: QueryBool.optional(), inactive: QueryBool.optional() },
      ok: { status: 200, description: 'interfaces', json: z.array(IfaceListEntry) },
    },
    async (c, { params, query }) => jsonAnswer(c, await listIfaces(svc.rt, targetOf(params['target']), { all: query['all'] === true, inactive: query['inactive'] === true })),
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/interfaces',
      operationId: 'defineInterface',
      summary: 'define (or redefine) an interface from libvirt interface XML (iface-define)',
      tag: 'interfaces',
      params: target,
      body: { text: XML_TYPES, description: "libvirt's <interface> XML", required: true },
      ok: { status: 201, description: 'defined', json: z.object({ name: z.string(), defined: z.boolean() }) },
    },
    async (c, { params, text }) => {
      if (text === undefined) throw new HttpError('bad-request', 'an <interface> document is required')
      const d = defineIface(svc.rt, targetOf(params['target']), text, { actor: actorOf(c) })
      return jsonAnswer(c, { name: d.name, defined: true }, 201)
    },
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/interfaces/{name}',
      operationId: 'getInterface',
      summary: 'interface XML of the live interface, or with inactive=true the stored definition (iface-dumpxml)',
      tag: 'interfaces',
      params: named,
      query: { inactive: QueryBool.optional() },
      ok: { status: 200, description: 'the interface', json: z.object({ name: z.string(), xml: z.string() }), text: [XML] },
    },
    async (c, { params, query }) => {
      const xml = await dumpIfaceXml(svc.rt, targetOf(params['target']), params['name']!, { inactive: query['inactive'] === true })
      return negotiate(c, [JSON_TYPE, XML]) === XML ? textAnswer(c, xml, XML) : jsonAnswer(c, { name: params['name'], xml })
    },
  )
  defineOperation(
    app,
    { method: 'delete', path: '/targets/{target}/interfaces/{name}', operationId: 'undefineInterface', summary: 'remove the stored definition (iface-undefine)', tag: 'interfaces', params: named, ok: { status: 204, description: 'undefined' } },
    async (c, { params }) => {
      undefineIface(svc.rt, targetOf(params['target']), params['name']!, { actor: actorOf(c) })
      return c.body(null, 204)
    },
  )
  defineOperation(
    app,
    { method: 'post', path: '/targets/{target}/interfaces/{name}/start', operationId: 'startInterface', summary: 'apply a defined interface as one verified transaction (iface-start)', tag: 'interfaces', params: named, ok: { status: 200, description: 'started', json: IfaceChange } },
    async (c, { params }) => jsonAnswer(c, await startIface(svc.rt, targetOf(params['target']), params['name']!, { actor: actorOf(c) })),
  )
  defineOperation(
    app,
    { method: 'post', path: '/targets/{target}/interfaces/{name}/stop', operationId: 'stopInterface', summary: 'take the interface down, removing the links its start created (iface-destroy)', tag: 'interfaces', params: named, ok: { status: 200, description: 'stopped', json: IfaceChange } },
    async (c, { params }) => jsonAnswer(c, await destroyIface(svc.rt, targetOf(params['target']), params['name']!, { actor: actorOf(c) })),
  )
  defineOperation(
    app,
    { method: 'get', path: '/targets/{target}/ovs', operationId: 'getOvs', summary: 'Open vSwitch bridges, ports, VLANs and bonds of a target (ovs-show)', tag: 'ovs', params: target, ok: { status: 200, description: 'the status', json: OvsStatus } },
    async (c, { params }) => jsonAnswer(c, await opsOf(svc, c).ovsShow(targetOf(params['target']))),
  )
}
