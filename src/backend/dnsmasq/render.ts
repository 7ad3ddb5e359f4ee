/**
 * A network's dnsmasq configuration, exactly as libvirt 9.9.0 writes it (networkDnsmasqConfContents): the
 * config file, the `--dhcp-hostsfile` and the `--addn-hosts` file. Pure: no file is read or written here.
 *
 * Line order: header and `strict-order`; `port=0` (DNS off); forwarders (`server=`, `no-resolv`); the domain;
 * PTR zones; `domain-needed`/`local=//`; `pid-file=`; `except-interface=lo`, `bind-dynamic`, `interface=`;
 * isolated-network lines; TXT and SRV records; TFTP; the IPv4 then the IPv6 DHCP section; `dhcp-lease-max=`;
 * `dhcp-hostsfile=`; `addn-hosts=`; the MTU option; router advertisements; `<dnsmasq:options>`.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { forwardCapabilities } from '../../model/network/capabilities.js'
import { networkObject } from '../../model/network/network-def.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { ifNameProblem } from '../../model/values/ifname.js'
import { DEFAULT_DNSMASQ_VERSION, requireDnsmasqVersion } from './caps.js'
import { dhcpSection, raLines, tftpLines } from './conf-dhcp.js'
import { domainLines, forwarderLines, localPtrLines, plainNameLines, recordLines, renderAddnHosts, wantDns } from './conf-dns.js'
import { dhcpHostLines, selectDhcpIps } from './dhcp.js'
import { dnsmasqPaths } from './names.js'
import { lineSafe } from './text.js'

export { renderAddnHosts }

export interface DnsmasqConfContext {
  /** Directory of the hosts files (libvirt's dnsmasq state dir: `/var/lib/libvirt/dnsmasq`). */
  readonly configDir: string
  /** The network's bridge device (`interface=`), as the driver assigned it. */
  readonly bridgeName: string
  /** dnsmasq version the configuration is for (DEFAULT_DNSMASQ_VERSION when absent); at least 2.67. */
  readonly dnsmasqVersion?: string
  /** `pid-file=`: libvirt passes one when it starts dnsmasq (the conformance cases pass none). */
  readonly pidFile?: string
}

/** The three files of a network's dnsmasq instance and where the configuration says the hosts files are. */
export interface DnsmasqFiles {
  readonly conf: string
  /** Undefined when libvirt writes no hosts text (no static DHCP host); the file itself is then empty. */
  readonly hostsfile: string | undefined
  readonly addnhosts: string
  readonly hostsfilePath: string
  readonly addnhostsPath: string
}

const HEADER = (name: string): string =>
  '##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n' +
  '##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n' +
  `##    virsh net-edit ${name}\n` +
  '## or other application using the libvirt API.\n' +
  '##\n' +
  '## dnsmasq conf file created by libvirt\n'

/** A path written into the configuration: one line, and nothing dnsmasq's parser would take as a quote or comment. */
function confPath(def: NetworkDef, field: string, path: string): string {
  lineSafe(def, field, path)
  if (path.includes('"') || /\s#/.test(path)) {
    const why = `dnsmasq would read '"' or ' #' in it as syntax`
    throw new ValidationError(`invalid ${field} '${path}' for network '${def.name}': ${why}`, {
      value: path,
      object: networkObject(def.name),
    })
  }
  return path
}

function checkContext(def: NetworkDef, ctx: DnsmasqConfContext): void {
  requireDnsmasqVersion(ctx.dnsmasqVersion ?? DEFAULT_DNSMASQ_VERSION)
  if (!forwardCapabilities(def.forward.mode).l3) {
    throw new HostnetError('not-supported', `network '${def.name}' with forward mode '${def.forward.mode}' runs no dnsmasq`, {
      details: { object: networkObject(def.name) },
    })
  }
  const problem = ifNameProblem(ctx.bridgeName) ?? (/["#]/.test(ctx.bridgeName) ? "contains '\"' or '#'" : undefined)
  if (problem !== undefined) {
    throw new ValidationError(`invalid bridge name '${ctx.bridgeName}' for network '${def.name}': ${problem}`, {
      path: '/network/bridge/@name',
      value: ctx.bridgeName,
      object: networkObject(def.name),
    })
  }
}

/** Render all three files (the configuration's paths use `ctx.configDir`). */
export function renderDnsmasqFiles(def: NetworkDef, ctx: DnsmasqConfContext): DnsmasqFiles {
  checkContext(def, ctx)
  const paths = dnsmasqPaths(confPath(def, 'dnsmasq config directory', ctx.configDir), def.name)
  const dns = wantDns(def)
  const ips = selectDhcpIps(def)
  const lines: string[] = [
    ...(dns ? [] : ['port=0']),
    ...forwarderLines(def),
    ...domainLines(def),
    ...localPtrLines(def),
    ...plainNameLines(def),
    ...(ctx.pidFile === undefined ? [] : [`pid-file=${confPath(def, 'pid file', ctx.pidFile)}`]),
    'except-interface=lo',
    'bind-dynamic',
    `interface=${ctx.bridgeName}`,
    // isolated: no default route, no upstream DNS, and a zero router lifetime in RAs (interface *, interval 0)
    ...(def.forward.mode === 'none' ? ['dhcp-option=3', 'no-resolv', 'ra-param=*,0,0'] : []),
    ...recordLines(def),
    ...tftpLines(def),
  ]
  let leaseCount = 0
  for (const ip of [ips.v4, ips.v6]) {
    if (ip === undefined) continue
    const section = dhcpSection(def, ip, ctx.bridgeName)
    lines.push(...section.lines)
    leaseCount += section.leaseCount
  }
  if (leaseCount > 0) lines.push(`dhcp-lease-max=${leaseCount}`)
  if (ips.v4 !== undefined || ips.v6 !== undefined) lines.push(`dhcp-hostsfile=${paths.hostsfile}`)
  if (dns) lines.push(`addn-hosts=${paths.addnhosts}`)
  if (def.mtu !== undefined && def.mtu > 0) lines.push(`dhcp-option=option:mtu,${def.mtu}`)
  lines.push(...raLines(def, ips))
  ;(def.dnsmasqOptions ?? []).forEach((opt, i) => {
    lines.push(lineSafe(def, 'dnsmasq option', opt, `/network/dnsmasq:options/dnsmasq:option[${i + 1}]/@value`))
  })
  const hostLines = dhcpHostLines(def, ips)
  return {
    conf: HEADER(def.name) + 'strict-order\n' + lines.map((l) => `${l}\n`).join(''),
    hostsfile: hostLines.length === 0 ? undefined : hostLines.map((l) => `${l}\n`).join(''),
    addnhosts: renderAddnHosts(def),
    hostsfilePath: paths.hostsfile,
    addnhostsPath: paths.addnhosts,
  }
}

/** The dnsmasq configuration file text, as libvirt writes it. */
export function renderDnsmasqConf(def: NetworkDef, ctx: DnsmasqConfContext): string {
  return renderDnsmasqFiles(def, ctx).conf
}

/** The `--dhcp-hostsfile` text, or undefined when libvirt writes none (no static DHCP host with an address). */
export function renderHostsFile(def: NetworkDef): string | undefined {
  const lines = dhcpHostLines(def, selectDhcpIps(def))
  return lines.length === 0 ? undefined : lines.map((l) => `${l}\n`).join('')
}
