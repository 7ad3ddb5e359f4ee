/**
 * libvirt `<network>` XML from the console's creation form (pure). Every forward mode libvirt has: isolated, NAT,
 * routed, open (their own bridge, an IPv4 subnet, DHCP), bridged to an existing Linux or Open vSwitch bridge,
 * macvtap bridge/VEPA/private/passthrough over a pool of host devices, and an SR-IOV hostdev pool of a PF.
 * The server validates it as it validates any document; this only writes what the form says.
 * @module
 */

export const FORM_MODES = [
  { id: 'isolated', title: 'Isolated (no forwarding: guests and host only)' },
  { id: 'nat', title: 'NAT (outbound through the host, masqueraded)' },
  { id: 'route', title: 'Routed (the host routes the subnet, no NAT)' },
  { id: 'open', title: 'Open (routed, no firewall rules)' },
  { id: 'bridge', title: 'Bridged to a Linux bridge' },
  { id: 'ovs', title: 'Bridged to an Open vSwitch bridge' },
  { id: 'macvtap-bridge', title: 'macvtap bridge over host devices' },
  { id: 'vepa', title: 'macvtap VEPA over host devices' },
  { id: 'private', title: 'macvtap private over host devices' },
  { id: 'passthrough', title: 'macvtap passthrough (one guest per device)' },
  { id: 'hostdev', title: 'SR-IOV hostdev pool of a physical function' },
] as const
export type FormMode = (typeof FORM_MODES)[number]['id']

export interface NetworkForm {
  name: string
  mode: FormMode
  /** L3 modes: `192.168.100.1/24` (the bridge's address and prefix). */
  address?: string
  dhcp?: { start: string; end: string } | undefined
  /** nat/route: the outbound device (optional). */
  forwardDev?: string | undefined
  /** bridge / ovs: the existing bridge. */
  bridge?: string
  /** macvtap modes: pool devices. */
  devices?: string[]
  /** hostdev: the physical function. */
  pf?: string
}

export const L3_MODES: ReadonlySet<FormMode> = new Set(['isolated', 'nat', 'route', 'open'])
export const POOL_MODES: ReadonlySet<FormMode> = new Set(['macvtap-bridge', 'vepa', 'private', 'passthrough'])

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')
}

export function networkXml(f: NetworkForm): string {
  const a = (s: string): string => xmlEscape(s)
  const lines = ['<network>', `  <name>${a(f.name)}</name>`]
  if (L3_MODES.has(f.mode)) {
    if (f.mode !== 'isolated') lines.push(f.forwardDev !== undefined && f.forwardDev !== '' ? `  <forward mode='${f.mode}' dev='${a(f.forwardDev)}'/>` : `  <forward mode='${f.mode}'/>`)
    const [ip, prefix] = (f.address ?? '').split('/')
    if (ip !== undefined && ip !== '') {
      const p = prefix === undefined || prefix === '' ? '' : ` prefix='${a(prefix)}'`
      if (f.dhcp === undefined) lines.push(`  <ip address='${a(ip)}'${p}/>`)
      else lines.push(`  <ip address='${a(ip)}'${p}>`, '    <dhcp>', `      <range start='${a(f.dhcp.start)}' end='${a(f.dhcp.end)}'/>`, '    </dhcp>', '  </ip>')
    }
  } else if (f.mode === 'bridge' || f.mode === 'ovs') {
    lines.push(`  <forward mode='bridge'/>`, `  <bridge name='${a(f.bridge ?? '')}'/>`)
    if (f.mode === 'ovs') lines.push(`  <virtualport type='openvswitch'/>`)
  } else if (POOL_MODES.has(f.mode)) {
    const mode = f.mode === 'macvtap-bridge' ? 'bridge' : f.mode
    const devs = f.devices ?? []
    if (devs.length === 0) lines.push(`  <forward mode='${mode}'/>`)
    else lines.push(`  <forward mode='${mode}'>`, ...devs.map((d) => `    <interface dev='${a(d)}'/>`), '  </forward>')
  } else if (f.mode === 'hostdev') {
    lines.push(`  <forward mode='hostdev' managed='yes'>`, `    <pf dev='${a(f.pf ?? '')}'/>`, '  </forward>')
  }
  lines.push('</network>', '')
  return lines.join('\n')
}

/** The form field a server error's path (`/network/ip[1]`, `/network/forward/interface[2]`) belongs to. */
export function fieldOfPath(path: string | undefined): 'name' | 'address' | 'dhcp' | 'bridge' | 'devices' | 'pf' | 'forwardDev' | undefined {
  if (path === undefined) return undefined
  if (/^\/network\/name/.test(path) || path === 'name') return 'name'
  if (/\/dhcp/.test(path)) return 'dhcp'
  if (/^\/network\/ip/.test(path)) return 'address'
  if (/^\/network\/(bridge|virtualport)/.test(path)) return 'bridge'
  if (/^\/network\/forward\/pf/.test(path)) return 'pf'
  if (/^\/network\/forward\/interface/.test(path)) return 'devices'
  if (/^\/network\/forward\/@dev/.test(path)) return 'forwardDev'
  return undefined
}
