/**
 * Benchmark api-port-churn (issue 11): network-port churn through the REST API of `hostnet serve`, over its
 * read-write Unix socket with keep-alive, on a started `<forward mode='bridge'>` network (allocation only, as
 * libvirt's net-port-create does: the hypervisor plugs).
 *   - ours: 2,000 create + delete pairs, one at a time: POST .../ports (the client's `<networkport>`) then
 *     DELETE .../ports/UUID, each answer awaited; ms per pair;
 *   - baseline: libvirt's net-port-create / net-port-delete on the same network definition, libvirtd in private
 *     namespaces (RPC over its Unix socket), one virsh process (bench/lib/libvirt-ports.ts, as port-churn).
 *   Alternating rounds (ours: 200 pairs, libvirt: 30 pairs, 10 rounds by default) after a warm-up of ours
 *   (--warmup pairs, 2,000 by default: serve's CPU per pair falls until V8 has compiled the request path,
 *   1.6 ms in the first thousand pairs, 0.7 ms from the third); each side's figure is the median of its rounds.
 *   Target: ratio <= 0.5.
 *   - api-port-churn-cpu: CPU time per pair of both sides in the same rounds (ours: serve + this client; libvirt:
 *     libvirtd + virsh), all threads; it varies far less than elapsed time on a shared machine.
 * Last line: {"bench":"api-port-churn","results":[{"name":"api-port-churn",...},{"name":"api-port-churn-cpu",...}]}
 * Options: --pairs N (ours, total), --libvirt-pairs N (total), --rounds N, --warmup N, --no-baseline,
 *   --cpu-prof DIR (serve's V8 profile).
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { libvirtMissing } from './harness/libvirtd.js'
import { bridgeNetworkXml, networkPortXml } from './harness/libvirt-docs.js'
import { ApiServe } from './lib/api-serve.js'
import { cpuDuring } from './lib/cpu.js'
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

async function setUpOurs(profileDir: string | undefined): Promise<Ours> {
  const ns = await freshNetns('apichurn')
  ipBatch(ns, [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`])
  const api = await ApiServe.start(profileDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] })
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
  const warmup = intArg('--warmup', 2000)
  const profIdx = argv.indexOf('--cpu-prof')
  const ours = await setUpOurs(profIdx < 0 ? undefined : argv[profIdx + 1])
  let lv: LibvirtPorts | undefined
  const oursMs: number[] = []
  const lvMs: number[] = []
  const oursCpu: number[] = []
  const lvCpu: number[] = []
  try {
    lv = missing === undefined ? await setUpLibvirtPorts(NETWORK, BRIDGE, OWNER_UUID) : undefined
    // warm-up (JIT, statement cache, keep-alive sockets), not counted
    for (let done = 0; done < warmup; done += 200) await oursRound(ours, Math.min(200, warmup - done))
    for (let r = 0; r < rounds; r++) {
      const o = await cpuDuring([ours.api.child.pid], true, () => oursRound(ours, oursPairs))
      oursMs.push(o.value)
      oursCpu.push(o.cpuMs / oursPairs)
      if (lv !== undefined) {
        const l = await cpuDuring([lv.lv.libvirtdPid, lv.virsh.pid], false, () => libvirtPortRound(lv!, lvPairs))
        lvMs.push(l.value)
        lvCpu.push(l.cpuMs / lvPairs)
      }
      const cpu = `CPU ${round(oursCpu[r]!, 3)}${lv === undefined ? '' : ` vs ${round(lvCpu[r]!, 3)}`} ms/pair`
      log(`  round ${r + 1}: API ${round(oursMs[r]!, 3)} ms/pair${lv === undefined ? '' : `, libvirt ${round(lvMs[r]!, 3)} ms/pair`}; ${cpu}; ${loadLine()}`)
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
  const oursCpuMed = median(oursCpu)
  const lvCpuMed = lvCpu.length === 0 ? null : median(lvCpu)
  log(`API: ${round(oursMed, 3)} ms per create+delete pair (${round(1000 / oursMed, 0)} pairs/s); libvirt: ${lvMed === null ? '-' : `${round(lvMed, 3)} ms`}`)
  log(`CPU per pair: API ${round(oursCpuMed, 3)} ms (serve + client); libvirt ${lvCpuMed === null ? '-' : `${round(lvCpuMed, 3)} ms (libvirtd + virsh)`}`)
  printResults('api-port-churn', [result('api-port-churn', oursMed, lvMed, 'ms'), result('api-port-churn-cpu', oursCpuMed, lvCpuMed, 'ms')])
}

await main()
