/**
 * A Kimchi lab: a hostnet sandbox (namespace NAME with eth0..eth3 on a switch namespace, optionally a private
 * libvirtd with QEMU), a temp state directory, and `hostnet serve --kimchi-netns NAME` on a loopback TCP port
 * (plain HTTP), so that the black-box suite (./suite.ts) talks to it as it would to any Kimchi server. Callers get
 * an admin (a hostnet API token), a host account without hostnet rights (HTTP Basic through PAM: a temporary user)
 * and an anonymous client. `close` stops serve, destroys the sandbox (and its libvirtd with its guests), deletes
 * the user and the directory.
 * @module
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, spawnCli } from '../engine/cli-helpers.js'
import { uniqueNetnsName } from '../helpers/netns.js'
import { KimchiClient, type Credentials } from './client.js'
import { until } from '../api/lab.js'

export interface KimchiLabOptions {
  libvirt?: boolean
  /** A private Open vSwitch in the sandbox (`sandbox create --ovs`). */
  ovs?: boolean
  /** A temporary host account for HTTP Basic (needs useradd and chpasswd). */
  pamUser?: boolean
  serveArgs?: string[]
  env?: Record<string, string>
}

export class KimchiLab {
  ns = ''
  dir = ''
  libvirtUri: string | undefined
  base = ''
  serve: ChildProcess | undefined
  serveLog = ''
  adminToken = ''
  user: { user: string; password: string } | undefined
  opts: KimchiLabOptions = {}
  private readonly clients: KimchiClient[] = []

  static async open(opts: KimchiLabOptions = {}): Promise<KimchiLab> {
    const lab = new KimchiLab()
    lab.opts = opts
    lab.dir = mkdtempSync(join(tmpdir(), 'hostnet-kimchi-'))
    lab.ns = uniqueNetnsName('kc')
    try {
      const made = await runCli(['sandbox', 'create', '--name', lab.ns, '--state-dir', lab.dir, '--json', ...(opts.libvirt === true ? ['--libvirt'] : []), ...(opts.ovs === true ? ['--ovs'] : [])])
      if (made.code !== 0) throw new Error(`sandbox create: ${made.stderr}`)
      lab.libvirtUri = (JSON.parse(made.stdout) as { libvirt?: { uri: string } }).libvirt?.uri
      const tok = await runCli(['token', 'create', '--role', 'admin', '--state-dir', lab.dir])
      if (tok.code !== 0) throw new Error(`token create: ${tok.stderr}`)
      lab.adminToken = tok.stdout.trim()
      if (opts.pamUser === true) {
        const u = { user: `hnkc${process.pid % 100000}`, password: `pw-${process.pid}-Kimchi!` }
        spawnSync('userdel', [u.user], { stdio: 'ignore' })
        execFileSync('useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', u.user])
        lab.user = u
        execFileSync('chpasswd', [], { input: `${u.user}:${u.password}\n` })
      }
      await lab.startServe(opts.env ?? {})
    } catch (e) {
      await lab.close()
      throw e
    }
    return lab
  }

  /** Start serve (again), with extra environment (e.g. a test hook). */
  async startServe(env: Record<string, string> = {}): Promise<void> {
    this.serveLog = ''
    const args = ['serve', '--state-dir', this.dir, '--poll-ms', '200', '--no-console', '--listen', '127.0.0.1:0', '--no-tls', '--kimchi-netns', this.ns, '--kimchi-domain-type', 'qemu', ...(this.opts.serveArgs ?? [])]
    const child = spawnCli(args, env)
    this.serve = child
    child.stdout?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    const port = await until(`hostnet serve (log: ${this.serveLog})`, () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${this.serveLog}`)
      const m = /API listening on 127\.0\.0\.1:(\d+) \(tcp\)/.exec(this.serveLog)
      return m === null || !this.serveLog.includes('Kimchi-compatible API') ? undefined : Number(m[1])
    })
    this.base = `http://127.0.0.1:${port}`
  }

  async stopServe(): Promise<void> {
    const child = this.serve
    this.serve = undefined
    for (const c of this.clients.splice(0)) c.close()
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }

  client(auth: Credentials | undefined): KimchiClient {
    const c = new KimchiClient(this.base, auth)
    this.clients.push(c)
    return c
  }

  admin(): KimchiClient {
    return this.client({ token: this.adminToken })
  }

  /** `virsh -c URI ARGS` against the sandbox's libvirtd. */
  virsh(...args: string[]): string {
    if (this.libvirtUri === undefined) throw new Error('the lab has no libvirtd')
    return execFileSync('virsh', ['-q', '-c', this.libvirtUri, ...args], { encoding: 'utf8' })
  }

  ip(...args: string[]): string {
    return execFileSync('ip', ['-n', this.ns, ...args], { encoding: 'utf8' })
  }

  async close(): Promise<void> {
    await this.stopServe()
    if (this.ns !== '') await runCli(['sandbox', 'destroy', '--name', this.ns, '--state-dir', this.dir])
    if (this.user !== undefined) spawnSync('userdel', [this.user.user], { stdio: 'ignore' })
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true })
  }
}
