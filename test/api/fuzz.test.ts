/**
 * Fuzz: more than 10,000 generated and mutated requests against every operation of the OpenAPI document, over
 * the read-write socket (an admin: nothing is refused for lack of rights). Every request is bad by construction:
 * junk or traversal in path parameters, unknown or malformed query parameters, bodies of the wrong type,
 * malformed or mutated documents (a mutation the local parsers accept is not sent: it might be a valid change),
 * bodies over the limit, bodies where none is taken. Every answer must be a 4xx problem document (never a 5xx,
 * never a dropped connection), serve must stay up, and the store and the namespace must be exactly as before.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { validateNetworkDef } from '../../src/model/network/validate.js'
import { parsePortInput, portFromInterfaceXml } from '../../src/driver/port/index.js'
import { parseInterfaceXml } from '../../src/codec/libvirt-xml/interface.js'
import { ifaceXmlToDesired } from '../../src/model/host/from-iface-xml.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import type { Uuid } from '../../src/model/values/uuid.js'
import { NetworkJson, networkXmlFromJson } from '../../src/api/network-json.js'
import { Autostart, Login, TargetParam, TokenCreate, NameParam, UuidParam } from '../../src/api/schemas.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, bridgeXml, natXml, pidsIn, portXml, type Answer } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
const TOTAL = Number(process.env['HOSTNET_API_FUZZ_REQUESTS'] ?? 10_500)
const CONCURRENCY = 16
let lab: ApiLab
const PORT_UUID = 'f0f0f0f0-0000-4000-8000-000000000001'

before(async () => {
  if (skip !== false) return
  lab = await ApiLab.open()
  const t = `/targets/${encodeURIComponent(lab.target)}`
  assert.equal((await lab.req('POST', `${t}/networks`, { body: bridgeXml('fz'), type: 'application/xml' })).status, 201)
  assert.equal((await lab.req('POST', `${t}/networks/fz/start`)).status, 200)
  assert.equal((await lab.req('POST', `${t}/networks/fz/ports`, { body: portXml(PORT_UUID, '52:54:00:dd:00:01'), type: 'application/xml' })).status, 201)
  assert.equal((await lab.req('POST', `${t}/interfaces`, { body: "<interface type='bridge' name='fzif'>\n  <bridge/>\n</interface>\n", type: 'application/xml' })).status, 201)
  assert.equal((await lab.req('POST', '/tokens', { body: JSON.stringify({ role: 'viewer' }) })).status, 201)
})

after(async () => {
  if (skip !== false) return
  await lab?.close()
  assert.deepEqual(leakedNetns(), [])
})

/** mulberry32: a small seeded generator (reproducible runs; the seed is printed on failure). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(process.env['HOSTNET_API_FUZZ_SEED'] ?? Date.now() % 1_000_000)
const rand = rng(SEED)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
const int = (n: number): number => Math.floor(rand() * n)

const JUNK = ['', '..', '../..', '.', '-x', 'a/b', '%', '\0', '\n', ' ', "'", '"', '<', '&amp;', '\u202e', '😀', 'x'.repeat(300), 'netns:', 'netns:..', 'netns:../etc', 'netns:a/b', 'netns:-rf', 'NETNS:x', 'hostx', 'host/..', '%2e%2e', '${x}', '*']
const BAD_VALUES = ['', 'maybe', '-1', '1e309', 'NaN', '0x10', '99999999999999999999', '[]', '{}', 'true,true', '\0', 'x'.repeat(5000)]
const NOISE = ['<', '>', '&', "'", '"', '\0', '</', ']]>', '<!--', '<!DOCTYPE x [<!ENTITY e "e">]>', '&e;', '&#0;', '\uFFFE', 'é', '-', ':', '{', '}', '[', ']', '\t', '\n   ', '%', 'x'.repeat(600)]

/** A random mutation of a text: cut, delete, duplicate, insert noise, or replace a quoted value. */
function mutate(text: string): string {
  const i = int(text.length + 1)
  const j = Math.min(text.length, i + 1 + int(40))
  switch (int(6)) {
    case 0:
      return text.slice(0, i)
    case 1:
      return text.slice(0, i) + text.slice(j)
    case 2:
      return text.slice(0, j) + text.slice(i, j) + text.slice(j)
    case 3:
      return text.slice(0, i) + pick(NOISE) + text.slice(i)
    case 4: {
      const quoted = [...text.matchAll(/'([^']*)'|>([^<]+)</g)]
      const m = quoted.length === 0 ? undefined : pick(quoted)
      if (m === undefined || m.index === undefined) return text + pick(NOISE)
      const bad = pick(BAD_VALUES.concat(NOISE))
      return m[0].startsWith("'") ? `${text.slice(0, m.index)}'${bad}'${text.slice(m.index + m[0].length)}` : `${text.slice(0, m.index)}>${bad}<${text.slice(m.index + m[0].length)}`
    }
    default: {
      const names = [...text.matchAll(/<\/?([a-z-]+)/g)]
      const m = names.length === 0 ? undefined : pick(names)
      if (m === undefined || m.index === undefined) return pick(NOISE) + text
      return text.slice(0, m.index) + m[0].replace(m[1]!, pick(['x', 'network', 'interface', 'ip', '', m[1]!.toUpperCase()])) + text.slice(m.index + m[0].length)
    }
  }
}

const accepts = (f: () => unknown): boolean => {
  try {
    f()
    return true
  } catch {
    return false
  }
}

/** What the server's own schema would accept (the same zod objects). */
function jsonValid(schema: { safeParse(v: unknown): { success: boolean } }, t: string): boolean {
  try {
    return schema.safeParse(JSON.parse(t)).success
  } catch {
    return false
  }
}

const uuidGen = (): Uuid => '00000000-0000-4000-8000-000000000000' as Uuid

/** Seeds and the local oracle ("would the server accept this?") per body kind. */
const BODIES: Record<string, { types: string[]; seeds: string[]; valid: (t: string) => boolean }> = {
  network: {
    types: ['application/xml', 'text/xml', 'application/json'],
    seeds: [natXml('fzn', '10.241.0'), bridgeXml('fzb'), '{"name":"fzj","forward":{"mode":"bridge"},"bridge":{"name":"br0"}}'],
    valid: (t) => accepts(() => validateNetworkDef(parseNetworkXml(t))) || accepts(() => validateNetworkDef(parseNetworkXml(networkXmlFromJson(NetworkJson.parse(JSON.parse(t)))))),
  },
  port: {
    types: ['application/xml'],
    seeds: [portXml('f1f1f1f1-0000-4000-8000-000000000009', '52:54:00:dd:00:09'), "<interface type='network'>\n  <mac address='52:54:00:dd:00:08'/>\n  <source network='fz'/>\n</interface>\n"],
    valid: (t) => accepts(() => parsePortInput(t)) || accepts(() => portFromInterfaceXml(t, { name: 'x', uuid: uuidGen() }, uuidGen)),
  },
  iface: { types: ['application/xml'], seeds: ["<interface type='bridge' name='fzb2'>\n  <bridge stp='off'/>\n</interface>\n"], valid: (t) => accepts(() => ifaceXmlToDesired(parseInterfaceXml(t))) },
  doc: {
    types: ['application/yaml', 'text/yaml', 'application/json'],
    seeds: ['interfaces:\n  - name: fzbr\n    type: linux-bridge\n    state: up\n    mtu: 1400\n', '{"interfaces":[{"name":"fzbr","type":"linux-bridge","state":"up"}]}'],
    valid: (t) => accepts(() => parseDesiredState(t, { format: t.trimStart().startsWith('{') ? 'json' : 'yaml' })) || accepts(() => parseDesiredState(t, { format: 'yaml' })),
  },
  autostart: { types: ['application/json'], seeds: ['{"autostart":true}'], valid: (t) => jsonValid(Autostart, t) },
  token: { types: ['application/json'], seeds: ['{"role":"viewer","description":"d","expiresInSec":60}'], valid: (t) => jsonValid(TokenCreate, t) },
  // a valid login (or none: the socket's own session) is not bad input
  login: { types: ['application/json'], seeds: ['{"username":"nobody-fz","password":"x"}', '{"token":"x"}'], valid: (t) => t === '' || jsonValid(Login, t) },
}

function bodyKind(opId: string): string | undefined {
  return (
    {
      defineNetwork: 'network',
      redefineNetwork: 'network',
      createPort: 'port',
      defineInterface: 'iface',
      diffState: 'doc',
      applyState: 'doc',
      setNetworkAutostart: 'autostart',
      createToken: 'token',
      login: 'login',
    } as Record<string, string>
  )[opId]
}

interface Op {
  method: string
  path: string
  id: string
  params: string[]
  query: string[]
  body: boolean
}

interface Req {
  op: Op
  method: string
  path: string
  body?: string | Buffer
  type?: string
}

function validPath(op: Op): string {
  const name = op.path.includes('/interfaces/') ? 'br0' : 'fz'
  return op.path.replace('{target}', encodeURIComponent(lab.target)).replace('{name}', name).replace('{uuid}', PORT_UUID).replace('{id}', '1')
}

/** One bad request for `op`. */
function generate(op: Op): Req {
  const choices: Array<() => Req | undefined> = []
  if (op.params.length > 0) {
    choices.push(() => {
      const bad = pick(op.params)
      let path = op.path
      for (const p of op.params) {
        const v = p === bad ? pick(JUNK) + (rand() < 0.3 ? pick(JUNK) : '') : p === 'target' ? lab.target : p === 'uuid' ? PORT_UUID : p === 'id' ? '1' : 'fz'
        path = path.replace(`{${p}}`, rand() < 0.8 ? encodeURIComponent(v) : encodeURI(v.replace(/[?#\s\0%]/g, 'x')))
      }
      if (path === validPath(op)) return undefined
      // dot segments are resolved by the URL: a GET could become another, valid read
      if (op.method === 'GET' && new URL(path, 'http://h').pathname !== path) return undefined
      // a well-formed name of a missing object: a read may rightly answer 200 (an empty list); a change answers 4xx
      if (op.method === 'GET' && paramsWellFormed(op, path)) return undefined
      return { op, method: op.method, path }
    })
  }
  choices.push(() => {
    const qs = new URLSearchParams()
    if (op.query.length > 0 && rand() < 0.6) {
      const k = pick(op.query)
      const v = k === 'names' ? pick(['', ',', 'a/b', 'x y', 'x'.repeat(16), '.', '..', 'a,,b', '\0']) : pick(BAD_VALUES)
      qs.append(k, v)
      if (rand() < 0.3) qs.append(k, v) // duplicated
    } else qs.append(pick(['x', 'all_', 'ALL', 'transient ', 'kind', 'limit', 'debug', '__proto__', 'constructor']), pick(BAD_VALUES))
    if (op.query.includes(qs.keys().next().value as string) && op.path.endsWith('/events')) qs.append('kind', 'nope')
    return { op, method: op.method, path: `${validPath(op)}?${qs.toString()}` }
  })
  const kind = bodyKind(op.id)
  if (kind === undefined) {
    if (op.method !== 'GET') choices.push(() => ({ op, method: op.method, path: validPath(op), body: pick(['x', '{}', '<network/>']), type: pick(['application/json', 'application/xml', 'text/plain']) }))
  } else {
    const spec = BODIES[kind]!
    choices.push(() => ({ op, method: op.method, path: validPath(op), body: pick(spec.seeds), type: pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png']) }))
    if (kind !== 'login') choices.push(() => ({ op, method: op.method, path: validPath(op) })) // no body where one is required
    for (let k = 0; k < 4; k++) {
      choices.push(() => {
        let text = pick(spec.seeds)
        for (let n = 1 + int(3); n > 0; n--) text = mutate(text)
        if (spec.valid(text)) return undefined
        return { op, method: op.method, path: validPath(op), body: text, type: pick(spec.types) }
      })
    }
  }
  for (let tries = 0; tries < 50; tries++) {
    const r = pick(choices)()
    if (r !== undefined) return r
  }
  return { op, method: op.method, path: `${validPath(op)}?fuzz=1` }
}

const PARAM_SCHEMAS: Record<string, { safeParse(v: unknown): { success: boolean } }> = { target: TargetParam, name: NameParam, uuid: UuidParam, id: { safeParse: (v) => ({ success: /^[0-9a-f]{16}$|^[1-9][0-9]{0,15}$/.test(String(v)) }) } }

/** Whether every path parameter of `path` passes the server's schema. */
function paramsWellFormed(op: Op, path: string): boolean {
  const re = new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '([^/]*)')}$`)
  const m = re.exec(path.split('?')[0]!)
  if (m === null) return false
  return op.params.every((p, i) => {
    let v: string
    try {
      v = decodeURIComponent(m[i + 1]!)
    } catch {
      return false
    }
    return PARAM_SCHEMAS[p]?.safeParse(v).success === true
  })
}

function storeSnapshot(): string {
  const db = new Database(join(lab.dir, 'hostnet.db'), { readonly: true })
  try {
    const dump = (sql: string): unknown => db.prepare(sql).all()
    return JSON.stringify({
      networks: dump('SELECT target, name, uuid, status, config_xml, live_xml, autostart FROM networks ORDER BY target, name'),
      ports: dump('SELECT * FROM network_ports ORDER BY uuid'),
      ifaces: dump('SELECT target, name, xml, created_links_json FROM iface_definitions ORDER BY target, name'),
      transactions: dump('SELECT id, status FROM transactions ORDER BY id'),
      tokens: dump('SELECT id, role, revoked_ms FROM api_tokens ORDER BY id'),
      tables: dump("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
    })
  } finally {
    db.close()
  }
}

function sandboxSnapshot(): string {
  const links = (JSON.parse(execFileSync('ip', ['-n', lab.ns, '-json', 'addr', 'show'], { encoding: 'utf8' })) as Array<Record<string, unknown>>).map((l) => ({
    name: l['ifname'],
    // what hostnet sets; carrier comes and goes with the kernel's own timing (a bridge with an idle tap)
    flags: (l['flags'] as string[]).filter((f) => f !== 'NO-CARRIER' && f !== 'LOWER_UP'),
    mtu: l['mtu'],
    master: l['master'],
    // the addresses themselves (DAD's tentative flag and lifetimes change with the kernel's timing)
    addr: (l['addr_info'] as Array<Record<string, unknown>>).map((a) => `${String(a['local'])}/${String(a['prefixlen'])}`).sort(),
  }))
  const nft = execFileSync('ip', ['netns', 'exec', lab.ns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' })
  return JSON.stringify({ links, nft, pids: pidsIn(lab.ns).sort() })
}

test(`fuzz: ${TOTAL} bad requests against every operation answer 4xx, serve stays up, store and namespace unchanged`, { skip, timeout: 180_000 }, async () => {
  const doc = await lab.req('GET', '/openapi.json')
  const ops: Op[] = []
  for (const [path, item] of Object.entries(doc.json.paths as Record<string, Record<string, { operationId: string; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown }>>)) {
    for (const [method, op] of Object.entries(item)) {
      const ps = op.parameters ?? []
      ops.push({ method: method.toUpperCase(), path: path.replace(/^\/api\/v1/, ''), id: op.operationId, params: ps.filter((p) => p.in === 'path').map((p) => p.name), query: ps.filter((p) => p.in === 'query').map((p) => p.name), body: op.requestBody !== undefined })
    }
  }
  assert.ok(ops.length >= 30)
  const store0 = storeSnapshot()
  const sandbox0 = sandboxSnapshot()
  const perOp = new Map<string, number>()
  const statuses = new Map<number, number>()
  const problems: string[] = []
  let sent = 0
  const queue: Req[] = []
  for (let i = 0; i < TOTAL; i++) queue.push(generate(ops[i % ops.length]!))
  // a few bodies over the limit (4 MB)
  const big = Buffer.alloc(4 * 1024 * 1024 + 10, 'a')
  for (const op of ops.filter((o) => bodyKind(o.id) !== undefined).slice(0, 6)) queue.push({ op, method: op.method, path: validPath(op), body: big, type: 'application/xml' })
  const t0 = Date.now()
  const worker = async (): Promise<void> => {
    for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
      let a: Answer
      try {
        a = await lab.req(r.method, r.path, { ...(r.body === undefined ? {} : { body: r.body, type: r.type ?? 'application/json' }) })
      } catch (e) {
        problems.push(`${r.method} ${r.path.slice(0, 120)}: ${(e as Error).message}`)
        continue
      }
      sent++
      perOp.set(r.op.id, (perOp.get(r.op.id) ?? 0) + 1)
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
      const isProblem = String(a.headers['content-type']).startsWith('application/problem+json') && typeof a.json?.detail === 'string'
      if (a.status < 400 || a.status >= 500 || !isProblem) {
        if (problems.length < 20) problems.push(`${r.method} ${r.path.slice(0, 160)} [${r.type ?? ''}] ${JSON.stringify(typeof r.body === 'string' ? r.body.slice(0, 200) : r.body?.length)} → ${a.status} ${a.text.slice(0, 200)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const ms = Date.now() - t0
  console.log(`fuzz seed ${SEED}: ${sent} requests in ${ms} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
  assert.deepEqual(problems, [], `seed ${SEED}`)
  assert.ok(sent >= TOTAL, `${sent} requests`)
  for (const op of ops) assert.ok((perOp.get(op.id) ?? 0) >= Math.floor(TOTAL / ops.length) - 1, `${op.id}: ${perOp.get(op.id) ?? 0} requests`)
  assert.equal(lab.serve?.exitCode, null, 'serve is still running')
  assert.equal((await lab.req('GET', '/targets')).status, 200, 'and still answers')
  assert.equal(storeSnapshot(), store0, 'the store is unchanged')
  assert.deepEqual(JSON.parse(sandboxSnapshot()), JSON.parse(sandbox0), 'the namespace is unchanged')
})
