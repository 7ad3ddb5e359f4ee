/**
 * `<portgroup name default? trustGuestRxFilters?>` with virtualport (type optional), bandwidth (no floor) and
 * vlan (libvirt's virNetworkPortGroupParseXML / virPortGroupDefFormat: never self-closed).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import type { PortGroup } from '../../../model/network/portgroup.js'
import { formatBandwidth, parseBandwidth } from '../netdev/bandwidth.js'
import { childCtx, fail, firstElement, propYesNo, xpathProp, yesNo } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { formatVirtualPort, parseVirtualPort } from '../netdev/virtualport.js'
import { formatVlan, parseVlan } from '../netdev/vlan.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export function parsePortGroup(node: XmlElement, ctx: ParseContext): PortGroup {
  const name = xpathProp(node, 'name')
  if (name === undefined) fail(ctx, 'Missing required name attribute in portgroup', { attr: 'name' })
  const pg: Mutable<PortGroup> = { name }
  if (xpathProp(node, 'default')?.toLowerCase() === 'yes') pg.isDefault = true
  const trust = propYesNo(node, 'trustGuestRxFilters', ctx)
  if (trust !== undefined) pg.trustGuestRxFilters = trust
  const vp = firstElement(node, 'virtualport')
  if (vp !== undefined) pg.virtualPort = parseVirtualPort(vp, {}, childCtx(ctx, 'virtualport'))
  const bw = firstElement(node, 'bandwidth')
  if (bw !== undefined) {
    const { bandwidth } = parseBandwidth(bw, {}, childCtx(ctx, 'bandwidth'))
    if (bandwidth !== undefined) pg.bandwidth = bandwidth
  }
  const vlan = firstElement(node, 'vlan')
  if (vlan !== undefined) pg.vlan = parseVlan(vlan, childCtx(ctx, 'vlan'))
  return pg
}

export function formatPortGroup(pg: PortGroup): OutElement {
  return el(
    'portgroup',
    [
      ['name', pg.name],
      ['default', pg.isDefault ? 'yes' : undefined],
      ['trustGuestRxFilters', yesNo(pg.trustGuestRxFilters)],
    ],
    [formatVlan(pg.vlan), formatVirtualPort(pg.virtualPort), formatBandwidth(pg.bandwidth)],
    { neverSelfClose: true },
  )
}
