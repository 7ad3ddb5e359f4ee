import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'yaml'
import type { HostState } from '../../model/host/state.js'
import { formatState } from './state.js'

const STATE: HostState = {
  interfaces: [
    { name: 'br0', type: 'linux-bridge', state: 'up', controller: null, bridge: { options: { stp: false }, ports: [{ name: 'eth1' }] }, ipv4: { enabled: true, addresses: [] }, ipv6: { enabled: false, addresses: [] } },
    { name: 'eth1', type: 'ethernet', state: 'up', controller: 'br0', bridgePort: { hairpin: false, stpPathCost: 100 } },
    { name: 'ovs-br0', type: 'ovs-bridge', ovsBridge: { options: { stp: true }, ports: [{ name: 'p0' }] } },
  ],
  routes: [],
}

test("show prints nmstate's shape: bridge.port[] carries port options, dhcp: false, OVS stp: {enabled}", () => {
  for (const format of ['yaml', 'json'] as const) {
    const text = formatState(STATE, { format })
    const doc = (format === 'json' ? JSON.parse(text) : parse(text)) as { interfaces: Array<Record<string, unknown>> }
    const [br0, eth1, ovs] = doc.interfaces
    assert.deepEqual((br0?.['bridge'] as { port: unknown }).port, [{ name: 'eth1', 'stp-hairpin-mode': false, 'stp-path-cost': 100 }], format)
    assert.deepEqual([br0?.['ipv4'], br0?.['ipv6']], [{ enabled: true, dhcp: false, address: [] }, { enabled: false, address: [] }], format)
    assert.equal(eth1?.['bridge-port'], undefined, 'no port-side options')
    assert.deepEqual((ovs?.['bridge'] as { options: unknown }).options, { stp: { enabled: true } })
    assert.doesNotMatch(text, /"(prefixLength|controller": null|ovsBridge|bridgePort)"/, 'no internal names')
  }
})
