/**
 * The ports step of `hostnet demo`: a `vepa` network over the sandbox's free NICs eth2 and eth3, three VM NICs
 * (domain `<interface type='network'>`) get ports: each a macvtap on the least-used NIC, the counts in the live
 * network XML, and the `<interface>` with `<actual>` a hypervisor would use.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Target } from '../model/target.js'
import { portFromInterfaceXml } from '../driver/port/index.js'
import type { Uuid } from '../model/values/uuid.js'
import type { Say } from './demo-networks.js'
import { portListText } from './net-port.js'
import { portView } from '../service/ports.js'
import type { Runtime } from './runtime.js'

export const DEMO_VEPA = 'demo-vepa'

export const DEMO_VEPA_XML = `<network>
  <name>${DEMO_VEPA}</name>
  <forward mode='vepa'>
    <interface dev='eth2'/>
    <interface dev='eth3'/>
  </forward>
</network>
`

const VMS = ['web1', 'web2', 'db1']

function nicXml(i: number): string {
  return `<interface type='network'>\n  <mac address='52:54:00:de:01:0${i + 1}'/>\n  <source network='${DEMO_VEPA}'/>\n  <model type='virtio'/>\n</interface>\n`
}

const indent = (text: string): string => text.replace(/^(?=.)/gm, '    ')

export async function demoPorts(rt: Runtime, target: Target, say: Say): Promise<void> {
  say(indent(DEMO_VEPA_XML))
  const net = rt.networks()
  await net.start(target, (await net.define(target, DEMO_VEPA_XML)).name)
  const newUuid = (): Uuid => randomUUID() as Uuid
  const ports = []
  for (const [i, vm] of VMS.entries()) {
    const req = portFromInterfaceXml(nicXml(i), { name: vm, uuid: newUuid() }, newUuid)
    ports.push(await net.ports.create(target, DEMO_VEPA, req))
  }
  say(`  three VMs' NICs, each <interface type='network'> on ${DEMO_VEPA}: a macvtap (vepa) on the least-used NIC\n`)
  say(`\n$ hostnet net-port-list --netns ${target.kind === 'netns' ? target.name : ''} ${DEMO_VEPA}\n`)
  say(portListText(net.ports.list(target, DEMO_VEPA).map(portView)))
  // the <forward> element as it stands in the document (two spaces in), re-indented as a block of its own
  const forward = (/<forward[\s\S]*?<\/forward>/.exec(net.dumpXml(target, DEMO_VEPA))?.[0] ?? '').replace(/\n {2}/g, '\n')
  say(`\n  the live network XML counts the connections:\n${indent(`${forward}\n`)}`)
  const first = ports[0]
  if (first !== undefined) {
    say(`\n  what the hypervisor gets for ${VMS[0]} (net-port-dumpxml --domain-interface):\n`)
    say(indent(net.ports.dumpXml(target, DEMO_VEPA, first.uuid, { domainInterface: true })))
  }
}
