/**
 * The request schemas of the facade (Kimchi's API.json, the networking parts and what templates and VMs need),
 * with Kimchi's error codes. Exact where Kimchi's were loose (see ./wok/schema.ts).
 * @module
 */
import type { Schema } from './wok/schema.js'

export const CONNECTIONS = ['isolated', 'nat', 'bridge', 'macvtap', 'vepa', 'passthrough'] as const
export type Connection = (typeof CONNECTIONS)[number]

export const NIC_MODELS = ['ne2k_pci', 'i82551', 'i82557b', 'i82559er', 'rtl8139', 'e1000', 'pcnet', 'virtio'] as const

/** Longest list a request may carry (interfaces, networks, disks): far above any real use, bounded. */
export const MAX_LIST_ITEMS = 256
/** Longest name or string field. */
export const MAX_NAME_CHARS = 256

const networkName: Schema = { type: 'string', minLength: 1, maxLength: MAX_NAME_CHARS, pattern: /^[^/"]*$/, error: 'KCHNET0011E' }
const subnet: Schema = { type: 'string', maxLength: 64, error: 'KCHNET0013E' }
const vlanId: Schema = { type: 'integer', minimum: 1, maximum: 4094, error: 'KCHNET0015E' }

export const NETWORKS_CREATE: Schema = {
  type: 'object',
  error: 'KCHNET0016E',
  properties: {
    name: { ...networkName, required: true },
    connection: { type: 'string', enum: CONNECTIONS, required: true, error: 'KCHNET0012E' },
    subnet,
    // items are untyped in Kimchi: the UI sends [null] for nat and isolated networks
    interfaces: { type: 'array', minItems: 1, maxItems: MAX_LIST_ITEMS, error: 'KCHNET0014E' },
    vlan_id: vlanId,
  },
}

export const NETWORK_UPDATE: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHAPI0001E',
  properties: {
    name: networkName,
    subnet,
    interfaces: { type: 'array', maxItems: MAX_LIST_ITEMS, error: 'KCHNET0014E' },
    vlan_id: vlanId,
  },
}

const mac: Schema = { type: 'string', pattern: /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, error: 'KCHVMIF0010E' }

export const VMIFACES_CREATE: Schema = {
  type: 'object',
  error: 'KCHVMIF0007E',
  properties: {
    type: { type: 'string', enum: ['network', 'macvtap', 'ovs'], required: true, error: 'KCHVMIF0004E' },
    network: { type: 'string', maxLength: MAX_NAME_CHARS, error: 'KCHVMIF0005E' },
    source: { type: 'string', maxLength: MAX_NAME_CHARS, error: 'KCHVMIF0016E' },
    mode: { type: 'string', enum: ['bridge', 'vepa'], error: 'KCHVMIF0017E' },
    model: { type: 'string', enum: NIC_MODELS, error: 'KCHVMIF0006E' },
    mac: { type: 'string', pattern: /^$|^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, error: 'KCHVMIF0010E' },
  },
}

export const VMIFACE_UPDATE: Schema = {
  type: 'object',
  error: 'KCHVMIF0008E',
  properties: { mac },
}

const templateName: Schema = { type: 'string', minLength: 1, maxLength: MAX_NAME_CHARS, pattern: /^[^ /]+( +[^ /]+)*$/, error: 'KCHTMPL0008E' }
const memory: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHTMPL0030E',
  properties: {
    current: { type: 'integer', minimum: 512, maximum: 16 * 1024 * 1024, error: 'KCHTMPL0013E' },
    maxmemory: { type: 'integer', minimum: 512, maximum: 16 * 1024 * 1024, error: 'KCHTMPL0013E' },
  },
}
const cpuInfo: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHCPUINF0008E',
  properties: {
    vcpus: { type: 'integer', minimum: 1, maximum: 4096, error: 'KCHTMPL0012E' },
    maxvcpus: { type: 'integer', minimum: 1, maximum: 4096, error: 'KCHTMPL0012E' },
    topology: {
      type: 'object',
      additionalProperties: false,
      error: 'KCHCPUINF0009E',
      properties: {
        sockets: { type: 'integer', minimum: 1, maximum: 4096, required: true, error: 'KCHTMPL0026E' },
        cores: { type: 'integer', minimum: 1, maximum: 4096, required: true, error: 'KCHTMPL0026E' },
        threads: { type: 'integer', minimum: 1, maximum: 4096, required: true, error: 'KCHTMPL0026E' },
      },
    },
  },
}
const mediaPath = /^(\/|https?:|t?ftps?:)/
const disk: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHTMPL0033E',
  properties: {
    index: { type: 'integer', minimum: 0, maximum: 1024 },
    format: { type: 'string', enum: ['qcow', 'qcow2', 'qed', 'raw', 'vmdk', 'vpc'], error: 'KCHTMPL0027E' },
    size: { type: 'number', minimum: 1, maximum: 1024 * 1024, error: 'KCHTMPL0022E' },
    // s390x's form (no storage pool): an image file; the only disks hostnet puts in a guest
    path: { type: 'string', maxLength: 4096, pattern: /^\//, error: 'KCHTMPL0042E' },
    pool: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', maxLength: MAX_NAME_CHARS, pattern: /^\/plugins\/kimchi\/storagepools\/[^/]+\/?$/, error: 'KCHTMPL0015E' } } },
  },
}
const templateInterface: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHTMPL0038E',
  properties: {
    type: { type: 'string', enum: ['macvtap', 'ovs'], required: true, error: 'KCHTMPL0034E' },
    name: { type: 'string', maxLength: MAX_NAME_CHARS, required: true, error: 'KCHTMPL0035E' },
    mode: { type: 'string', enum: ['bridge', 'vepa'], error: 'KCHTMPL0036E' },
  },
}

const templateFields = {
  name: templateName,
  icon: { type: 'string', maxLength: MAX_NAME_CHARS, pattern: /^plugins\/kimchi\/images\//, error: 'KCHTMPL0009E' },
  os_distro: { type: 'string', minLength: 1, maxLength: MAX_NAME_CHARS, error: 'KCHTMPL0010E' },
  os_version: { type: 'string', minLength: 1, maxLength: MAX_NAME_CHARS, error: 'KCHTMPL0011E' },
  memory,
  disks: { type: 'array', items: disk, minItems: 1, maxItems: 64, uniqueItems: true, error: 'KCHTMPL0033E' },
  networks: { type: 'array', items: { type: 'string', maxLength: MAX_NAME_CHARS }, maxItems: MAX_LIST_ITEMS, error: 'KCHTMPL0017E' },
  interfaces: { type: 'array', items: templateInterface, maxItems: MAX_LIST_ITEMS, error: 'KCHTMPL0037E' },
  folder: { type: 'array', items: { type: 'string', maxLength: MAX_NAME_CHARS }, maxItems: 64 },
  graphics: {
    type: 'object',
    additionalProperties: false,
    properties: { type: { type: 'string', enum: ['spice', 'vnc'] }, listen: { type: 'string', maxLength: 64 } },
  },
  cpu_info: cpuInfo,
  console: { type: 'string', enum: ['sclp', 'virtio'], error: 'KCHTMPL0044E' },
} as const satisfies Record<string, Schema>

export const TEMPLATES_CREATE: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHAPI0001E',
  properties: {
    ...templateFields,
    source_media: {
      type: 'object',
      required: true,
      additionalProperties: false,
      error: 'KCHTMPL0016E',
      properties: {
        type: { type: 'string', enum: ['disk', 'netboot'], required: true, error: 'KCHTMPL0016E' },
        path: { type: 'string', maxLength: 4096, pattern: mediaPath, error: 'KCHTMPL0014E' },
      },
    },
  },
}

export const TEMPLATE_UPDATE: Schema = {
  type: 'object',
  additionalProperties: false,
  error: 'KCHAPI0001E',
  properties: { ...templateFields, cdrom: { type: 'string', maxLength: 4096, pattern: mediaPath, error: 'KCHTMPL0014E' } },
}

export const VMS_CREATE: Schema = {
  type: 'object',
  error: 'KCHVM0016E',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: MAX_NAME_CHARS, pattern: /^[^/]*$/, error: 'KCHVM0011E' },
    title: { type: 'string', maxLength: MAX_NAME_CHARS, error: 'KCHVM0085E' },
    description: { type: 'string', maxLength: 4096, error: 'KCHVM0086E' },
    template: { type: 'string', maxLength: 1024, pattern: /^\/plugins\/kimchi\/templates\/[^/]+\/?$/, required: true, error: 'KCHVM0012E' },
  },
}
