/**
 * The ports step of `hostnet demo`, narrated: a `vepa` network over the sandbox's free NICs eth2 and eth3, three VM
 * NICs (domain `<interface type='network'>`) get ports: each a macvtap on the least-used NIC, the counts in the live
 * network XML, and the `<interface>` with `<actual>` a hypervisor would use (lab/demo/steps.ts makes them).
 * @module
 */
import type { Target } from '../model/target.js'
import { DEMO_VEPA, DEMO_VEPA_XML, DEMO_VMS } from '../lab/demo/documents.js'
import { demoPorts } from '../lab/demo/steps.js'
import type { Say } from './demo-networks.js'
import { portListText } from './net-port.js'
import { portView } from '../service/ports.js'
import type { Runtime } from './runtime.js'

const indent = (text: string): string => text.replace(/^(?=.)/gm, '    ')

export async function narratePorts(rt: Runtime, target: Target, say: Say): Promise<void> {
  say(indent(DEMO_VEPA_XML))
  const net = rt.networks()
  const sandbox = target.kind === 'netns' ? target.name : ''
  const ports = await demoPorts(net, sandbox)
  say(`  three VMs' NICs, each <interface type='network'> on ${DEMO_VEPA}: a macvtap (vepa) on the least-used NIC\n`)
  say(`\n$ hostnet net-port-list --netns ${sandbox} ${DEMO_VEPA}\n`)
  say(portListText(net.ports.list(target, DEMO_VEPA).map(portView)))
  // the <forward> element as it stands in the document (two spaces in), re-indented as a block of its own
  const forward = (/<forward[\s\S]*?<\/forward>/.exec(net.dumpXml(target, DEMO_VEPA))?.[0] ?? '').replace(/\n {2}/g, '\n')
  say(`\n  the live network XML counts the connections:\n${indent(`${forward}\n`)}`)
  const first = ports[0]
  if (first !== undefined) {
    say(`\n  what the hypervisor gets for ${DEMO_VMS[0]} (net-port-dumpxml --domain-interface):\n`)
    say(indent(net.ports.dumpXml(target, DEMO_VEPA, first.uuid, { domainInterface: true })))
  }
}
