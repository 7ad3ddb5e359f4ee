/**
 * `/plugins/kimchi/vms`: guests are libvirt domains (every domain of the facade's libvirtd is listed, whoever made
 * it). A guest is created from a template: memory, CPUs, the disks with a path, the CD-ROM, graphics, and one NIC
 * per template network (and per s390x interface), each NIC on a hostnet network getting its hostnet port before
 * the domain is defined (the owner's UUID is chosen first). Kimchi answers this POST with an asynchronous task
 * (202); hostnet finishes the work before answering, so the task it returns is already `finished` (and
 * `/plugins/kimchi/tasks/ID` shows it). Actions: start, poweroff, shutdown. Deleting a guest deletes its ports
 * (hostnet manages no storage: disk images stay).
 * @module
 */
import { existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import { parseMac } from '../../model/values/mac.js'
import { HostnetError } from '../../errors.js'
import type { DomainInfo, KimchiEnv } from './env.js'
import { hostArch, isS390 } from './env.js'
import { errText, failed, invalid, KimchiError, notFound } from './wok/errors.js'
import { validateParams } from './wok/schema.js'
import { VMS_CREATE } from './schemas.js'
import { templateDoc } from './templates.js'
import { newDomainXml, readDomain } from './model/domain-xml.js'
import { generateMac } from './model/vm-nic.js'
import { deletePort, makeNicPort, requireDomain } from './vm-ifaces.js'
import { domainPorts, type NicPort } from './vm-ports.js'

export interface KimchiVm {
  name: string
  uuid: string
  state: string
  persistent: boolean
  title: string
  description: string
  memory: { current: number; maxmemory: number }
  cpu_info: { vcpus: number; maxvcpus: number; topology: Record<string, number> }
  users: string[]
  groups: string[]
  access: 'full'
}

async function representation(env: KimchiEnv, d: DomainInfo): Promise<KimchiVm> {
  const [xml, state, persistent] = await env.libvirtCall(() => Promise.all([env.libvirt().xml(d.ref), env.libvirt().state(d.ref), env.libvirt().isPersistent(d.ref)]))
  const s = readDomain(xml)
  return {
    name: d.name,
    uuid: d.uuid,
    state,
    persistent,
    title: s.title,
    description: s.description,
    memory: { current: s.memoryMiB, maxmemory: s.maxMemoryMiB },
    cpu_info: { vcpus: s.vcpus, maxvcpus: s.maxVcpus, topology: s.topology ?? {} },
    users: [],
    groups: [],
    access: 'full',
  }
}

export async function listVms(env: KimchiEnv): Promise<KimchiVm[]> {
  const out: KimchiVm[] = []
  for (const d of [...(await env.listDomains())].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    try {
      out.push(await representation(env, d))
    } catch (e) {
      env.facade.log(`kimchi: domain '${d.name}' left out of the list: ${errText(e)}`)
    }
  }
  return out
}

export async function getVm(env: KimchiEnv, name: string): Promise<KimchiVm> {
  return representation(env, await requireDomain(env, name))
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}

/** The configured domain type; else KVM where this host has it, QEMU's TCG otherwise. */
function domainType(env: KimchiEnv): 'kvm' | 'qemu' {
  return env.facade.config.domainType ?? (existsSync('/dev/kvm') ? 'kvm' : 'qemu')
}

/** POST /vms: returns the new guest's name. */
export async function createVm(env: KimchiEnv, body: unknown): Promise<string> {
  validateParams(VMS_CREATE, body)
  const b = body as { name?: string; template: string; title?: string; description?: string }
  const tname = decodeURIComponent(/^\/plugins\/kimchi\/templates\/([^/]+)\/?$/.exec(b.template)![1]!)
  const domains = await env.listDomains()
  const names = new Set(domains.map((d) => d.name))
  let name = b.name
  if (name === undefined) {
    let i = 1
    while (names.has(`${tname}-vm-${i}`)) i++
    name = `${tname}-vm-${i}`
  }
  if (names.has(name)) throw invalid('KCHVM0001E', { name })
  const t = templateDoc(env, tname)
  const networks = Array.isArray(t['networks']) ? (t['networks'] as string[]) : []
  for (const n of networks) {
    const rec = env.networkRecord(n)
    if (rec === undefined) throw invalid('KCHTMPL0003E', { network: n, template: tname })
    if (rec.status !== 'active') throw invalid('KCHTMPL0007E', { network: n, template: tname })
  }
  const uuid = randomUUID()
  const ports: NicPort[] = []
  const nics: DomainInterfaceDef[] = []
  const taken = new Set<string>()
  try {
    for (const n of networks) {
      const mac = generateMac(taken)
      taken.add(mac)
      const made = await makeNicPort(env, { name, uuid }, n, mac, 'virtio')
      ports.push(made.port)
      nics.push(made.iface)
    }
    if (isS390(env.arch)) {
      for (const i of Array.isArray(t['interfaces']) ? (t['interfaces'] as Array<Record<string, string>>) : []) {
        const mac = parseMac(generateMac(taken))
        taken.add(mac)
        nics.push(i['type'] === 'ovs' ? { type: 'bridge', bridge: i['name']!, virtualPort: { type: 'openvswitch' }, mac, model: 'virtio' } : { type: 'direct', dev: i['name']!, mode: (i['mode'] as 'bridge' | 'vepa' | undefined) ?? 'vepa', mac, model: 'virtio' })
      }
    }
    const mem = obj(t['memory'])
    const cpu = obj(t['cpu_info'])
    const topo = cpu['topology'] === undefined ? undefined : obj(cpu['topology'])
    const graphics = obj(t['graphics'])
    const disks = (Array.isArray(t['disks']) ? (t['disks'] as Array<Record<string, unknown>>) : []).filter((d) => typeof d['path'] === 'string')
    const cdrom = typeof t['cdrom'] === 'string' && t['cdrom'].startsWith('/') ? t['cdrom'] : undefined
    const xml = newDomainXml({
      name,
      uuid,
      domainType: domainType(env),
      // the emulator is this host's: --kimchi-arch changes Kimchi's rules, not the guests' machine
      arch: hostArch(),
      ...(b.title === undefined ? {} : { title: b.title }),
      ...(b.description === undefined ? {} : { description: b.description }),
      memoryMiB: num(mem['current'], 1024),
      maxMemoryMiB: num(mem['maxmemory'], num(mem['current'], 1024)),
      vcpus: num(cpu['vcpus'], 1),
      maxVcpus: num(cpu['maxvcpus'], num(cpu['vcpus'], 1)),
      ...(topo === undefined ? {} : { topology: { sockets: num(topo['sockets'], 1), cores: num(topo['cores'], 1), threads: num(topo['threads'], 1) } }),
      netboot: obj(t['source_media'])['type'] === 'netboot',
      ...(cdrom === undefined ? {} : { cdrom }),
      disks: disks.map((d) => ({ path: d['path'] as string, format: typeof d['format'] === 'string' ? d['format'] : 'raw' })),
      ...(graphics['type'] === 'vnc' || graphics['type'] === 'spice' ? { graphics: { type: graphics['type'], listen: typeof graphics['listen'] === 'string' ? graphics['listen'] : '127.0.0.1' } } : {}),
      nics,
    })
    await env.libvirtCall(() => env.libvirt().define(xml))
  } catch (e) {
    for (const p of ports) await deletePort(env, p)
    if (e instanceof KimchiError) throw e
    throw new KimchiError(e instanceof HostnetError && e.kind === 'invalid-argument' ? 400 : 500, 'KCHVM0007E', { name, err: errText(e) }, {}, { cause: e })
  } finally {
    env.invalidateDomains()
  }
  env.rt.store.changes.append({ target: env.targetKey, kind: 'vm.defined', object: name, actor: env.actor, detail: { template: tname, nics: nics.length } })
  return name
}

export async function deleteVm(env: KimchiEnv, name: string): Promise<void> {
  const d = await requireDomain(env, name)
  const ports = [...domainPorts(env, d.uuid).values()]
  try {
    await env.libvirtCall(async () => {
      if ((await env.libvirt().state(d.ref)) !== 'shutoff') await env.libvirt().destroy(d.ref)
      if (await env.libvirt().isPersistent(d.ref)) await env.libvirt().undefine(d.ref)
    })
  } catch (e) {
    if (e instanceof KimchiError) throw e
    throw failed('KCHVM0021E', { name, err: errText(e) }, e)
  } finally {
    env.invalidateDomains()
  }
  for (const p of ports) await deletePort(env, p)
  env.rt.store.changes.append({ target: env.targetKey, kind: 'vm.undefined', object: name, actor: env.actor, detail: { ports: ports.length } })
}

export const VM_ACTIONS = ['start', 'poweroff', 'shutdown'] as const
export type VmAction = (typeof VM_ACTIONS)[number]

export async function vmAction(env: KimchiEnv, name: string, action: VmAction): Promise<void> {
  const d = await requireDomain(env, name)
  const code = action === 'start' ? 'KCHVM0019E' : action === 'poweroff' ? 'KCHVM0020E' : 'KCHVM0029E'
  try {
    await env.libvirtCall(async () => {
      const lv = env.libvirt()
      if (action === 'start') await lv.start(d.ref)
      else if (action === 'poweroff') await lv.destroy(d.ref)
      else await lv.shutdown(d.ref)
    })
  } catch (e) {
    if (e instanceof KimchiError) throw e
    const status = e instanceof HostnetError && e.kind === 'conflict' ? 400 : 500
    throw new KimchiError(status, code, { name, err: errText(e) }, {}, { cause: e })
  } finally {
    env.invalidateDomains()
  }
  env.rt.store.changes.append({ target: env.targetKey, kind: action === 'start' ? 'vm.started' : 'vm.stopped', object: name, actor: env.actor, detail: { action } })
}

/** Kimchi's task resource for a POST /vms that hostnet finished before answering. */
export interface KimchiTask {
  id: string
  status: 'finished' | 'failed'
  message: string
  target_uri: string
}

export const MAX_TASKS = 256

/** The latest tasks (bounded: the oldest goes when full). */
export class TaskTable {
  private readonly tasks = new Map<string, KimchiTask>()
  private next = 1

  add(targetUri: string): KimchiTask {
    const t: KimchiTask = { id: String(this.next++), status: 'finished', message: 'OK', target_uri: targetUri }
    if (this.tasks.size >= MAX_TASKS) this.tasks.delete(this.tasks.keys().next().value!)
    this.tasks.set(t.id, t)
    return t
  }

  get(id: string): KimchiTask {
    const t = this.tasks.get(id)
    if (t === undefined) throw notFound('WOKASYNC0001E', { id })
    return t
  }

  list(): KimchiTask[] {
    return [...this.tasks.values()]
  }
}
