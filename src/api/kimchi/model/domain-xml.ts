/**
 * libvirt domain documents, the parts the facade reads and writes (pure): a guest's identity, memory, CPUs and
 * NICs read from its XML, and a new guest's XML built from a Kimchi template (memory, CPUs, boot, the disks given
 * with a path, a CD-ROM, graphics, and the NICs already resolved).
 * @module
 */
import { parseDomainInterfaceElement, formatDomainInterfaceXml } from '../../../codec/libvirt-xml/domain-interface.js'
import { childElements, firstChild, getAttr, textContent, type XmlElement } from '../../../codec/xml/dom.js'
import { parseXml } from '../../../codec/xml/parse.js'
import { el, writeXml, type OutElement } from '../../../codec/xml/write.js'
import type { DomainInterfaceDef } from '../../../model/domain-interface.js'

export interface DomainSummary {
  name: string
  uuid: string
  title: string
  description: string
  memoryMiB: number
  maxMemoryMiB: number
  vcpus: number
  maxVcpus: number
  topology: { sockets: number; cores: number; threads: number } | undefined
}

function kib(el: XmlElement | undefined): number | undefined {
  if (el === undefined) return undefined
  const v = Number(textContent(el).trim())
  if (!Number.isFinite(v)) return undefined
  const unit = (getAttr(el, 'unit') ?? 'KiB').toLowerCase()
  const factor: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1024 * 1024, gib: 1024 * 1024, gb: 1e9 / 1024 }
  return v * (factor[unit] ?? 1)
}

export function readDomain(xml: string): DomainSummary {
  const root = parseXml(xml)
  const vcpu = firstChild(root, 'vcpu')
  const maxVcpus = vcpu === undefined ? 1 : Number(textContent(vcpu).trim()) || 1
  const topo = firstChild(firstChild(root, 'cpu') ?? root, 'topology')
  const mem = kib(firstChild(root, 'memory')) ?? 0
  const cur = kib(firstChild(root, 'currentMemory')) ?? mem
  return {
    name: textContent(firstChild(root, 'name') ?? root).trim(),
    uuid: textContent(firstChild(root, 'uuid') ?? root).trim(),
    title: firstChild(root, 'title') === undefined ? '' : textContent(firstChild(root, 'title')!),
    description: firstChild(root, 'description') === undefined ? '' : textContent(firstChild(root, 'description')!),
    memoryMiB: Math.round(cur / 1024),
    maxMemoryMiB: Math.round(mem / 1024),
    vcpus: vcpu === undefined ? 1 : Number(getAttr(vcpu, 'current') ?? maxVcpus) || maxVcpus,
    maxVcpus,
    topology: topo === undefined || getAttr(topo, 'sockets') === undefined ? undefined : { sockets: Number(getAttr(topo, 'sockets')), cores: Number(getAttr(topo, 'cores') ?? 1), threads: Number(getAttr(topo, 'threads') ?? 1) },
  }
}

/** The `<interface>` devices of a domain document (an unreadable one is skipped, as Kimchi's lookup would fail it). */
export function domainInterfaces(xml: string): DomainInterfaceDef[] {
  const root = parseXml(xml)
  const devices = firstChild(root, 'devices')
  if (devices === undefined) return []
  const out: DomainInterfaceDef[] = []
  for (const e of childElements(devices, 'interface')) {
    try {
      out.push(parseDomainInterfaceElement(e, {}))
    } catch {
      // a device hostnet's codec does not read (an exotic type): not a NIC the facade manages
    }
  }
  return out
}

/** One NIC as a device document for attach/detach/update (configuration form). */
export function interfaceDeviceXml(def: DomainInterfaceDef): string {
  return formatDomainInterfaceXml(def, { inactive: true })
}

export interface NewDomain {
  name: string
  uuid: string
  /** `kvm`, or `qemu` (TCG) where KVM is not available. */
  domainType: 'kvm' | 'qemu'
  arch: string
  title?: string
  description?: string
  memoryMiB: number
  maxMemoryMiB: number
  vcpus: number
  maxVcpus: number
  topology?: { sockets: number; cores: number; threads: number }
  /** Boot from the network (netboot source media) or from the first disk. */
  netboot: boolean
  cdrom?: string
  disks: ReadonlyArray<{ path: string; format: string }>
  graphics?: { type: 'vnc' | 'spice'; listen: string }
  nics: readonly DomainInterfaceDef[]
}

const DISK_LETTERS = 'abcdefghijklmnopqrstuvwxyz'

export function newDomainXml(d: NewDomain): string {
  const machine = d.arch === 'x86_64' || d.arch === 'i686' ? 'pc' : undefined
  const devices: OutElement[] = []
  d.disks.forEach((disk, i) => {
    devices.push(
      el('disk', [['type', 'file'], ['device', 'disk']], [
        el('driver', [['name', 'qemu'], ['type', disk.format]]),
        el('source', [['file', disk.path]]),
        el('target', [['dev', `vd${DISK_LETTERS[i % 26]}`], ['bus', 'virtio']]),
      ]),
    )
  })
  if (d.cdrom !== undefined) {
    devices.push(el('disk', [['type', 'file'], ['device', 'cdrom']], [el('source', [['file', d.cdrom]]), el('target', [['dev', 'hdc'], ['bus', 'ide']]), el('readonly')]))
  }
  if (d.graphics !== undefined) devices.push(el('graphics', [['type', d.graphics.type], ['autoport', 'yes'], ['listen', d.graphics.listen]]))
  const doc = el('domain', [['type', d.domainType]], [
    el('name', [], [], { text: d.name }),
    el('uuid', [], [], { text: d.uuid }),
    d.title === undefined ? undefined : el('title', [], [], { text: d.title }),
    d.description === undefined ? undefined : el('description', [], [], { text: d.description }),
    el('memory', [['unit', 'MiB']], [], { text: String(d.maxMemoryMiB) }),
    el('currentMemory', [['unit', 'MiB']], [], { text: String(d.memoryMiB) }),
    el('vcpu', [['placement', 'static'], ['current', d.vcpus === d.maxVcpus ? undefined : d.vcpus]], [], { text: String(d.maxVcpus) }),
    el('os', [], [el('type', [['arch', d.arch], ['machine', machine]], [], { text: 'hvm' }), el('boot', [['dev', d.netboot ? 'network' : d.cdrom !== undefined ? 'cdrom' : 'hd']])]),
    el('features', [], [el('acpi'), el('apic')]),
    d.topology === undefined ? undefined : el('cpu', [], [el('topology', [['sockets', d.topology.sockets], ['cores', d.topology.cores], ['threads', d.topology.threads]])]),
    el('devices', [], devices),
  ])
  // the NICs are formatted by the domain-interface codec: splice them into <devices>
  const xml = writeXml(doc)
  if (d.nics.length === 0) return xml
  const nicText = d.nics.map((n) => formatDomainInterfaceXml(n, { inactive: true, indentLevel: 2 })).join('')
  return xml.includes('<devices/>') ? xml.replace('  <devices/>\n', `  <devices>\n${nicText}  </devices>\n`) : xml.replace('  </devices>\n', `${nicText}  </devices>\n`)
}
