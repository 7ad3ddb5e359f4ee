/**
 * Small NetworkDef / port builders for the port core's unit tests (no codec needed).
 * @module
 */
import type { NetworkDef } from '../network/network-def.js'
import type { NetworkForward } from '../network/forward.js'
import type { MacAddr } from '../values/mac.js'
import type { Uuid } from '../values/uuid.js'
import type { NetworkPortDef } from '../networkport.js'

export const NET_UUID = '7c0e4a9e-1f7e-4f0a-9a57-0d2f2d6a1001' as Uuid
export const PORT_UUID = 'c0ffee00-0000-4000-8000-000000000001' as Uuid
export const OWNER = { name: 'vm1', uuid: '11111111-2222-4333-8444-555555555555' as Uuid }
export const MAC = '52:54:00:aa:bb:01' as MacAddr

export function testNetwork(
  forward: Partial<NetworkForward> & Pick<NetworkForward, 'mode'>,
  over: Partial<NetworkDef> = {},
): NetworkDef {
  return {
    name: 'red',
    uuid: NET_UUID,
    forward: { interfaces: [], addresses: [], ...forward },
    ips: [],
    routes: [],
    portGroups: [],
    ...over,
  }
}

export function testPort(over: Partial<NetworkPortDef> = {}): NetworkPortDef {
  return { uuid: PORT_UUID, owner: OWNER, mac: MAC, ...over }
}

export function uuidCounter(): () => Uuid {
  let n = 0
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` as Uuid
}
