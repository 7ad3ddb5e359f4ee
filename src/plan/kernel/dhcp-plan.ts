/**
 * DHCP clients of host interfaces: which client each family of each touched interface should run, against the
 * one it runs (a query reports `dhcp: true` and the settings of a client hostnet runs), as `dhcp.stop` /
 * `dhcp.start` ops. A client whose settings change is restarted; a client of an interface that goes away (or is
 * recreated) is stopped before the link is deleted. Partial editing: a family section without `dhcp` keeps the
 * running client (its `auto-*` keys, when given, change it), unless it lists static addresses (a static
 * configuration, as restoring a snapshot gives); `enabled: false` or `dhcp: false` stop it.
 * @module
 */
import { dhcpClientOf, sameDhcpClient, type DhcpClientConfig, type DhcpFamily } from '../../model/host/dhcp.js'
import type { Iface, IpConfig } from '../../model/host/iface.js'
import { isDeleted, type Merged } from './merged.js'
import type { Staged } from './order.js'

const FAMILIES: readonly DhcpFamily[] = ['ipv4', 'ipv6']

/** The settings one family of the target asks for: the document's over the running client's. */
function wanted(desired: IpConfig | undefined, current: IpConfig | undefined, family: DhcpFamily): DhcpClientConfig | undefined {
  const running = dhcpClientOf(current, family) === undefined ? undefined : current
  if (desired === undefined) return dhcpClientOf(running, family)
  if (desired.enabled === false || desired.dhcp === false) return undefined
  if (desired.dhcp === undefined && (running === undefined || desired.addresses !== undefined)) return undefined
  const keys: IpConfig = running === undefined ? {} : { ...running }
  for (const [k, v] of Object.entries(desired)) if (v !== undefined) (keys as Record<string, unknown>)[k] = v
  return dhcpClientOf({ ...keys, dhcp: true, enabled: true }, family)
}

function familyOf(i: Iface | undefined, family: DhcpFamily): IpConfig | undefined {
  return family === 'ipv4' ? i?.ipv4 : i?.ipv6
}

/** dhcp.stop ops (before anything else) and dhcp.start ops (after everything else) of the merged interfaces. */
export function planDhcp(merged: ReadonlyMap<string, Merged>): Staged[] {
  const out: Staged[] = []
  for (const m of merged.values()) {
    for (const family of FAMILIES) {
      const have = dhcpClientOf(familyOf(m.current, family), family)
      const gone = m.target === undefined || isDeleted(m)
      const want = m.target === undefined ? undefined : wanted(familyOf(m.desired, family), familyOf(m.current, family), family)
      if (have !== undefined && (gone || !sameDhcpClient(have, want))) {
        out.push({ phase: 'dhcp-stop', key: 0, op: { kind: 'dhcp.stop', name: m.name, family } })
      }
      if (want !== undefined && (gone || !sameDhcpClient(have, want))) {
        out.push({ phase: 'dhcp-start', key: 0, op: { kind: 'dhcp.start', name: m.name, client: want } })
      }
    }
  }
  return out
}
