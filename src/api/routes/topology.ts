/** A target's topology (NICs → bonds/VLANs → bridges/OVS → networks → ports → guests) and a free subnet for a new network. */
import { DEFAULT_SUGGESTED_PREFIX, freeSubnet, MAX_SUGGESTED_PREFIX, MIN_SUGGESTED_PREFIX } from '../../service/free-subnet.js'
import { readTopology } from '../../service/topology.js'
import { targetOf, type ApiApp, type ApiServices } from '../context.js'
import { defineOperation, jsonAnswer } from '../operation.js'
import { FreeSubnetSchema, queryInt, TargetParam, TopologySchema } from '../schemas.js'

export function registerTopologyRoutes(app: ApiApp, svc: ApiServices): void {
  const target = { target: TargetParam }
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/topology',
      operationId: 'getTopology',
      summary: "a target's topology: its interfaces, Open vSwitch bridges and bonds, networks, ports and guests as one graph (edges from the lower layer to the upper one)",
      tag: 'host',
      params: target,
      ok: { status: 200, description: 'the graph', json: TopologySchema },
    },
    async (c, { params }) => jsonAnswer(c, await readTopology(svc.rt, targetOf(params['target']))),
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/free-subnet',
      operationId: 'suggestSubnet',
      summary: "a free IPv4 subnet for a new network: overlaps no network, interface address or route of the target (gateway and DHCP range included)",
      tag: 'networks',
      params: target,
      query: {
        prefix: queryInt(MIN_SUGGESTED_PREFIX, MAX_SUGGESTED_PREFIX).optional().openapi({ description: `prefix length (default ${DEFAULT_SUGGESTED_PREFIX})` }),
      },
      ok: { status: 200, description: 'the subnet', json: FreeSubnetSchema },
    },
    async (c, { params, query }) => jsonAnswer(c, await freeSubnet(svc.rt, targetOf(params['target']), (query['prefix'] as number | undefined) ?? DEFAULT_SUGGESTED_PREFIX)),
  )
}
