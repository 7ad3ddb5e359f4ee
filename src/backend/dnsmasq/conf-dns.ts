/**
 * The DNS parts of a network's dnsmasq configuration (libvirt's networkDnsmasqConfContents): forwarders, the
 * local domain, PTR zones, plain-name handling, TXT and SRV records, and the `--addn-hosts` file.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import type { DnsSrv } from '../../model/network/dns.js'
import { networkIpPrefix } from '../../model/network/ip.js'
import { networkObject } from '../../model/network/network-def.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { formatIp } from '../../model/values/ip.js'
import { ptrDomain } from './ptr.js'
import { hasControlChar, lineSafe } from './text.js'

/** DNS is on unless `<dns enable='no'>`. */
export function wantDns(def: NetworkDef): boolean {
  return def.dns?.enable !== false
}

/** `server=` lines, then `no-resolv` when some forwarder takes every query (an address without a domain). */
export function forwarderLines(def: NetworkDef): string[] {
  const fwds = def.dns?.forwarders ?? []
  if (!wantDns(def) || fwds.length === 0) return []
  const out: string[] = []
  let noResolv = false
  fwds.forEach((fwd, i) => {
    const path = `/network/dns/forwarder[${i + 1}]/@domain`
    const domain = fwd.domain === undefined ? '' : `/${lineSafe(def, 'DNS forwarder domain', fwd.domain, path)}/`
    if (fwd.addr !== undefined) {
      out.push(`server=${domain}${formatIp(fwd.addr)}`)
      if (fwd.domain === undefined) noResolv = true
    } else {
      out.push(`server=${domain}#`) // resolve this domain locally only
    }
  })
  if (noResolv) out.push('no-resolv')
  return out
}

/** `local=/name/` (localOnly), `domain=`, `expand-hosts`: printed whether or not DNS is on, as libvirt does. */
export function domainLines(def: NetworkDef): string[] {
  if (def.domain === undefined) return []
  const name = lineSafe(def, 'domain name', def.domain.name, '/network/domain/@name')
  const local = def.domain.localOnly === true ? [`local=/${name}/`] : []
  return [...local, `domain=${name}`, 'expand-hosts']
}

/** `local=/<zone>/` for every `<ip localPtr='yes'>`; an error when the prefix cannot form a PTR zone. */
export function localPtrLines(def: NetworkDef): string[] {
  if (!wantDns(def)) return []
  const out: string[] = []
  def.ips.forEach((ip, i) => {
    if (ip.localPtr !== true) return
    const prefix = networkIpPrefix(ip) ?? 0
    const zone = ptrDomain(ip.address, prefix)
    if (zone === undefined) {
      const fam = ip.address.family === 'ipv4' ? 'IPv4' : 'IPv6'
      throw new HostnetError(
        'not-supported',
        `PTR domain for ${fam} network with prefix ${prefix} cannot be automatically created (network '${def.name}')`,
        { details: { path: `/network/ip[${i + 1}]/@localPtr`, object: networkObject(def.name) } },
      )
    }
    out.push(`local=/${zone}/`)
  })
  return out
}

/** `forwardPlainNames='no'`: never forward names without a dot. */
export function plainNameLines(def: NetworkDef): string[] {
  return wantDns(def) && def.dns?.forwardPlainNames === false ? ['domain-needed', 'local=//'] : []
}

function srvLine(def: NetworkDef, srv: DnsSrv, i: number): string {
  const path = `/network/dns/srv[${i + 1}]`
  const service = lineSafe(def, 'SRV service', srv.service, `${path}/@service`)
  const protocol = lineSafe(def, 'SRV protocol', srv.protocol, `${path}/@protocol`)
  let line = `srv-host=_${service}._${protocol}`
  if (srv.domain !== undefined) line += `.${lineSafe(def, 'SRV domain', srv.domain, `${path}/@domain`)}`
  // no target, or ".": the service is decidedly not available, and port/priority/weight mean nothing
  if (srv.target === undefined || srv.target === '.') return line
  line += `,${lineSafe(def, 'SRV target', srv.target, `${path}/@target`)}`
  const port = srv.port ?? 0
  const priority = srv.priority ?? 0
  const weight = srv.weight ?? 0
  // positional fields: a later one given forces the earlier ones out (port defaults to 1, as dnsmasq's does)
  if (port !== 0 || priority !== 0 || weight !== 0) line += `,${port !== 0 ? port : 1}`
  if (priority !== 0 || weight !== 0) line += `,${priority}`
  if (weight !== 0) line += `,${weight}`
  return line
}

/** `txt-record=` and `srv-host=` lines (DNS on only). */
export function recordLines(def: NetworkDef): string[] {
  if (!wantDns(def) || def.dns === undefined) return []
  const txts = def.dns.txts.map((t, i) => {
    const path = `/network/dns/txt[${i + 1}]`
    const name = lineSafe(def, 'TXT record name', t.name, `${path}/@name`)
    return `txt-record=${name},${lineSafe(def, 'TXT record value', t.value, `${path}/@value`)}`
  })
  return [...txts, ...def.dns.srvs.map((s, i) => srvLine(def, s, i))]
}

/**
 * The `--addn-hosts` file (libvirt's addnhostsWrite): one line per address, `ip<TAB>name<TAB>…` with a tab after
 * every name; `<host>` elements with the same address share a line, in order of first appearance. Empty when
 * there are no DNS hosts (libvirt writes the file anyway, for runtime additions).
 */
export function renderAddnHosts(def: NetworkDef): string {
  const byIp = new Map<string, string[]>()
  def.dns?.hosts.forEach((host, i) => {
    host.hostnames.forEach((n, j) => {
      const ip = formatIp(host.ip)
      byIp.set(ip, [...(byIp.get(ip) ?? []), hostsFileName(def, n, `/network/dns/host[${i + 1}]/hostname[${j + 1}]`)])
    })
  })
  let out = ''
  for (const [ip, names] of byIp) out += `${ip}\t${names.map((n) => `${n}\t`).join('')}\n`
  return out
}

/** A name for the hosts file: whitespace would split it into two entries, so it is refused like a control char. */
function hostsFileName(def: NetworkDef, name: string, path: string): string {
  if (/\s/.test(name) && !hasControlChar(name)) {
    throw new ValidationError(`invalid DNS host name '${name}' in network '${def.name}': it contains whitespace`, {
      path,
      value: name,
      object: networkObject(def.name),
    })
  }
  return lineSafe(def, 'DNS host name', name, path)
}
