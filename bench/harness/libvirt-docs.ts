/**
 * The libvirt documents the baseline benchmarks feed to virsh, written as plain templates (independent of
 * hostnet's own codec, so the baseline does not move when the codec does): a NAT network with DHCP, a
 * network over an existing host bridge (`<forward mode='bridge'>`), and a network port.
 * @module
 */
import { HostnetError } from '../../src/errors.js'

export interface NatNetworkDoc {
  name: string
  bridge: string
  /** The /24 the network routes: `10.A.B.0`, gateway `.1`, DHCP `.2`–`.254`. */
  subnet: string
  xml: string
}

/**
 * NAT network number `index` (0..32767): `<prefix><index>` on bridge `<prefix>br<index>`,
 * subnet 10.(128 + index/256).(index%256).0/24.
 */
export function natNetworkDoc(index: number, prefix = 'hnlv'): NatNetworkDoc {
  if (!Number.isInteger(index) || index < 0 || index > 32767) {
    throw new HostnetError('invalid-argument', `network index ${index} out of range 0..32767`)
  }
  const name = `${prefix}${index}`
  const bridge = `${prefix}br${index}`
  if (bridge.length > 15) throw new HostnetError('invalid-argument', `bridge name '${bridge}' longer than 15 characters`)
  const net = `10.${128 + (index >> 8)}.${index & 255}`
  const xml = [
    '<network>',
    `  <name>${name}</name>`,
    "  <forward mode='nat'/>",
    `  <bridge name='${bridge}' stp='on' delay='0'/>`,
    `  <ip address='${net}.1' netmask='255.255.255.0'>`,
    '    <dhcp>',
    `      <range start='${net}.2' end='${net}.254'/>`,
    '    </dhcp>',
    '  </ip>',
    '</network>',
    '',
  ].join('\n')
  return { name, bridge, subnet: `${net}.0/24`, xml }
}

/** A network that hands out ports of the existing host bridge `bridge`. */
export function bridgeNetworkXml(name: string, bridge: string): string {
  const lines = ['<network>', `  <name>${name}</name>`, "  <forward mode='bridge'/>", `  <bridge name='${bridge}'/>`, '</network>']
  return `${lines.join('\n')}\n`
}

export interface PortDoc {
  uuid: string
  ownerName: string
  ownerUuid: string
  mac: string
}

/** MAC `52:54:00:xx:xx:xx` from the low 24 bits of `index`. */
export function macForIndex(index: number): string {
  const b = [(index >> 16) & 255, (index >> 8) & 255, index & 255].map((x) => x.toString(16).padStart(2, '0'))
  return `52:54:00:${b.join(':')}`
}

export function networkPortXml(p: PortDoc): string {
  return [
    '<networkport>',
    `  <uuid>${p.uuid}</uuid>`,
    '  <owner>',
    `    <name>${p.ownerName}</name>`,
    `    <uuid>${p.ownerUuid}</uuid>`,
    '  </owner>',
    `  <mac address='${p.mac}'/>`,
    '</networkport>',
    '',
  ].join('\n')
}
