/**
 * A bridged network over a NIC or a bond: hostnet makes the host bridge itself, as ONE host-interface
 * transaction of its engine (planned, applied, verified, rolled back to the state before on any failure),
 * instead of Kimchi's libvirt virInterface calls (netcf: gone from current distributions, #1304):
 *   - `kb<nic>`: a Linux bridge (STP off, no forward delay, the NIC's MAC and MTU) with the NIC as its port; the
 *     NIC's static addresses move to the bridge and its routes follow (same destination, gateway, metric), so the
 *     host keeps its connectivity (#812: Kimchi left the address on both);
 *   - `kb<nic>-<vlan>`: a VLAN `<nic>.<vlan>` and a bridge over it (the NIC keeps its own addresses: the VLAN is
 *     another segment), as two separate devices (#1128).
 * What hostnet made is recorded in the store before anything is touched (store/kimchi.ts), with the NIC's
 * configuration as it was; deleting the network gives the NIC its addresses and routes back, in one transaction
 * again (Kimchi did not). NetworkManager is asked, live, whether it manages the NIC (#858): if it does, the
 * request is refused with the command that hands the NIC over, as NetworkManager would undo the change.
 * @module
 */
import { execFile } from 'node:child_process'
import type { Iface, IpAddress } from '../../model/host/iface.js'
import type { DesiredState } from '../../model/host/state.js'
import type { Route } from '../../model/host/route.js'
import { IFNAME_MAX_BYTES } from '../../model/values/ifname.js'
import { runApply } from '../../service/host.js'
import { ApplyError, type HostBackend } from '../../backend/backend.js'
import { applyState } from '../../txn/apply.js'
import type { KimchiEnv } from './env.js'
import { errText, failed, invalid, KimchiError } from './wok/errors.js'

/**
 * Test hook (never set in production): the kernel apply of a bridge transaction stops half-way (the first half of
 * its operations done, then a failure), so that the engine's rollback is what the test sees.
 */
export const BRIDGE_FAIL_ENV = 'HOSTNET_TEST_KIMCHI_BRIDGE_FAIL'

/** Kimchi's names: `kb` + the NIC's last 13 characters, or `kb` + its last 8 + `-` + the VLAN id. */
export function hostBridgeName(nic: string, vlanId?: number): string {
  return vlanId === undefined ? `kb${nic.slice(-13)}` : `kb${nic.slice(-8)}-${vlanId}`
}

export function vlanDeviceName(nic: string, vlanId: number): string {
  return `${nic}.${vlanId}`
}

interface SavedNic {
  type: Iface['type']
  ipv4: IpAddress[]
  ipv6: IpAddress[]
  routes: Route[]
}

function isSaved(v: unknown): v is SavedNic {
  const s = v as SavedNic
  return typeof s === 'object' && s !== null && Array.isArray(s.ipv4) && Array.isArray(s.ipv6) && Array.isArray(s.routes)
}

function staticV6(list: readonly IpAddress[] | undefined): IpAddress[] {
  return (list ?? []).filter((a) => !a.ip.toLowerCase().startsWith('fe80:'))
}

/** Whether NetworkManager runs and manages `dev` (asked now, every time: #858). */
export function nmManages(dev: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('nmcli', ['-t', '-f', 'DEVICE,STATE', 'device', 'status'], { timeout: 5000 }, (err, stdout) => {
      if (err !== null) return resolve(false) // no nmcli, or NetworkManager not running
      resolve(stdout.split('\n').some((l) => l.startsWith(`${dev}:`) && !l.endsWith(':unmanaged')))
    })
  })
}

export interface HostBridgeRequest {
  network: string
  nic: string
  bridge: string
  vlanId?: number
}

function movedRoutes(routes: readonly Route[], from: string, to: string): Route[] {
  const out: Route[] = []
  for (const r of routes) {
    if (r.nextHopInterface !== from) continue
    out.push({ ...r, state: 'absent' })
    const { state: _state, ...present } = r
    out.push({ ...present, nextHopInterface: to })
  }
  return out
}

/** The runtime's backend, whose first apply does half of its operations and fails (BRIDGE_FAIL_ENV). */
function failingHalfway(real: HostBackend): HostBackend {
  let armed = true
  const b = Object.create(real) as HostBackend
  b.apply = async (target, ops) => {
    if (!armed) return real.apply(target, ops)
    armed = false
    const k = Math.max(1, Math.floor(ops.length / 2))
    await real.apply(target, ops.slice(0, k))
    throw new ApplyError(`test hook ${BRIDGE_FAIL_ENV}: stopped after ${k} of ${ops.length} operations`, { appliedCount: k, failedIndex: k })
  }
  return b
}

async function apply(env: KimchiEnv, desired: DesiredState, testHook = false): Promise<void> {
  const rt = env.rt
  let r
  if (testHook && process.env[BRIDGE_FAIL_ENV] === '1') {
    const caps = await rt.caps(env.target)
    r = await applyState({ ...rt.deps, backend: failingHalfway(rt.deps.backend), ...(caps === undefined ? {} : { caps }), target: env.target, desired, actor: env.actor })
  } else r = await runApply(rt, env.target, desired, { actor: env.actor })
  if (r.status !== 'committed' && r.status !== 'pending-confirm') throw new Error(`the transaction ended ${r.status}`)
}

/** Make the bridge (and VLAN) for a network in one verified transaction; the host is as it was on failure. */
export async function createHostBridge(env: KimchiEnv, req: HostBridgeRequest): Promise<void> {
  const host = await env.host(true)
  const nic = host.interfaces.find((i) => i.name === req.nic)
  if (nic === undefined) throw invalid('KCHNET0007E', { iface: req.nic })
  const vlanDev = req.vlanId === undefined ? undefined : vlanDeviceName(req.nic, req.vlanId)
  for (const dev of [req.bridge, vlanDev]) {
    if (dev === undefined) continue
    if (Buffer.byteLength(dev) > IFNAME_MAX_BYTES) throw invalid('KCHNET0025E', { name: dev, err: `'${dev}' is longer than ${IFNAME_MAX_BYTES} bytes` })
    if (host.interfaces.some((i) => i.name === dev)) throw invalid('KCHNET0010E', { iface: dev })
  }
  if (env.target.kind === 'host' && (await nmManages(req.nic))) throw invalid('KCHNET0027E', { iface: req.nic })
  const saved: SavedNic = { type: nic.type, ipv4: nic.ipv4?.addresses ?? [], ipv6: staticV6(nic.ipv6?.addresses), routes: host.routes.filter((r) => r.nextHopInterface === req.nic) }
  const store = env.rt.store.kimchi
  store.recordHostBridge({ target: env.targetKey, bridge: req.bridge, network: req.network, nic: req.nic, vlanId: req.vlanId, saved })
  const bridge: Iface = {
    name: req.bridge,
    type: 'linux-bridge',
    state: 'up',
    bridge: { options: { stp: false, forwardDelaySec: 0 }, ports: [{ name: vlanDev ?? req.nic }] },
  }
  const desired: DesiredState = { interfaces: [] }
  if (vlanDev === undefined) {
    if (nic.mac !== undefined) bridge.mac = nic.mac
    if (nic.mtu !== undefined) bridge.mtu = nic.mtu
    if (saved.ipv4.length > 0) bridge.ipv4 = { enabled: true, addresses: saved.ipv4 }
    if (saved.ipv6.length > 0) bridge.ipv6 = { enabled: true, addresses: saved.ipv6 }
    const moved: Iface = { name: req.nic, type: nic.type, state: 'up' }
    if (saved.ipv4.length > 0) moved.ipv4 = { enabled: true, addresses: [] }
    if (saved.ipv6.length > 0) moved.ipv6 = { enabled: true, addresses: [] }
    desired.interfaces.push(bridge, moved)
    const routes = movedRoutes(saved.routes, req.nic, req.bridge)
    if (routes.length > 0) desired.routes = { config: routes }
  } else {
    desired.interfaces.push({ name: vlanDev, type: 'vlan', state: 'up', vlan: { baseIface: req.nic, id: req.vlanId! } }, bridge)
  }
  try {
    await apply(env, desired, true)
  } catch (e) {
    store.forgetHostBridge(env.targetKey, req.bridge) // rolled back by the engine: nothing of it is left
    if (e instanceof KimchiError) throw e
    throw failed('KCHNET0025E', { name: req.bridge, err: errText(e) }, e)
  } finally {
    env.host(true)
  }
}

/** Remove a bridge hostnet made and give the NIC its configuration back (one transaction). */
export async function releaseHostBridge(env: KimchiEnv, bridgeName: string): Promise<void> {
  const store = env.rt.store.kimchi
  const rec = store.hostBridge(env.targetKey, bridgeName)
  if (rec === undefined) return
  const saved = isSaved(rec.saved) ? rec.saved : { type: 'ethernet' as const, ipv4: [], ipv6: [], routes: [] }
  const desired: DesiredState = { interfaces: [{ name: bridgeName, type: 'linux-bridge', state: 'absent' }] }
  if (rec.vlanId !== undefined) desired.interfaces.push({ name: vlanDeviceName(rec.nic, rec.vlanId), type: 'vlan', state: 'absent' })
  else {
    const host = await env.host(true)
    if (host.interfaces.some((i) => i.name === rec.nic)) {
      const back: Iface = { name: rec.nic, type: saved.type, state: 'up' }
      if (saved.ipv4.length > 0) back.ipv4 = { enabled: true, addresses: saved.ipv4 }
      if (saved.ipv6.length > 0) back.ipv6 = { enabled: true, addresses: saved.ipv6 }
      desired.interfaces.push(back)
      const routes = movedRoutes(saved.routes.map((r) => ({ ...r, nextHopInterface: bridgeName })), bridgeName, rec.nic)
      // the routes via the bridge go with it: only the NIC's need adding back
      const present = routes.filter((r) => r.state !== 'absent')
      if (present.length > 0) desired.routes = { config: present }
    }
  }
  try {
    await apply(env, desired)
  } catch (e) {
    throw failed('KCHNET0024E', { name: rec.nic, err: errText(e) }, e)
  } finally {
    env.host(true)
  }
  store.forgetHostBridge(env.targetKey, bridgeName)
}
