/**
 * sysctls of a target, written by one `sysctl -e -q -w` process inside it (`ip netns exec` gives the process the
 * namespace's /proc/sys/net; `-e`: a key the kernel lacks, e.g. IPv6 switched off, is skipped, as libvirt skips
 * a missing disable_ipv6). The host's own sysctls are written only for the explicit host target.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../backend/backend.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import type { SysctlService } from './services.js'

const KEY_RE = /^[^\s=]+$/
const VALUE_RE = /^[0-9]+$/

export class ProcSysctlService implements SysctlService {
  constructor(private readonly runner: Runner = systemRunner) {}

  async set(target: Target, values: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (values.length === 0) return
    const args: string[] = []
    for (const [k, v] of values) {
      if (!KEY_RE.test(k) || !VALUE_RE.test(v)) throw new HostnetError('bug', `refusing to write sysctl '${k}=${v}'`)
      args.push(`${k}=${v}`)
    }
    const netns = target.kind === 'netns' ? { netns: target.name } : {}
    const res = await this.runner.run(['sysctl', '-e', '-q', '-w', ...args], { ...netns, allowFailure: true })
    if (res.exitCode !== 0) {
      throw new HostnetError('backend-failure', `cannot set ${args.join(' ')} in ${describeTarget(target)}: ${res.stderr.trim()}`, {
        details: { sysctls: args },
      })
    }
  }
}
