/**
 * `<vlan [trunk='yes']><tag id='N' [nativeMode='tagged|untagged']/>…</vlan>` parse/format (libvirt's
 * netdev_vlan_conf.c). Same syntax in network, portgroup, networkport, domain interface and `<actual>`.
 * ```ts
 * const vlan = parseVlan(el, { path: '/network/vlan', object: "network 'x'" })
 * formatVlan(vlan) // OutElement | undefined
 * ```
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { VLAN_TAG_MAX, vlanIsSet } from '../../../model/netdev/vlan.js'
import type { NativeVlanMode, Vlan } from '../../../model/netdev/vlan.js'
import { childCtx, elements, fail, parseCUnsigned, xpathProp } from './props.js'
import type { ParseContext } from './props.js'

export function parseVlan(node: XmlElement, ctx: ParseContext): Vlan {
  const tagNodes = elements(node, 'tag')
  if (tagNodes.length === 0) {
    fail(ctx, "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement")
  }
  const tags: number[] = []
  let nativeMode: NativeVlanMode | undefined
  let nativeTag: number | undefined
  tagNodes.forEach((tag, i) => {
    const tctx = childCtx(ctx, 'tag', i + 1)
    const idText = xpathProp(tag, 'id')
    const id = idText === undefined ? undefined : parseCUnsigned(idText, 10, Number.MAX_SAFE_INTEGER)
    if (id === undefined) fail(tctx, 'missing or invalid vlan tag id attribute', { attr: 'id', value: idText })
    if (id > VLAN_TAG_MAX) {
      fail(tctx, `vlan tag id ${id} too large (maximum ${VLAN_TAG_MAX})`, { attr: 'id', value: idText })
    }
    const mode = xpathProp(tag, 'nativeMode')
    if (mode !== undefined) {
      if (nativeMode !== undefined) fail(tctx, 'duplicate native vlan setting', { attr: 'nativeMode', value: mode })
      if (mode !== 'tagged' && mode !== 'untagged') {
        fail(tctx, `Invalid "nativeMode='${mode}'" in vlan <tag> element`, { attr: 'nativeMode', value: mode })
      }
      nativeMode = mode
      nativeTag = id
    }
    tags.push(id)
  })
  let trunk = tags.length > 1
  const trunkText = xpathProp(node, 'trunk')
  if (trunkText !== undefined) {
    trunk = trunkText.toLowerCase() === 'yes'
    if (!trunk) {
      if (tags.length > 1) {
        fail(ctx, `invalid "trunk='${trunkText}'" in <vlan> - trunk='yes' is required for more than one vlan tag`, {
          attr: 'trunk',
          value: trunkText,
        })
      }
      if (nativeMode !== undefined) {
        fail(ctx, `invalid configuration in <vlan> - "trunk='no'" is not allowed with a native vlan id`, {
          attr: 'trunk',
          value: trunkText,
        })
      }
      // trunk='no' with a single tag is accepted and discarded
      if (trunkText.toLowerCase() !== 'no') {
        fail(ctx, `invalid "trunk='${trunkText}'" in <vlan> - must be yes or no`, { attr: 'trunk', value: trunkText })
      }
    }
  }
  const vlan: { -readonly [K in keyof Vlan]: Vlan[K] } = { tags, trunk }
  if (nativeMode !== undefined && nativeTag !== undefined) {
    vlan.nativeMode = nativeMode
    vlan.nativeTag = nativeTag
  }
  return vlan
}

/** libvirt prints nativeMode on every tag whose id equals the native tag id. */
export function formatVlan(vlan: Vlan | undefined): OutElement | undefined {
  if (!vlanIsSet(vlan)) return undefined
  return el(
    'vlan',
    [['trunk', vlan.trunk ? 'yes' : undefined]],
    vlan.tags.map((id) =>
      el('tag', [
        ['id', id],
        ['nativeMode', vlan.nativeMode !== undefined && vlan.nativeTag === id ? vlan.nativeMode : undefined],
      ]),
    ),
  )
}
