/** `hostnet xml normalize`: print the canonical libvirt form of a document, or its error (exit 2). */
import type { Command } from 'commander'
import { ValidationError } from '../errors.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../codec/libvirt-xml/domain-interface.js'
import { formatInterfaceXml, parseInterfaceXml } from '../codec/libvirt-xml/interface.js'
import { formatNetworkXml, parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import { formatNetworkPortXml, parseNetworkPortXml } from '../codec/libvirt-xml/networkport.js'
import { readInput } from './common.js'
import { printJson } from './output.js'

export const XML_KINDS = ['network', 'networkport', 'interface', 'domain-interface'] as const
export type XmlKind = (typeof XML_KINDS)[number]

export function normalizeXml(kind: XmlKind, xml: string, opts: { inactive?: boolean } = {}): string {
  switch (kind) {
    case 'network':
      return formatNetworkXml(parseNetworkXml(xml), { inactive: opts.inactive ?? false })
    case 'networkport':
      return formatNetworkPortXml(parseNetworkPortXml(xml))
    case 'interface':
      return formatInterfaceXml(parseInterfaceXml(xml))
    case 'domain-interface':
      return opts.inactive === true
        ? formatDomainInterfaceXml(parseDomainInterfaceXml(xml, { inactive: true }), { inactive: true })
        : formatDomainInterfaceXml(parseDomainInterfaceXml(xml))
  }
}

export function registerXmlCommands(program: Command): void {
  const xml = program.command('xml').description('libvirt XML tools')
  xml
    .command('normalize')
    .description('parse a libvirt XML document and print its canonical form (exit status 2 if invalid)')
    .requiredOption('--kind <kind>', `document kind: ${XML_KINDS.join('|')}`)
    .option('--inactive', 'format as inactive XML (network: VIR_NETWORK_XML_INACTIVE, no connections or PF-generated pool; domain-interface: configuration only, no <actual> or portid)')
    .option('--json', 'print {"xml": ...} as JSON')
    .argument('<file>', 'XML file, or - for standard input')
    .action(async (file: string, opts: { kind: string; inactive?: boolean; json?: boolean }) => {
      if (!(XML_KINDS as readonly string[]).includes(opts.kind)) {
        throw new ValidationError(`unknown --kind '${opts.kind}': expected one of ${XML_KINDS.join(', ')}`)
      }
      const text = await readInput(file)
      const out = normalizeXml(opts.kind as XmlKind, text, { inactive: opts.inactive ?? false })
      if (opts.json) printJson({ kind: opts.kind, xml: out })
      else process.stdout.write(out)
    })
}
