/**
 * lldpad's configuration file (libconfig syntax) for a private lldpad (pure): LLDP on each listed interface for
 * the nearest customer bridge agent, with the ratified 802.1Qbg EVB TLV (OUI 00-80-C2, subtype 0x0d: lldpad's
 * `tlvid0080c20d`) in the station or the bridge role. The role is in the file before lldpad starts: lldpad
 * reads the bridge role only then. Interface names are checked (they become libconfig keys).
 * @module
 */
import { ValidationError } from '../../errors.js'

export type EvbRole = 'station' | 'bridge'

export interface EvbInterface {
  readonly ifname: string
  readonly role: EvbRole
}

/** EVB timers: ECP retries and retransmission exponent, VDP resource-wait-delay and keep-alive exponents. */
export interface EvbTimers {
  readonly ecpRetries: number
  readonly ecpRte: number
  readonly vdpRwd: number
  readonly vdpRka: number
}

/** lldpad's defaults for the ratified standard (and its test suite's). */
export const DEFAULT_EVB_TIMERS: EvbTimers = { ecpRetries: 3, ecpRte: 14, vdpRwd: 20, vdpRka: 20 }

const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/

export function checkEvbInterface(ifname: string): string {
  if (!IFNAME_RE.test(ifname) || /^[0-9.-]/.test(ifname)) {
    throw new ValidationError(`invalid EVB interface '${ifname}': 1-15 of A-Z, a-z, 0-9, '_', '.', '-', starting with a letter or '_'`, { value: ifname, path: 'interface' })
  }
  return ifname
}

function block(i: EvbInterface, t: EvbTimers): string[] {
  const bridge = i.role === 'bridge'
  return [
    `  ${checkEvbInterface(i.ifname)} :`,
    '  {',
    '    adminStatus = 3;',
    '    tlvid0080c20d :',
    '    {',
    '      enableTx = true;',
    `      evbmode = "${i.role}";`,
    `      evbrrcap = ${bridge ? 'true' : 'false'};`,
    '      evbrrreq = true;',
    '      evbgpid = false;',
    `      ecpretries = ${t.ecpRetries};`,
    `      ecprte = ${t.ecpRte};`,
    `      vdprwd = ${t.vdpRwd};`,
    `      vdprka = ${t.vdpRka};`,
    '    };',
    '  };',
  ]
}

export function renderLldpadConf(interfaces: readonly EvbInterface[], timers: EvbTimers = DEFAULT_EVB_TIMERS): string {
  const lines = ['# written by hostnet: a private lldpad', 'dcbx :', '{', '  version = "1.0";', '  dcbx_version = 2;', '};']
  if (interfaces.length > 0) lines.push('nearest_customer_bridge :', '{', ...interfaces.flatMap((i) => block(i, timers)), '};')
  return `${lines.join('\n')}\n`
}
