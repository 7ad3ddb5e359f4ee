/**
 * Benchmark api-port-churn (issue 11): network-port churn through the REST API of `hostnet serve`, over its
 * read-write Unix socket with keep-alive, on a started `<forward mode='bridge'>` network (allocation only, as
 * libvirt's net-port-create does: the hypervisor plugs).
 *   - ours: 2,000 create + delete pairs, one at a time: POST .../ports (the client's `<networkport>`) then
 *     DELETE .../ports/UUID, each answer awaited; ms per pair;
 *   - baseline: libvirt's net-port-create / net-port-delete on the same network definition, libvirtd in private
 *     namespaces (RPC over its Unix socket), one virsh process (bench/lib/libvirt-ports.ts, as port-churn).
 *   Alternating rounds (ours: 200 pairs, libvirt: 30 pairs, 10 rounds by default); each side's figure is the
 *   median of its rounds. Target: ratio <= 0.5.
 * Last line: {"bench":"api-port-churn","results":[{"name":"api-port-churn",...}]}
 * Options: --pairs N (ours, total), --libvirt-pairs N (total), --rounds N, --no-baseline.
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { libvirtMissing } from './harness/libvirtd.js'
import { bridgeNetworkXml, networkPortXml } from './harness/libvirt-docs.js'
import { ApiServe } from './lib/api-serve.js'
import { intArg as intArgOf } from './lib/args.js'
import { libvirtPortRound, setUpLibvirtPorts, tearDownLibvirtPorts, type LibvirtPorts } from './lib/libvirt-ports.js'
import { dropNetns, freshNetns } from './lib/netns.js'
import { ipBatch, portMac, portUuid } from './lib/port-env.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { median, round } from './lib/stats.js'

const argv = process.argv.slice(2)
const intArg = (name: string, dflt: number): number => intArgOf(argv, name, dflt)
const NETWORK = 'hnapichurn'
const BRIDGE = 'hnacbr0'
const OWNER_UUID = '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e02'

interface Ours {
  api: ApiServe
  ns: string
  ports: string
  next: number
}

async function setUpOurs(): Promise<Ours> {
  const ns = await freshNetns('apichurn')
  ipBatch(ns, [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`])
  const api = await ApiServe.start()
  const t = `/targets/${encodeURIComponent(`netns:${ns}`)}`
  await api.ok('POST', `${t}/networks`, 201, bridgeNetworkXml(NETWORK, BRIDGE))
  await api.ok('POST', `${t}/networks/${NETWORK}/start`, 200)
  return { api, ns, ports: `${t}/networks/${NETWORK}/ports`, next: 0 }
}

async function oursRound(o: Ours, pairs: number): Promise<number> {
  const t0 = performance.now()
  for (let k = 0; k < pairs; k++) {
    const i = o.next++
    const uuid = portUuid(2, i)
    await o.api.ok('POST', `${o.ports}?plug=false`, 201, networkPortXml({ uuid, ownerName: 'vm-churn', ownerUuid: OWNER_UUID, mac: portMac(i) }))
    await o.api.ok('DELETE', `${o.ports}/${uuid}`, 204)
  }
  return (performance.now() - t0) / pairs
}

async function main(): Promise<void> {
  const rounds = intArg('--rounds', 10)
  const oursPairs = Math.ceil(intArg('--pairs', 2000) / rounds)
  const lvPairs = Math.ceil(intArg('--libvirt-pairs', 300) / rounds)
  log(`api-port-churn: ${rounds} rounds of ${oursPairs} pairs through the API and ${lvPairs} pairs through libvirt; ${loadLine()}`)
  const missing = argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
  const ours = await setUpOurs()
  let lv: LibvirtPorts | undefined
  const oursMs: number[] = []
  const lvMs: number[] = []
  try {
    lv = missing === undefined ? await setUpLibvirtPorts(NETWORK, BRIDGE, OWNER_UUID) : undefined
    await oursRound(ours, 200) // warm-up (JIT, statement cache, keep-alive sockets), not counted
    for (let r = 0; r < rounds; r++) {
      oursMs.push(await oursRound(ours, oursPairs))
      if (lv !== undefined) lvMs.push(await libvirtPortRound(lv, lvPairs))
      log(`  round ${r + 1}: API ${round(oursMs[r]!, 3)} ms/pair${lv === undefined ? '' : `, libvirt ${round(lvMs[r]!, 3)} ms/pair`}; ${loadLine()}`)
    }
    const left = JSON.parse((await ours.api.ok('GET', ours.ports, 200)).text) as unknown[]
    assert.equal(left.length, 0, `${left.length} ports left`)
  } finally {
    if (lv !== undefined) await tearDownLibvirtPorts(lv)
    await ours.api.stop()
    await dropNetns(ours.ns)
  }
  if (missing !== undefined) log(`libvirt baseline: ${missing}`)
  const oursMed = median(oursMs)
  const lvMed = lvMs.length === 0 ? null : median(lvMs)
  log(`API: ${round(oursMed, 3)} ms per create+delete pair (${round(1000 / oursMed, 0)} pairs/s); libvirt: ${lvMed === null ? '-' : `${round(lvMed, 3)} ms`}`)
  printResults('api-port-churn', [result('api-port-churn', oursMed, lvMed, 'ms')])
}

await main()
