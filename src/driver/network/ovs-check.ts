/**
 * Whether an Open vSwitch bridge exists, for networks `<forward mode='bridge'>` + `<bridge name>` +
 * `<virtualport type='openvswitch'/>`: the target's OVSDB (backend/ovs-host's resolution: $HOSTNET_OVSDB, a
 * sandbox's private OVS recorded in the state directory, or the system's for the host) is asked for the Bridge row.
 * hostnet creates nothing there; a missing bridge, or no reachable OVSDB, is an error at start.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { defaultOvsdbResolver, OvsConnections, readOvsDb } from '../../backend/ovs-host/index.js'

export type OvsBridgeCheck = (target: Target, bridge: string) => Promise<boolean>

/** A checker over one connection per OVSDB address; `close` disconnects them. */
export function ovsBridgeChecker(stateDir: string, address?: string): { check: OvsBridgeCheck; close: () => Promise<void> } {
  const resolve = defaultOvsdbResolver({ stateDir, address })
  const conns = new OvsConnections()
  const check: OvsBridgeCheck = async (target, bridge) => {
    const address = resolve(target)
    if (address === undefined) {
      throw new HostnetError('not-found', `no Open vSwitch database serves ${describeTarget(target)} (bridge '${bridge}')`)
    }
    const probe = await conns.probe(address)
    if (!probe.ok) throw new HostnetError('dependency', `Open vSwitch database ${address} is not reachable: ${probe.reason}`)
    const db = await readOvsDb(probe.client)
    return db.bridgeByName.has(bridge)
  }
  return { check, close: () => conns.close() }
}
