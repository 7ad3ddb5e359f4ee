/**
 * Sending rtnetlink messages from Node.js, which has no netlink sockets: each request runs the small native
 * helper `hostnet-nl` (native/hostnet-nl.c, built by scripts/install.sh) through the Runner, in the target's
 * network namespace (it enters /run/netns/NAME itself). The helper carries bytes only: hostnet encodes the
 * request and decodes the replies (wire.ts).
 * @module
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import { installPath } from '../../sys/install-path.js'
import { fromHex, toHex } from './wire.js'

/** Environment variable naming another helper binary (tests, packaging). */
export const NL_HELPER_ENV = 'HOSTNET_NL_HELPER'

const HELPER_REL = 'native/build/hostnet-nl'

/** The helper built by scripts/install.sh: `native/build/hostnet-nl` in the checkout (from dist/src/… or the bundle). */
export function defaultHelperPath(): string {
  return process.env[NL_HELPER_ENV] ?? installPath(HELPER_REL, import.meta.url) ?? fileURLToPath(new URL(`../../../../${HELPER_REL}`, import.meta.url))
}

export interface NetlinkRequestOptions {
  /** How long to wait for the answer (default 2000 ms). */
  timeoutMs?: number
}

/** One request/answer exchange with a netlink port of a target's namespace (port 0: the kernel). */
export interface NetlinkChannel {
  request(target: Target, port: number, message: Uint8Array, opts?: NetlinkRequestOptions): Promise<Uint8Array[]>
}

/** `--netns NAME` for a namespace target (the helper enters it), nothing for the host. */
export function helperNetnsArgs(target: Target): string[] {
  return target.kind === 'netns' ? ['--netns', target.name] : []
}

export class HelperChannel implements NetlinkChannel {
  constructor(
    private readonly runner: Runner = systemRunner,
    private readonly helper: string = defaultHelperPath(),
  ) {}

  private checkHelper(): void {
    if (this.helper.startsWith('/') && !existsSync(this.helper)) {
      throw new HostnetError('dependency', `the netlink helper ${this.helper} is missing (scripts/install.sh builds it)`, { details: { helper: this.helper } })
    }
  }

  async request(target: Target, port: number, message: Uint8Array, opts: NetlinkRequestOptions = {}): Promise<Uint8Array[]> {
    this.checkHelper()
    const timeoutMs = opts.timeoutMs ?? 2000
    const argv = [this.helper, ...helperNetnsArgs(target), 'request', '--port', String(port), '--timeout-ms', String(timeoutMs)]
    const res = await this.runner.run(argv, { input: `${toHex(message)}\n`, allowFailure: true, timeoutMs: timeoutMs + 5000 })
    const why = res.stderr.trim().split('\n')[0] ?? ''
    if (res.exitCode === 3) {
      throw new HostnetError('timeout', `no answer from netlink port ${port} within ${timeoutMs} ms`, { details: { port } })
    }
    if (res.exitCode !== 0) {
      throw new HostnetError('backend-failure', `netlink request to port ${port} failed: ${why}`, { details: { port, stderr: res.stderr } })
    }
    return res.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map(fromHex)
  }
}
