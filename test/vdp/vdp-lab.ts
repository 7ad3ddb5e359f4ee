/**
 * An 802.1Qbg lab on this machine (no switch): a station namespace (the networks' target, a NetworkLab with a
 * port driver whose switch answers are awaited for at most `timeoutMs`) joined by a veth pair (eth0 ↔ sw0) to a
 * "switch" namespace, each with a private lldpad of hostnet's (backend/lldpad: own mount and IPC namespace): the
 * station's with EVB in the station role on eth0, the switch's (started on demand, verbose) in the bridge role on
 * sw0. A capture of ECP frames (ethertype 0x8940) on sw0 runs with tcpdump. `close` stops all of it.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { readEvb, startPrivateLldpad, stopPrivateLldpad, type PrivateLldpadInstance } from '../../src/backend/lldpad/index.js'
import { createNetworkDriver } from '../../src/driver/network/index.js'
import type { PortDriver } from '../../src/driver/port/index.js'
import { systemRunner } from '../../src/sys/exec.js'
import { ip, NetworkLab } from '../network/lab.js'

export const ECP22_ETHERTYPE = '0x8940'

export class VdpLab {
  switchNs = ''
  station: PrivateLldpadInstance | undefined
  bridge: PrivateLldpadInstance | undefined
  private capture: ChildProcess | undefined
  private captured = ''
  private captureLog = ''

  private constructor(readonly lab: NetworkLab) {}

  static async open(opts: { timeoutMs: number }): Promise<VdpLab> {
    const lab = await NetworkLab.open({ outside: false })
    const v = new VdpLab(lab)
    try {
      lab.driver = createNetworkDriver({ backend: new Iproute2Backend(), store: lab.store, stateDir: lab.dir, portProfileTimeoutMs: opts.timeoutMs })
      v.switchNs = await lab.ns('sw')
      ip(lab.host, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'sw0', 'netns', v.switchNs)
      ip(lab.host, 'link', 'set', 'eth0', 'up')
      ip(v.switchNs, 'link', 'set', 'sw0', 'up')
      v.station = await startPrivateLldpad({ netns: lab.host, runDir: join(lab.dir, 'lldpad-station'), interfaces: [{ ifname: 'eth0', role: 'station' }] })
    } catch (e) {
      await v.close()
      throw e
    }
    return v
  }

  get host(): string {
    return this.lab.host
  }
  get ports(): PortDriver {
    return this.lab.driver.ports
  }

  /** Start the bridge-role lldpad (and the capture of ECP frames on its port). */
  async startBridge(): Promise<void> {
    this.capture = spawn('ip', ['netns', 'exec', this.switchNs, 'tcpdump', '-i', 'sw0', '-nn', '-e', '-l', '-Q', 'in', 'ether', 'proto', ECP22_ETHERTYPE], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.capture.stdout?.on('data', (b: Buffer) => (this.captured += b.toString('utf8')))
    this.capture.stderr?.on('data', (b: Buffer) => (this.captureLog += b.toString('utf8')))
    await waitFor(() => /listening on/.test(this.captureLog), 5000, 'tcpdump listening')
    this.bridge = await startPrivateLldpad({ netns: this.switchNs, runDir: join(this.lab.dir, 'lldpad-bridge'), interfaces: [{ ifname: 'sw0', role: 'bridge' }], verbose: true })
  }

  /** The frames tcpdump printed so far. */
  capturedFrames(): string {
    return this.captured
  }

  bridgeLog(): string {
    return this.bridge !== undefined && existsSync(this.bridge.logPath) ? readFileSync(this.bridge.logPath, 'utf8') : ''
  }

  /** Until the station's lldpad has the bridge's EVB TLV (the EVB session is up). */
  async evbNegotiated(timeoutMs = 15_000): Promise<void> {
    await waitFor(async () => (await readEvb(systemRunner, this.lab.target, 'eth0')).negotiated, timeoutMs, 'EVB negotiation')
  }

  /** What Debian's vdptool (lldpad's control interface) lists for an instance on the station's eth0. */
  vdptool(instance: string, mode: 'assoc' | 'preassoc' | 'preassoc-rr' = 'assoc'): string {
    const r = spawnSync('ip', ['netns', 'exec', this.host, 'vdptool', '-i', 'eth0', '-t', '-V', mode, '-c', `uuid=${instance}`], { encoding: 'utf8', timeout: 10_000 })
    return `${r.stdout}${r.stderr}`
  }

  async close(): Promise<void> {
    this.capture?.kill('SIGKILL')
    try {
      if (this.station !== undefined) await stopPrivateLldpad(this.station.runDir)
      if (this.bridge !== undefined) await stopPrivateLldpad(this.bridge.runDir)
    } finally {
      await this.lab.close()
    }
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await cond()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}
