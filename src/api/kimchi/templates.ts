/**
 * Kimchi's templates, stored by hostnet (store/kimchi.ts) with Kimchi's fields, validation and defaults: networks
 * checked against hostnet's networks of the target (they need not be active), `interfaces` and `console` only on
 * s390x/s390 (the architecture is the host's unless `serve --kimchi-arch` says otherwise), `invalid.networks`
 * when a referenced network has gone, clone (`NAME-cloneN`). Templates make their networks "in use".
 *
 * Where Kimchi manages storage pools and volumes, hostnet does not: `disks` are kept as given and only disks
 * with a `path` (Kimchi's s390x form) become disks of a guest; the default is none (a diskless guest). The
 * default networks are `default` when such a network exists, none otherwise (Kimchi refused to create templates,
 * and even to load, without it: #1186, #1263).
 * @module
 */
import { existsSync } from 'node:fs'
import type { KimchiEnv } from './env.js'
import { isS390 } from './env.js'
import { invalid, notFound } from './wok/errors.js'
import { validateParams } from './wok/schema.js'
import { TEMPLATE_UPDATE, TEMPLATES_CREATE } from './schemas.js'
import { defaultNetworks } from './networks.js'

export type TemplateDoc = Record<string, unknown>

const DEFAULT_MEMORY_MIB = 1024
const TEMPLATE_NAME_MAX = 256

function defaults(env: KimchiEnv): TemplateDoc {
  const existing = new Set(env.networkRecords().map((r) => r.name))
  return {
    os_distro: 'unknown',
    os_version: 'unknown',
    icon: 'plugins/kimchi/images/icon-vm.png',
    memory: { current: DEFAULT_MEMORY_MIB, maxmemory: DEFAULT_MEMORY_MIB },
    cpu_info: { vcpus: 1, maxvcpus: 1 },
    graphics: { type: 'vnc', listen: '127.0.0.1' },
    networks: defaultNetworks(env).filter((n) => existing.has(n)),
    disks: [],
    folder: [],
  }
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}

function checkMemory(doc: TemplateDoc): void {
  const m = obj(doc['memory'])
  const cur = m['current'] as number
  const max = m['maxmemory'] as number
  if (cur > max) throw invalid('KCHTMPL0031E', { mem: cur, maxmem: max })
}

function checkCpu(doc: TemplateDoc): void {
  const c = obj(doc['cpu_info'])
  const topo = c['topology'] === undefined ? undefined : obj(c['topology'])
  const max = c['maxvcpus'] as number
  const vcpus = c['vcpus'] as number
  if (topo !== undefined) {
    const product = (topo['sockets'] as number) * (topo['cores'] as number) * (topo['threads'] as number)
    if (max !== product) throw invalid('KCHCPUINF0002E')
    if (vcpus % (topo['threads'] as number) !== 0) throw invalid('KCHCPUINF0005E')
  }
  if (vcpus > max) throw invalid('KCHCPUINF0001E')
}

function checkNetworks(env: KimchiEnv, name: string, networks: unknown): void {
  const existing = new Set(env.networkRecords().map((r) => r.name))
  for (const n of (networks as string[] | undefined) ?? []) if (!existing.has(n)) throw invalid('KCHTMPL0003E', { network: n, template: name })
}

function checkArchFields(env: KimchiEnv, body: TemplateDoc): void {
  const ifaces = body['interfaces'] as unknown[] | undefined
  if (!isS390(env.arch) && ifaces !== undefined && ifaces.length > 0) throw invalid('KCHTMPL0039E')
  if (!isS390(env.arch) && body['console'] !== undefined) throw invalid('KCHTMPL0043E')
}

/** Fill the documented defaults, then cpu: vcpus follows maxvcpus (and maxvcpus the topology) when not given. */
function completed(env: KimchiEnv, body: TemplateDoc): TemplateDoc {
  const d = defaults(env)
  const doc: TemplateDoc = { ...d, ...body }
  doc['memory'] = { ...obj(d['memory']), ...obj(body['memory']) }
  const given = obj(body['cpu_info'])
  const topo = given['topology'] === undefined ? undefined : obj(given['topology'])
  const fromTopo = topo === undefined ? undefined : (topo['sockets'] as number) * (topo['cores'] as number) * (topo['threads'] as number)
  const max = (given['maxvcpus'] as number | undefined) ?? fromTopo ?? (given['vcpus'] as number | undefined) ?? 1
  doc['cpu_info'] = { ...given, maxvcpus: max, vcpus: (given['vcpus'] as number | undefined) ?? max }
  doc['graphics'] = { ...obj(d['graphics']), ...obj(body['graphics']) }
  if (isS390(env.arch)) {
    doc['interfaces'] = body['interfaces'] ?? []
    doc['console'] = body['console'] ?? 'sclp'
  }
  return doc
}

export function createTemplate(env: KimchiEnv, body: unknown): string {
  validateParams(TEMPLATES_CREATE, body)
  const b = { ...(body as TemplateDoc) }
  const name = typeof b['name'] === 'string' ? b['name'].trim() : `${typeof b['os_distro'] === 'string' ? b['os_distro'] : 'template'}${Date.now()}`.slice(0, TEMPLATE_NAME_MAX)
  checkNetworks(env, name, b['networks'])
  checkArchFields(env, b)
  const media = obj(b['source_media'])
  delete b['source_media']
  if (media['type'] === 'disk') {
    const path = media['path']
    if (typeof path !== 'string') throw invalid('KCHTMPL0016E', { value: JSON.stringify(media) })
    if (path.startsWith('/') && !existsSync(path)) throw invalid('KCHTMPL0002E', { path })
    b['cdrom'] = path
  }
  const doc = completed(env, { ...b, name })
  doc['source_media'] = media
  checkMemory(doc)
  checkCpu(doc)
  if (!env.rt.store.kimchi.insertTemplate(env.targetKey, name, doc, env.actor)) throw invalid('KCHTMPL0001E', { name })
  return name
}

export function templateDoc(env: KimchiEnv, name: string): TemplateDoc {
  const t = env.rt.store.kimchi.getTemplate(env.targetKey, name)
  if (t === undefined) throw notFound('WOKOBJST0001E', { item: name })
  return t.doc
}

/** Kimchi's lookup: the stored fields, plus `invalid` (what the template refers to that is gone). */
export function templateRepresentation(env: KimchiEnv, doc: TemplateDoc): TemplateDoc {
  const existing = new Set(env.networkRecords().map((r) => r.name))
  const bad: Record<string, string[]> = {}
  const missing = ((doc['networks'] as string[] | undefined) ?? []).filter((n) => !existing.has(n))
  if (missing.length > 0) bad['networks'] = missing
  const cdrom = doc['cdrom']
  if (typeof cdrom === 'string' && cdrom.startsWith('/') && !existsSync(cdrom)) bad['cdrom'] = [cdrom]
  const out: TemplateDoc = { ...doc, networks: doc['networks'] ?? [], invalid: bad }
  if (!isS390(env.arch)) {
    delete out['interfaces']
    delete out['console']
  }
  return out
}

export function listTemplates(env: KimchiEnv): TemplateDoc[] {
  return env.rt.store.kimchi.listTemplates(env.targetKey).map((t) => templateRepresentation(env, t.doc))
}

export function getTemplate(env: KimchiEnv, name: string): TemplateDoc {
  return templateRepresentation(env, templateDoc(env, name))
}

/** Kimchi's update: the fields given replace the stored ones (memory, cpu_info and graphics merged). */
export function updateTemplate(env: KimchiEnv, name: string, body: unknown): string {
  validateParams(TEMPLATE_UPDATE, body)
  const b = body as TemplateDoc
  const old = templateDoc(env, name)
  const to = typeof b['name'] === 'string' ? b['name'].trim() : name
  if (to !== name && env.rt.store.kimchi.getTemplate(env.targetKey, to) !== undefined) throw invalid('KCHTMPL0001E', { name: to })
  checkArchFields(env, b)
  const doc: TemplateDoc = { ...old, ...b, name: to }
  if (b['memory'] !== undefined) doc['memory'] = { ...obj(old['memory']), ...obj(b['memory']) }
  if (b['cpu_info'] !== undefined) doc['cpu_info'] = { ...obj(old['cpu_info']), ...obj(b['cpu_info']) }
  if (b['graphics'] !== undefined) doc['graphics'] = { ...obj(old['graphics']), ...obj(b['graphics']) }
  checkMemory(doc)
  checkNetworks(env, name, b['networks'])
  checkCpu(doc)
  if (!env.rt.store.kimchi.replaceTemplate(env.targetKey, name, to, doc, env.actor)) throw invalid('KCHTMPL0001E', { name: to })
  return to
}

export function deleteTemplate(env: KimchiEnv, name: string): void {
  if (!env.rt.store.kimchi.deleteTemplate(env.targetKey, name, env.actor)) throw notFound('WOKOBJST0001E', { item: name })
}

/** `NAME-cloneN`, N one more than the highest clone so far. */
export function cloneTemplate(env: KimchiEnv, name: string): string {
  const doc = templateDoc(env, name)
  let n = 0
  for (const t of env.rt.store.kimchi.listTemplates(env.targetKey)) {
    const m = t.name.startsWith(`${name}-clone`) ? /^([0-9]+)$/.exec(t.name.slice(name.length + 6)) : null
    if (m !== null) n = Math.max(n, Number(m[1]))
  }
  const clone = `${name}-clone${n + 1}`
  if (!env.rt.store.kimchi.insertTemplate(env.targetKey, clone, { ...doc, name: clone }, env.actor)) throw invalid('KCHTMPL0001E', { name: clone })
  return clone
}
