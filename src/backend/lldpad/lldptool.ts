/**
 * EVB on an interface of a running lldpad (the system's, or any lldpad serving a namespace), through Debian's
 * `lldptool` in the target's namespace (its control socket is an abstract Unix socket, per namespace): LLDP
 * rx/tx for the nearest customer bridge agent, the ratified EVB TLV transmitted in the station (or bridge)
 * role with reflective relay requested (or offered). The outcome is read back (`lldptool -t ... -c`, `-l`),
 * never taken from exit codes: a setting that does not read back is an error naming it.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import type { Runner } from '../../sys/exec.js'
import { checkEvbInterface, type EvbRole } from './config.js'

export interface EvbSettings {
  readonly ifname: string
  readonly adminStatus: string
  /** key=value as lldptool prints them (enableTx, evbmode, evbrrreq, evbrrcap, ecpretries, ecprte, vdprwd, vdprka, ...). */
  readonly evb: Readonly<Record<string, string>>
  /** lldptool's account of the EVB TLV (local and, once the bridge answered, its values). */
  readonly tlv: string
  /** Whether the EVB session is up: lldpad uses the bridge's timers (`r/l:1`), so it heard the bridge's TLV. */
  readonly negotiated: boolean
}

const MAX_OUTPUT = 64 * 1024

function opts(target: Target): { netns?: string; allowFailure: true; timeoutMs: number } {
  return { ...(target.kind === 'netns' ? { netns: target.name } : {}), allowFailure: true, timeoutMs: 10_000 }
}

async function lldptool(runner: Runner, target: Target, args: readonly string[]): Promise<{ ok: boolean; out: string }> {
  const res = await runner.run(['lldptool', ...args], opts(target))
  const out = `${res.stdout}${res.stderr}`.slice(0, MAX_OUTPUT)
  return { ok: res.exitCode === 0, out }
}

function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (m !== null) out[m[1]!] = m[2]!
  }
  return out
}

/** The EVB settings of an interface as lldpad reports them. */
export async function readEvb(runner: Runner, target: Target, ifname: string): Promise<EvbSettings> {
  checkEvbInterface(ifname)
  const admin = await lldptool(runner, target, ['-l', '-i', ifname, '-g', 'ncb', 'adminStatus'])
  if (!admin.ok) {
    throw new HostnetError('dependency', `lldpad in ${describeTarget(target)} does not answer for '${ifname}': ${admin.out.trim().split('\n')[0] ?? ''}`, { details: { device: ifname } })
  }
  const evb = await lldptool(runner, target, ['-t', '-i', ifname, '-g', 'ncb', '-V', 'evb', '-c'])
  const tlv = await lldptool(runner, target, ['-t', '-i', ifname, '-g', 'ncb', '-V', 'evb'])
  const text = tlv.ok ? tlv.out.trim() : ''
  return { ifname, adminStatus: keyValues(admin.out)['adminStatus'] ?? 'unknown', evb: keyValues(evb.out), tlv: text, negotiated: /\br\/l:1\b/.test(text) }
}

/** Enable EVB on `ifname` in `role`; returns the settings read back (an error if they do not match). */
export async function enableEvb(runner: Runner, target: Target, ifname: string, role: EvbRole = 'station'): Promise<EvbSettings> {
  checkEvbInterface(ifname)
  const steps: string[][] = [
    ['-L', '-i', ifname, '-g', 'ncb', 'adminStatus=rxtx'],
    ['-T', '-i', ifname, '-g', 'ncb', '-V', 'evb', '-c', 'enableTx=yes'],
    ['-T', '-i', ifname, '-g', 'ncb', '-V', 'evb', '-c', `evbmode=${role}`],
    ['-T', '-i', ifname, '-g', 'ncb', '-V', 'evb', '-c', role === 'station' ? 'evbrrreq=yes' : 'evbrrcap=yes'],
  ]
  for (const s of steps) await lldptool(runner, target, s)
  const got = await readEvb(runner, target, ifname)
  const want: Array<[string, string]> = [
    ['adminStatus', 'rxtx'],
    ['enableTx', 'yes'],
    ['evbmode', role],
  ]
  for (const [k, v] of want) {
    const have = k === 'adminStatus' ? got.adminStatus : got.evb[k]
    if (have !== v) {
      throw new HostnetError('backend-failure', `lldpad in ${describeTarget(target)} did not take ${k}=${v} on '${ifname}' (it reports ${have ?? 'nothing'})`, { details: { device: ifname, setting: k } })
    }
  }
  return got
}
