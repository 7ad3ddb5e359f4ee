/**
 * The documents of `hostnet demo`: the host-interface desired states (a bridge, a second document rolled back, a
 * refused one), the virtual networks (NAT, isolated, an overlapping one, a vepa pool) and the guests and VMs.
 * @module
 */

export const DEMO_SANDBOX = 'hostnet-demo'

export const DEMO_BRIDGE_DOC = `interfaces:
  - name: br0
    type: linux-bridge
    state: up
    ipv4:
      enabled: true
      address:
        - {ip: 192.0.2.1, prefix-length: 24}
    bridge:
      options: {stp: {enabled: false}}
      port:
        - name: eth0
        - name: eth1
`

export const DEMO_SECOND_DOC = `interfaces:
  - name: br0
    type: linux-bridge
    mtu: 1400
    bridge:
      port:
        - name: eth0
        - name: eth1
        - name: eth2
  - name: eth3
    type: veth
    state: up
    ipv4:
      enabled: true
      address:
        - {ip: 198.51.100.7, prefix-length: 24}
`

export const DEMO_BAD_DOC = `interfaces:
  - name: eth3.4095
    type: vlan
    state: up
    vlan: {base-iface: eth3, id: 4095}
`

export const DEMO_NAT_XML = `<network>
  <name>demo-nat</name>
  <forward mode='nat'/>
  <bridge stp='off'/>
  <domain name='demo.test'/>
  <dns><host ip='192.168.150.10'><hostname>files</hostname></host></dns>
  <ip address='192.168.150.1' prefix='24'>
    <dhcp><range start='192.168.150.100' end='192.168.150.199'/></dhcp>
  </ip>
</network>
`

export const DEMO_ISOLATED_XML = `<network>
  <name>demo-isolated</name>
  <bridge stp='off'/>
  <ip address='192.168.151.1' prefix='24'>
    <dhcp><range start='192.168.151.100' end='192.168.151.199'/></dhcp>
  </ip>
</network>
`

export const DEMO_OVERLAP_XML = `<network>
  <name>demo-overlap</name>
  <forward mode='nat'/>
  <ip address='192.168.150.129' prefix='25'/>
</network>
`

export const DEMO_NETWORKS = ['demo-nat', 'demo-isolated', 'demo-overlap', 'demo-vepa']
export const DEMO_GUESTS = [
  { name: 'nat1', network: 'demo-nat', mac: '52:54:00:de:00:01' },
  { name: 'iso1', network: 'demo-isolated', mac: '52:54:00:de:00:02' },
] as const

export const DEMO_VEPA = 'demo-vepa'

export const DEMO_VEPA_XML = `<network>
  <name>${DEMO_VEPA}</name>
  <forward mode='vepa'>
    <interface dev='eth2'/>
    <interface dev='eth3'/>
  </forward>
</network>
`

export const DEMO_VMS = ['web1', 'web2', 'db1']

export function demoNicXml(i: number): string {
  return `<interface type='network'>\n  <mac address='52:54:00:de:01:0${i + 1}'/>\n  <source network='${DEMO_VEPA}'/>\n  <model type='virtio'/>\n</interface>\n`
}
