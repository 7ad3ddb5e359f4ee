/**
 * Runs one golden case of src/model/port/testdata/<case>/: the network (network.xml, or a file of the libvirt
 * corpus named by request.json's `networkFrom`), the port (request.json's `port`, or a domain `<interface>` in
 * interface.xml) and the network's live state (request.json: active, pool connections, VFs, floor state) go
 * through allocatePort; the outcome is result.json + networkport.xml (+ status.xml for interface cases: the
 * domain `<interface>` with `<actual>` as libvirt keeps it), or error.txt.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conformanceAvailable, conformanceDir } from '../helpers/paths.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { formatNetworkPortXml } from '../../src/codec/libvirt-xml/networkport.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../../src/codec/libvirt-xml/domain-interface.js'
import { HostnetError } from '../../src/errors.js'
import { formatPciAddress } from '../../src/model/netdev/pci-address.js'
import type { NetworkDef } from '../../src/model/network/network-def.js'
import type { NetworkPortOwner } from '../../src/model/networkport.js'
import { parseUuid } from '../../src/model/values/uuid.js'
import type { Uuid } from '../../src/model/values/uuid.js'
import { parseMac } from '../../src/model/values/mac.js'
import { allocatePort, interfaceWithActual, PortError, portRequestFromInterface } from '../../src/model/port/index.js'
import type {
  Allocation,
  AllocateInput,
  FloorState,
  PoolDevice,
  PortRequest,
  VirtualFunction,
} from '../../src/model/port/index.js'
import { parsePciAddressText } from '../../src/sys/sysfs-pci.js'

export const DEFAULT_PORT_UUID = parseUuid('c0ffee00-0000-4000-8000-000000000001')
export const DEFAULT_OWNER: NetworkPortOwner = { name: 'vm1', uuid: parseUuid('11111111-2222-4333-8444-555555555555') }
export const DEFAULT_MAC = parseMac('52:54:00:aa:bb:01')

interface RequestJson {
  comment?: string
  networkFrom?: string
  active?: boolean
  networkConnections?: number
  port?: Partial<PortRequest> & Record<string, unknown>
  connections?: Record<string, number>
  vfs?: Array<{ address: string; netdev?: string }>
  floor?: FloorState
}

export interface GoldenOutput {
  /** file name → content */
  files: Record<string, string>
  skip?: string
}

export function uuidSequence(): () => Uuid {
  let n = 0
  return () => parseUuid(`00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`)
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}

function loadNetwork(dir: string, req: RequestJson): NetworkDef | string {
  if (req.networkFrom !== undefined) {
    if (!conformanceAvailable()) return 'libvirt conformance corpus not available'
    return parseNetworkXml(readFileSync(join(conformanceDir(), req.networkFrom), 'utf8'))
  }
  return parseNetworkXml(readFileSync(join(dir, 'network.xml'), 'utf8'))
}

function vfsOf(req: RequestJson): VirtualFunction[] | undefined {
  return req.vfs?.map((v) => {
    const address = parsePciAddressText(v.address)
    if (address === undefined) throw new Error(`bad VF address ${v.address}`)
    return v.netdev === undefined ? { address } : { address, netdev: v.netdev }
  })
}

function poolJson(pool: readonly PoolDevice[]): unknown[] {
  return pool.map((d) =>
    d.kind === 'netdev'
      ? { dev: d.dev, connections: d.connections }
      : { address: formatPciAddress(d.address), connections: d.connections },
  )
}

function summary(a: Allocation): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (a.portGroup !== undefined) out['portGroup'] = a.portGroup
  out['plug'] = a.port.plug
  if (a.deviceIndex !== undefined) out['deviceIndex'] = a.deviceIndex
  if (a.pool.length > 0) out['pool'] = poolJson(a.pool)
  out['networkConnections'] = a.networkConnections
  if (a.floor !== undefined) out['floor'] = { classId: a.floor.classId, defaultClassRate: a.floor.defaultClassRate }
  out['floorState'] = a.floorState
  out['settings'] = {
    virtualPort: a.port.virtualPort,
    bandwidth: a.port.bandwidth,
    vlan: a.port.vlan,
    trustGuestRxFilters: a.port.trustGuestRxFilters,
    isolatedPort: a.port.isolatedPort,
  }
  return out
}

function errorText(e: unknown): string {
  if (e instanceof PortError) return `${e.kind}\n${e.message}\nfield: ${e.field}\n`
  if (e instanceof HostnetError) return `${e.kind}\n${e.message}\n`
  throw e
}

/** Run the case in `dir`; returns the files it produces (or a skip reason). */
export function runGoldenCase(dir: string): GoldenOutput {
  const req = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8')) as RequestJson
  const net = loadNetwork(dir, req)
  if (typeof net === 'string') return { files: {}, skip: net }
  const network = req.networkConnections === undefined ? net : { ...net, connections: req.networkConnections }
  const uuidGen = uuidSequence()
  const ifaceFile = join(dir, 'interface.xml')
  const iface = existsSync(ifaceFile)
    ? parseDomainInterfaceXml(readFileSync(ifaceFile, 'utf8'), { inactive: true, newUuid: uuidGen })
    : undefined
  const port: PortRequest =
    iface !== undefined
      ? portRequestFromInterface(DEFAULT_OWNER, iface, DEFAULT_PORT_UUID)
      : ({ uuid: DEFAULT_PORT_UUID, owner: DEFAULT_OWNER, mac: DEFAULT_MAC, ...req.port } as PortRequest)
  const input: AllocateInput = deepFreeze({ network, active: req.active ?? true, port, uuidGen })
  const full: AllocateInput = { ...input }
  const vfs = vfsOf(req)
  if (vfs !== undefined) full.vfs = deepFreeze(vfs)
  if (req.connections !== undefined) full.connections = deepFreeze(req.connections)
  if (req.floor !== undefined) full.floor = deepFreeze(req.floor)
  let a: Allocation
  try {
    a = allocatePort(full)
  } catch (e) {
    return { files: { 'error.txt': errorText(e) } }
  }
  const files: Record<string, string> = {
    'result.json': `${JSON.stringify(summary(a), null, 2)}\n`,
    'networkport.xml': formatNetworkPortXml(a.port),
  }
  if (iface !== undefined) files['status.xml'] = formatDomainInterfaceXml(interfaceWithActual(iface, a.port))
  return { files }
}

export const OUTPUT_FILES = ['result.json', 'networkport.xml', 'status.xml', 'error.txt'] as const
