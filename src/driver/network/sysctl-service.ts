/**
 * sysctls of a target, written by one `sysctl -e -q -w` process inside it (`nsenter --net` gives the process the
 * namespace's /proc/sys/net, which is all sysctl needs: unlike `ip netns exec` it sets up no mount namespace
 * and no /sys, which is measurably slower on a busy host; `-e`: a key the kernel lacks, e.g. IPv6 switched off,
 * is skipped, as libvirt skips a missing disable_ipv6). The host's own sysctls are written only for the
 * explicit host target.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import { NETNS_RUN_DIR } from '../../sys/netns.js'
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
    const enter = target.kind === 'netns' ? ['nsenter', `--net=${NETNS_RUN_DIR}/${target.name}`] : []
    const res = await this.runner.run([...enter, 'sysctl', '-e', '-q', '-w', ...args], { allowFailure: true })
    if (res.exitCode !== 0) {
      throw new HostnetError('backend-failure', `cannot set ${args.join(' ')} in ${describeTarget(target)}: ${res.stderr.trim()}`, {
        details: { sysctls: args },
      })
    }
  }
}
