/**
 * dummy: `ip link add NAME type dummy`.
 * @module
 */
import type { LinkKind } from './kind.js'

export const dummyKind: LinkKind = {
  type: 'dummy',
  create: () => ({ args: [] }),
  probe: 'link add name hnc-dummy type dummy',
}
