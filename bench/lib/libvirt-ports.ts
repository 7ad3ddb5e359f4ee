/**
 * libvirt's port API as the port benchmarks' baseline: libvirtd in private namespaces (bench/harness/libvirtd.ts)
 * with one started `<forward mode='bridge'>` network, and rounds of net-port-create + net-port-delete through one
 * virsh process, each pair timed as virsh's client sees it.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { startPrivateLibvirtd, type LibvirtHarness } from '../harness/libvirtd.js'
import { bridgeNetworkXml, macForIndex, networkPortXml } from '../harness/libvirt-docs.js'
import type { VirshSession } from '../harness/virsh-session.js'
import { median } from './stats.js'

export interface LibvirtPorts {
  lv: LibvirtHarness
  virsh: VirshSession
  network: string
  ownerUuid: string
  next: number
}

/** libvirtd with a started bridge network `network` over a Linux bridge `bridge` it creates. */
export async function setUpLibvirtPorts(network: string, bridge: string, ownerUuid: string): Promise<LibvirtPorts> {
  const lv = await startPrivateLibvirtd()
  try {
    await lv.exec(['ip', 'link', 'add', bridge, 'type', 'bridge'])
    await lv.exec(['ip', 'link', 'set', bridge, 'up'])
    const virsh = await lv.openVirsh()
    for (const c of [['net-define', lv.writeFile(`${network}.xml`, bridgeNetworkXml(network, bridge))], ['net-start', network]]) {
      const s = await virsh.run(c)
      if (!s.ok) throw new Error(`virsh ${c.join(' ')} failed: ${s.error}`)
    }
    return { lv, virsh, network, ownerUuid, next: 0 }
  } catch (e) {
    await lv.stop()
    throw e
  }
}

/** `pairs` net-port-create + net-port-delete pairs; the median ms per pair (virsh's client times). */
export async function libvirtPortRound(l: LibvirtPorts, pairs: number): Promise<number> {
  const files: Array<{ file: string; uuid: string }> = []
  for (let k = 0; k < pairs; k++) {
    const i = l.next++
    const uuid = randomUUID()
    files.push({ uuid, file: l.lv.writeFile(`port-${i}.xml`, networkPortXml({ uuid, ownerName: 'vm-churn', ownerUuid: l.ownerUuid, mac: macForIndex(i) })) })
  }
  const perPair: number[] = []
  for (const f of files) {
    const c = await l.virsh.run(['net-port-create', l.network, f.file])
    const d = await l.virsh.run(['net-port-delete', l.network, f.uuid])
    if (!c.ok || !d.ok) throw new Error(`virsh net-port-create/delete failed: ${c.error} ${d.error}`)
    perPair.push(c.ms + d.ms)
  }
  return median(perPair)
}

export async function tearDownLibvirtPorts(l: LibvirtPorts): Promise<void> {
  await l.virsh.close()
  await l.lv.stop()
}
