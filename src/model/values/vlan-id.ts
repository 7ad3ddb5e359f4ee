/**
 * VLAN ids. Host 802.1Q sub-interfaces use 1..4094; libvirt `<vlan><tag id>` accepts 0..4095.
 * @module
 */
import { ValidationError } from '../../errors.js'

export type VlanId = number & { readonly __brand: 'VlanId' }

export const VLAN_ID_MIN = 1
export const VLAN_ID_MAX = 4094

export function parseVlanId(v: unknown, what = 'VLAN id', path?: string): VlanId {
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < VLAN_ID_MIN || n > VLAN_ID_MAX) {
    throw new ValidationError(`invalid ${what} ${JSON.stringify(v)}: must be an integer in ${VLAN_ID_MIN}..${VLAN_ID_MAX}`, {
      value: v,
      ...(path ? { path } : {}),
    })
  }
  return n as VlanId
}
