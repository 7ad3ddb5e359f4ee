/**
 * The cluster's admin verbs over the API (`hostnet serve --etcd ...`): hosts, logical networks, host documents and
 * every host's convergence, the same as `hostnet cluster ...`. Registered only when serve has an etcd.
 */
import { z } from '@hono/zod-openapi'
import { HostnetError } from '../../errors.js'
import { checkClusterName, checkHostDocument, checkHostRecord, type HostDocument } from '../../model/cluster/records.js'
import { parseDocument } from '../../service/host.js'
import { clusterStatus } from '../../service/cluster/status.js'
import type { ClusterState, NetworkInput } from '../../store/etcd/index.js'
import type { ApiApp } from '../context.js'
import { defineOperation, jsonAnswer } from '../operation.js'
import { loose } from '../schemas.js'

const Name = z.string().min(1).max(63)
const LabelMap = z.record(z.string().max(63), z.string().max(63))
const HostBody = z
  .object({ address: z.string().max(64), labels: LabelMap.optional(), underlayIface: z.string().max(64).optional(), underlayMtu: z.number().int().optional(), physical: z.record(z.string().max(63), z.string().max(64)).optional() })
  .strict()
  .openapi('ClusterHostInput')
const NetworkBody = z
  .object({
    segment: z.union([z.object({ kind: z.literal('vxlan'), vni: z.number().int().optional() }).strict(), z.object({ kind: z.literal('vlan'), physical: z.string().max(63), vlanId: z.number().int() }).strict()]),
    bridge: z.string().max(64).optional(),
    mtu: z.number().int().optional(),
    hosts: LabelMap.optional(),
  })
  .strict()
  .openapi('LogicalNetworkInput')
const DocumentBody = z
  .object({ host: z.string().max(63).optional(), labels: LabelMap.optional(), format: z.enum(['yaml', 'json']), text: z.string().max(256 * 1024) })
  .strict()
  .openapi('ClusterDocumentInput')
const Revision = z.object({ revision: z.number().int() }).openapi('ClusterRevision')

export function registerClusterRoutes(app: ApiApp, cluster: ClusterState): void {
  const tag = 'cluster'
  const gone = (what: string): never => {
    throw new HostnetError('not-found', what)
  }
  defineOperation(app, { method: 'get', path: '/cluster/status', operationId: 'clusterStatus', summary: "every host's convergence to the current configuration (hostnet cluster status)", tag, ok: { status: 200, description: 'status', json: loose('ClusterStatus', 'revision and hosts') } }, async (c) =>
    jsonAnswer(c, await clusterStatus(cluster)),
  )
  defineOperation(app, { method: 'get', path: '/cluster/networks', operationId: 'clusterNetworks', summary: 'logical networks (hostnet cluster net-list)', tag, ok: { status: 200, description: 'networks', json: z.array(loose('LogicalNetwork', 'a logical network')) } }, async (c) =>
    jsonAnswer(c, [...(await cluster.read()).networks.values()]),
  )
  defineOperation(
    app,
    { method: 'put', path: '/cluster/networks/{name}', operationId: 'clusterNetworkDefine', summary: 'define or change a logical network (hostnet cluster net-define)', tag, params: { name: Name }, body: { json: NetworkBody, description: 'the network', required: true }, ok: { status: 200, description: 'defined', json: loose('LogicalNetworkDefined', 'network and revision') } },
    async (c, { params, json }) => {
      const b = json as Omit<NetworkInput, 'name'>
      return jsonAnswer(c, await cluster.defineNetwork({ ...b, name: checkClusterName(params['name'], 'logical network name') } as NetworkInput))
    },
  )
  defineOperation(app, { method: 'delete', path: '/cluster/networks/{name}', operationId: 'clusterNetworkUndefine', summary: 'remove a logical network from every host', tag, params: { name: Name }, ok: { status: 200, description: 'removed', json: Revision } }, async (c, { params }) =>
    jsonAnswer(c, { revision: (await cluster.undefineNetwork(params['name']!)) ?? gone(`no logical network '${params['name']!}'`) }),
  )
  defineOperation(
    app,
    { method: 'put', path: '/cluster/hosts/{id}', operationId: 'clusterHostAdd', summary: 'register a host or replace its record (hostnet cluster host-add)', tag, params: { id: Name }, body: { json: HostBody, description: 'the host', required: true }, ok: { status: 200, description: 'registered', json: Revision } },
    async (c, { params, json }) => jsonAnswer(c, { revision: await cluster.putHost(checkHostRecord({ ...(json as object), id: params['id'] })) }),
  )
  defineOperation(app, { method: 'delete', path: '/cluster/hosts/{id}', operationId: 'clusterHostRemove', summary: 'remove a host from the cluster', tag, params: { id: Name }, ok: { status: 200, description: 'removed', json: Revision } }, async (c, { params }) =>
    jsonAnswer(c, { revision: (await cluster.removeHost(params['id']!)) ?? gone(`no host '${params['id']!}' in the cluster`) }),
  )
  defineOperation(
    app,
    { method: 'put', path: '/cluster/documents/{name}', operationId: 'clusterDocumentDefine', summary: 'a host-interface document for one host or the hosts with labels (hostnet cluster doc-define)', tag, params: { name: Name }, body: { json: DocumentBody, description: 'the document', required: true }, ok: { status: 200, description: 'defined', json: Revision } },
    async (c, { params, json }) => {
      const d: HostDocument = checkHostDocument({ ...(json as object), name: params['name'] })
      parseDocument({ text: d.text, format: d.format }) // refused here as each agent would refuse it
      return jsonAnswer(c, { revision: await cluster.putDocument(d) })
    },
  )
  defineOperation(app, { method: 'delete', path: '/cluster/documents/{name}', operationId: 'clusterDocumentUndefine', summary: 'remove a host document (hosts keep what it applied)', tag, params: { name: Name }, ok: { status: 200, description: 'removed', json: Revision } }, async (c, { params }) =>
    jsonAnswer(c, { revision: (await cluster.deleteDocument(params['name']!)) ?? gone(`no document '${params['name']!}'`) }),
  )
}
