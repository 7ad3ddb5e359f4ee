/**
 * Probe of the libvirt baseline (bench/harness/libvirtd.ts): a private libvirtd driven by one virsh process.
 *   1. NAT networks with DHCP: net-define + net-start each, then net-destroy + net-undefine each;
 *   2. port churn on a `<forward mode='bridge'>` network over a bridge made inside the private namespace:
 *      net-port-create + net-port-delete pairs.
 * Prints per-command summaries (ms) and, last, one JSON result line:
 * {"bench":"libvirt-baseline-probe","results":[{"name":"net-start","ours":null,"baseline":<median ms>,"unit":"ms","ratio":null},...]}
 * Options: --networks N (default 10), --ports N (default 200).
 */
import { randomUUID } from 'node:crypto'
import { startPrivateLibvirtd, type LibvirtHarness } from './harness/libvirtd.js'
import { bridgeNetworkXml, macForIndex, natNetworkDoc, networkPortXml } from './harness/libvirt-docs.js'
import { round1, summarize, type Summary } from './harness/stats.js'
import type { VirshStep } from './harness/virsh-session.js'

function intOption(name: string, dflt: number): number {
  const i = process.argv.indexOf(name)
  if (i < 0) return dflt
  const v = Number(process.argv[i + 1])
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`)
  return v
}

function assertOk(steps: readonly VirshStep[]): void {
  const bad = steps.find((s) => !s.ok)
  if (bad !== undefined) throw new Error(`virsh ${bad.argv.join(' ')} failed: ${bad.error}`)
}

function msOf(steps: readonly VirshStep[], command: string): number[] {
  return steps.filter((s) => s.argv[0] === command).map((s) => s.ms)
}

async function netLifecycle(lv: LibvirtHarness, count: number): Promise<Record<string, Summary>> {
  const docs = Array.from({ length: count }, (_, i) => natNetworkDoc(i + 1))
  const up = docs.flatMap((d) => [
    ['net-define', lv.writeFile(`${d.name}.xml`, d.xml)],
    ['net-start', d.name],
  ])
  const down = docs.flatMap((d) => [
    ['net-destroy', d.name],
    ['net-undefine', d.name],
  ])
  const steps = await lv.virshSession([...up, ...down])
  assertOk(steps)
  const out: Record<string, Summary> = {}
  for (const c of ['net-define', 'net-start', 'net-destroy', 'net-undefine']) out[c] = summarize(msOf(steps, c))
  return out
}

async function portChurn(lv: LibvirtHarness, pairs: number): Promise<Record<string, Summary>> {
  const bridge = 'hnlvport0'
  const net = 'hnlvports'
  await lv.exec(['ip', 'link', 'add', bridge, 'type', 'bridge'])
  await lv.exec(['ip', 'link', 'set', bridge, 'up'])
  const ownerUuid = randomUUID()
  const churn: string[][] = []
  for (let i = 0; i < pairs; i++) {
    const uuid = randomUUID()
    const file = lv.writeFile(`port-${i}.xml`, networkPortXml({ uuid, ownerName: 'vm-probe', ownerUuid, mac: macForIndex(i) }))
    churn.push(['net-port-create', net, file], ['net-port-delete', net, uuid])
  }
  const setup = [
    ['net-define', lv.writeFile(`${net}.xml`, bridgeNetworkXml(net, bridge))],
    ['net-start', net],
  ]
  const teardown = [
    ['net-destroy', net],
    ['net-undefine', net],
  ]
  const steps = await lv.virshSession([...setup, ...churn, ...teardown])
  assertOk(steps)
  const body = steps.slice(setup.length, setup.length + churn.length)
  const pairMs: number[] = []
  for (let i = 0; i + 1 < body.length; i += 2) pairMs.push(body[i]!.ms + body[i + 1]!.ms)
  return {
    'port-pair': summarize(pairMs),
    'net-port-create': summarize(msOf(body, 'net-port-create')),
    'net-port-delete': summarize(msOf(body, 'net-port-delete')),
  }
}

function print(title: string, rows: Record<string, Summary>): void {
  console.log(title)
  for (const [name, s] of Object.entries(rows)) {
    const spread = `p90 ${round1(s.p90)}  min ${round1(s.min)}  max ${round1(s.max)}  mean ${round1(s.mean)}`
    console.log(`  ${name.padEnd(16)} n=${String(s.n).padStart(5)}  median ${round1(s.median)} ms  ${spread}`)
  }
}

async function main(): Promise<void> {
  const networks = intOption('--networks', 10)
  const ports = intOption('--ports', 200)
  const lv = await startPrivateLibvirtd()
  try {
    const nets = await netLifecycle(lv, networks)
    print(`libvirt NAT networks with DHCP (${networks}), one virsh process:`, nets)
    const churn = await portChurn(lv, ports)
    print(`libvirt network ports on a bridge network (${ports} create+delete pairs), one virsh process:`, churn)
    const all = { ...nets, ...churn }
    const results = Object.entries(all).map(([name, s]) => ({ name, ours: null, baseline: round1(s.median), unit: 'ms', ratio: null }))
    console.log(JSON.stringify({ bench: 'libvirt-baseline-probe', results }))
  } finally {
    await lv.stop()
  }
}

await main()
