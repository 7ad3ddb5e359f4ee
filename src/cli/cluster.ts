/**
 * `hostnet agent` (the cluster agent of one host) and `hostnet cluster ...` (the admin's verbs): hosts, logical
 * networks, host-interface documents, and every host's convergence, over the cluster's etcd. The etcd client and
 * the agent are imported only by these verbs.
 * @module
 */
import type { Command } from 'commander'
import { HostnetError, ValidationError, cut } from '../errors.js'
import { parseLabel, checkClusterName, type HostRecord, type HostStatus, type Labels } from '../model/cluster/records.js'
import type { ClusterState, NetworkInput } from '../store/etcd/index.js'
import { clusterStatus } from '../service/cluster/status.js'
import { addTargetOptions, readInput, resolveTarget } from './common.js'
import { addEtcdOptions, etcdOptions, type EtcdFlags } from './etcd-flags.js'
import { printJson, table } from './output.js'

async function withCluster<T>(flags: EtcdFlags, fn: (c: ClusterState) => Promise<T>): Promise<T> {
  const { EtcdClient, ClusterState } = await import('../store/etcd/index.js')
  const etcd = new EtcdClient(etcdOptions(flags))
  try {
    return await fn(new ClusterState(etcd, flags.prefix))
  } finally {
    etcd.close()
  }
}

function labelsOf(list: readonly string[] | undefined): Labels {
  const out: Record<string, string> = {}
  for (const l of list ?? []) {
    const [k, v] = parseLabel(l)
    out[k] = v
  }
  return out
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v]

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d{1,9}$/.test(v)) throw new ValidationError(`invalid ${flag} '${cut(v)}': expected a whole number`, { path: flag, value: v })
  return Number(v)
}

interface AgentFlags extends EtcdFlags {
  hostId?: string
  netns?: string
  host?: boolean
  stateDir?: string
  leaseTtl?: string
}

async function runAgent(flags: AgentFlags): Promise<void> {
  const hostId = checkClusterName(flags.hostId, 'host id', '--host-id')
  const target = resolveTarget(flags)
  const opts = etcdOptions(flags)
  const [{ EtcdClient, ClusterState }, { ClusterAgent }, { withRuntime, logLine }] = await Promise.all([
    import('../store/etcd/index.js'),
    import('../service/cluster/agent.js'),
    import('../service/runtime.js'),
  ])
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  const etcd = new EtcdClient(opts)
  try {
    await withRuntime({ stateDir: flags.stateDir }, async (rt) => {
      const ttl = intFlag(flags.leaseTtl, '--lease-ttl')
      const agent = new ClusterAgent({ hostId, target, rt, cluster: new ClusterState(etcd, flags.prefix), log: (l) => logLine(`agent ${hostId}: ${l}`), ...(ttl === undefined ? {} : { leaseTtlSec: ttl }) })
      await agent.run(ac.signal, (r) => {
        const f = r.status.failures
        logLine(`agent ${hostId}: revision ${r.revision} ${r.status.state}${f.length === 0 ? '' : `: ${f.map((x) => `${x.object}${x.path === undefined ? '' : ` (${x.path})`}: ${x.message}`).join('; ')}`}`)
      })
    })
  } finally {
    process.removeListener('SIGTERM', stop)
    process.removeListener('SIGINT', stop)
    etcd.close()
  }
}

function statusText(hosts: Map<string, HostRecord>, statuses: Map<string, HostStatus>, alive: Set<string>, revision: number): string {
  const rows = [['Host', 'Address', 'Labels', 'Agent', 'Revision', 'State', 'Networks', 'Failures']]
  for (const [id, h] of [...hosts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = statuses.get(id)
    const labels = Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-'
    const state = s === undefined ? 'unknown' : s.revision < revision ? `behind` : s.state
    const failures = s === undefined ? '' : s.failures.map((f) => `${f.object}${f.path === undefined ? '' : ` (${f.path})`}: ${cut(f.message, 120)}`).join('; ')
    rows.push([id, h.address, labels, alive.has(id) ? 'alive' : 'down', s === undefined ? '-' : String(s.revision), state, s === undefined ? '-' : s.networks.join(',') || '-', failures])
  }
  return table(rows)
}

export function registerClusterCommands(program: Command): void {
  const agent = program
    .command('agent')
    .description("run this host's cluster agent: apply the cluster's logical networks and documents from etcd, report status (stops on SIGTERM)")
    .requiredOption('--host-id <id>', "this host's id in the cluster")
    .option('--lease-ttl <sec>', 'liveness lease of the agent in etcd (default 10)')
  addTargetOptions(addEtcdOptions(agent), { json: false }).action(runAgent)

  const cluster = program.command('cluster').description('the cluster in etcd: hosts, logical networks, host documents, convergence')

  const hostAdd = cluster
    .command('host-add <id>')
    .description('register a host (or replace its record): underlay address, labels, physical networks')
    .requiredOption('--address <ip>', 'underlay address (VXLAN tunnel end)')
    .option('--label <key=value>', 'a label (repeatable)', collect)
    .option('--underlay-iface <name>', 'the interface carrying the underlay')
    .option('--underlay-mtu <bytes>', 'MTU of the underlay (default 1500)')
    .option('--physical <name=iface>', "a physical network's interface on this host (repeatable)", collect)
  addEtcdOptions(hostAdd).action(async (id: string, f: EtcdFlags & { address: string; label?: string[]; underlayIface?: string; underlayMtu?: string; physical?: string[] }) => {
    const physical: Record<string, string> = {}
    for (const p of f.physical ?? []) {
      const eq = p.indexOf('=')
      if (eq <= 0) throw new ValidationError(`invalid --physical '${cut(p)}': expected NAME=IFACE`, { path: '--physical', value: p })
      physical[p.slice(0, eq)] = p.slice(eq + 1)
    }
    const mtu = intFlag(f.underlayMtu, '--underlay-mtu')
    const rec: HostRecord = {
      id,
      address: f.address,
      labels: labelsOf(f.label),
      ...(f.underlayIface === undefined ? {} : { underlayIface: f.underlayIface }),
      ...(mtu === undefined ? {} : { underlayMtu: mtu }),
      ...(Object.keys(physical).length > 0 ? { physical } : {}),
    }
    await withCluster(f, async (c) => {
      const revision = await c.putHost(rec)
      process.stdout.write(`host '${id}' registered (revision ${revision})\n`)
    })
  })

  const hostRemove = cluster.command('host-remove <id>').description('remove a host from the cluster (its agent then removes what it made)')
  addEtcdOptions(hostRemove).action(async (id: string, f: EtcdFlags) =>
    withCluster(f, async (c) => {
      if ((await c.removeHost(checkClusterName(id, 'host id', '<id>'))) === undefined) throw new HostnetError('not-found', `no host '${id}' in the cluster`)
      process.stdout.write(`host '${id}' removed\n`)
    }),
  )

  for (const [verb, desc] of [
    ['host-list', 'hosts with their labels, liveness and convergence'],
    ['status', "every host's convergence to the current configuration"],
  ] as const) {
    const cmd = cluster.command(verb).description(desc).option('--json', 'print machine-readable JSON')
    addEtcdOptions(cmd).action(async (f: EtcdFlags) =>
      withCluster(f, async (c) => {
        const view = await clusterStatus(c)
        if (f.json === true) return printJson(view)
        const hosts = new Map(view.hosts.map((h) => [h.id, { id: h.id, address: h.address, labels: h.labels }]))
        const statuses = new Map(view.hosts.flatMap((h) => (h.status === null ? [] : [[h.id, h.status] as const])))
        process.stdout.write(statusText(hosts, statuses, new Set(view.hosts.filter((h) => h.alive).map((h) => h.id)), view.revision))
        if (verb === 'status') process.stdout.write(`revision ${view.revision}: ${view.hosts.filter((h) => h.converged).length}/${view.hosts.length} hosts converged\n`)
      }),
    )
  }

  const netDefine = cluster
    .command('net-define <name>')
    .description('define (or change) a logical network: a VXLAN segment (VNI allocated unless given) or a VLAN on a physical network')
    .option('--vni <n>', 'VXLAN network identifier (default: the lowest free from 10000)')
    .option('--vlan <id>', 'a VLAN on --physical instead of VXLAN')
    .option('--physical <name>', 'the physical network carrying --vlan')
    .option('--bridge <name>', 'the local bridge on each host (default vbr<VNI> or vbr<VLAN>)')
    .option('--mtu <bytes>', 'overlay MTU (default: the smallest member underlay MTU minus the VXLAN overhead)')
    .option('--hosts <key=value>', 'only hosts with this label (repeatable; default every host)', collect)
    .option('--json', 'print machine-readable JSON')
  addEtcdOptions(netDefine).action(async (name: string, f: EtcdFlags & { vni?: string; vlan?: string; physical?: string; bridge?: string; mtu?: string; hosts?: string[] }) => {
    const vni = intFlag(f.vni, '--vni')
    const vlan = intFlag(f.vlan, '--vlan')
    if (vlan !== undefined && vni !== undefined) throw new ValidationError('give --vni or --vlan, not both', { path: '--vlan' })
    if (vlan !== undefined && f.physical === undefined) throw new ValidationError('--vlan needs --physical NAME', { path: '--physical' })
    const mtu = intFlag(f.mtu, '--mtu')
    const input: NetworkInput = {
      name: checkClusterName(name, 'logical network name', '<name>'),
      segment: vlan !== undefined ? { kind: 'vlan', physical: f.physical!, vlanId: vlan } : { kind: 'vxlan', ...(vni === undefined ? {} : { vni }) },
      ...(f.bridge === undefined ? {} : { bridge: f.bridge }),
      ...(mtu === undefined ? {} : { mtu }),
      hosts: labelsOf(f.hosts),
    }
    await withCluster(f, async (c) => {
      const r = await c.defineNetwork(input)
      if (f.json === true) printJson(r)
      else process.stdout.write(`logical network '${name}' defined (${r.network.segment.kind === 'vxlan' ? `VNI ${r.network.segment.vni}` : `VLAN ${r.network.segment.vlanId}`}, bridge ${r.network.bridge}, revision ${r.revision})\n`)
    })
  })

  const netUndefine = cluster.command('net-undefine <name>').description('remove a logical network from every host')
  addEtcdOptions(netUndefine).action(async (name: string, f: EtcdFlags) =>
    withCluster(f, async (c) => {
      if ((await c.undefineNetwork(name)) === undefined) throw new HostnetError('not-found', `no logical network '${name}'`)
      process.stdout.write(`logical network '${name}' undefined\n`)
    }),
  )

  const netList = cluster.command('net-list').description('logical networks').option('--json', 'print machine-readable JSON')
  addEtcdOptions(netList).action(async (f: EtcdFlags) =>
    withCluster(f, async (c) => {
      const snap = await c.read()
      const nets = [...snap.networks.values()]
      if (f.json === true) return printJson(nets)
      const seg = (n: (typeof nets)[number]): string => (n.segment.kind === 'vxlan' ? `vxlan ${n.segment.vni}` : `vlan ${n.segment.vlanId} on ${n.segment.physical}`)
      process.stdout.write(table([['Name', 'Segment', 'Bridge', 'Hosts'], ...nets.map((n) => [n.name, seg(n), n.bridge, Object.entries(n.hosts).map(([k, v]) => `${k}=${v}`).join(',') || 'all'])]))
    }),
  )

  const docDefine = cluster
    .command('doc-define <name> <file>')
    .description('a host-interface document (YAML or JSON, as hostnet apply takes) for one host or for every host with a label')
    .option('--host <id>', 'for this host')
    .option('--label <key=value>', 'for every host with this label (repeatable: all of them)', collect)
    .option('--format <format>', 'yaml or json (default: from the file name, else yaml)')
  addEtcdOptions(docDefine).action(async (name: string, file: string, f: EtcdFlags & { host?: string; label?: string[]; format?: string }) => {
    const text = await readInput(file)
    const format = f.format === 'json' || (f.format === undefined && file.endsWith('.json')) ? 'json' : f.format === undefined || f.format === 'yaml' ? 'yaml' : undefined
    if (format === undefined) throw new ValidationError(`invalid --format '${cut(f.format)}': expected yaml or json`, { path: '--format' })
    // Checked here as each agent will (a document that does not parse is refused before it is stored).
    const { parseDocument } = await import('../service/host.js')
    parseDocument({ text, format })
    await withCluster(f, async (c) => {
      const revision = await c.putDocument({ name, format, text, ...(f.host === undefined ? {} : { host: f.host }), ...(f.label === undefined ? {} : { labels: labelsOf(f.label) }) })
      process.stdout.write(`document '${name}' defined (revision ${revision})\n`)
    })
  })

  const docUndefine = cluster.command('doc-undefine <name>').description('remove a host document (hosts keep what it applied)')
  addEtcdOptions(docUndefine).action(async (name: string, f: EtcdFlags) =>
    withCluster(f, async (c) => {
      if ((await c.deleteDocument(name)) === undefined) throw new HostnetError('not-found', `no document '${name}'`)
      process.stdout.write(`document '${name}' undefined\n`)
    }),
  )
}
