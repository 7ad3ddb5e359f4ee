/**
 * Builds a fake sysfs tree in a temporary directory, laid out like the kernel's (relative symlinks included), for
 * src/sys/sysfs-pci.ts: PCI functions under `devices/pci0000:00/<addr>`, `bus/pci/devices/<addr>` links,
 * network devices under `<addr>/net/<name>` with `class/net/<name>` links and a `device` link back, SR-IOV
 * `virtfnN` / `physfn` links, optional `phys_port_id` / `phys_port_name` files.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FakeNetdev {
  name: string
  physPortId?: string
  physPortName?: string
}

export interface FakeVf {
  address: string
  /** Network devices bound to the VF (none: unbound, e.g. given to vfio). */
  netdevs?: Array<string | FakeNetdev>
}

export interface FakePf {
  address: string
  netdev: string | FakeNetdev
  vfs: FakeVf[]
}

export interface FakeSysfs {
  root: string
  cleanup(): void
}

const BUS = 'pci0000:00'

function netdevOf(n: string | FakeNetdev): FakeNetdev {
  return typeof n === 'string' ? { name: n } : n
}

function addPciFunction(root: string, address: string): string {
  const dir = join(root, 'devices', BUS, address)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'vendor'), '0x8086\n')
  mkdirSync(join(root, 'bus', 'pci', 'devices'), { recursive: true })
  symlinkSync(join('..', '..', '..', 'devices', BUS, address), join(root, 'bus', 'pci', 'devices', address))
  return dir
}

function addNetdev(root: string, address: string, n: FakeNetdev): void {
  const dir = join(root, 'devices', BUS, address, 'net', n.name)
  mkdirSync(dir, { recursive: true })
  symlinkSync(join('..', '..', '..', address), join(dir, 'device'))
  if (n.physPortId !== undefined) writeFileSync(join(dir, 'phys_port_id'), `${n.physPortId}\n`)
  if (n.physPortName !== undefined) writeFileSync(join(dir, 'phys_port_name'), `${n.physPortName}\n`)
  mkdirSync(join(root, 'class', 'net'), { recursive: true })
  symlinkSync(join('..', '..', 'devices', BUS, address, 'net', n.name), join(root, 'class', 'net', n.name))
}

/** A tree with the given PFs (and their VFs) plus `plain` PCI functions that are no VFs. */
export function buildFakeSysfs(pfs: FakePf[], plain: Array<{ address: string; netdev?: string }> = []): FakeSysfs {
  const root = mkdtempSync(join(tmpdir(), 'hostnet-sysfs-'))
  for (const pf of pfs) {
    const pfDir = addPciFunction(root, pf.address)
    addNetdev(root, pf.address, netdevOf(pf.netdev))
    writeFileSync(join(pfDir, 'sriov_totalvfs'), `${pf.vfs.length}\n`)
    pf.vfs.forEach((vf, i) => {
      const vfDir = addPciFunction(root, vf.address)
      symlinkSync(join('..', vf.address), join(pfDir, `virtfn${i}`))
      symlinkSync(join('..', pf.address), join(vfDir, 'physfn'))
      for (const n of vf.netdevs ?? []) addNetdev(root, vf.address, netdevOf(n))
    })
  }
  for (const p of plain) {
    addPciFunction(root, p.address)
    if (p.netdev !== undefined) addNetdev(root, p.address, { name: p.netdev })
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}
