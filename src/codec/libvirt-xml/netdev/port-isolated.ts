/**
 * `<port isolated='yes|no'/>` (libvirt's virNetworkPortOptionsParseXML / Format), used by network,
 * networkport and domain interface. `parsePortIsolated(parent, ctx)` reads the first `<port>` child of `parent`.
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { childCtx, firstElement, propYesNo, yesNo } from './props.js'
import type { ParseContext } from './props.js'

/** The `isolated` value of the first `<port>` child of `parent`; undefined when absent. */
export function parsePortIsolated(parent: XmlElement, ctx: ParseContext): boolean | undefined {
  const port = firstElement(parent, 'port')
  return port === undefined ? undefined : propYesNo(port, 'isolated', childCtx(ctx, 'port'))
}

export function formatPortIsolated(isolated: boolean | undefined): OutElement | undefined {
  return isolated === undefined ? undefined : el('port', [['isolated', yesNo(isolated)]])
}
