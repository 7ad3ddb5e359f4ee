/**
 * Child process of the port-memory measurement (bench/port-churn.ts): argv NS NETWORKS PORTS. Namespace NS holds
 * bridges pmbr0..pmbr{NETWORKS-1}; the child defines and starts one `<forward mode='bridge'>` network on each,
 * allocates PORTS ports on every network (createMany, no plug) and keeps them all, then prints one JSON line:
 * ports created, ports in the store, and its VmHWM (MB) after start-up, before allocating and at the end.
 * The store (and the ports) are removed when it exits.
 */
import { readFileSync } from 'node:fs'
import { bridgeNetworkXml } from '../harness/libvirt-docs.js'
import { openDriverEnv, portMac, portUuid } from './port-env.js'
import type { NetworkPortDef } from '../../src/model/networkport.js'
import type { Uuid } from '../../src/model/values/uuid.js'
import type { MacAddr } from '../../src/model/values/mac.js'

function vmHwmMb(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? Number.NaN : Number(m[1]) / 1024
}

async function main(): Promise<void> {
  const [ns, networksArg, portsArg] = process.argv.slice(2)
  if (ns === undefined) throw new Error('usage: port-memory-child NS NETWORKS PORTS')
  const networks = Number(networksArg)
  const perNetwork = Number(portsArg)
  const startMb = vmHwmMb()
  const env = openDriverEnv(ns)
  try {
    for (let n = 0; n < networks; n++) {
      await env.driver.define(env.target, bridgeNetworkXml(`pmbr${n}`, `pmbr${n}`))
      await env.driver.start(env.target, `pmbr${n}`)
    }
    const beforeMb = vmHwmMb()
    let ports = 0
    const owner = { name: 'vm-mem', uuid: '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e02' as Uuid }
    for (let n = 0; n < networks; n++) {
      const reqs = Array.from({ length: perNetwork }, (_, k) => {
        const i = n * perNetwork + k
        const port: NetworkPortDef = { uuid: portUuid(2, i) as Uuid, owner, mac: portMac(i) as MacAddr }
        return { port }
      })
      ports += (await env.driver.ports.createMany(env.target, `pmbr${n}`, reqs, { plug: false })).length
    }
    const storedPorts = (env.store.db.prepare('SELECT COUNT(*) AS n FROM network_ports').get() as { n: number }).n
    process.stdout.write(`${JSON.stringify({ ports, storedPorts, startMb, beforeMb, vmHwmMb: vmHwmMb() })}\n`)
  } finally {
    env.close()
  }
}

await main()
