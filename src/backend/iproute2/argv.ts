/** The `ip` command line for a target: `ip -n NS ...` for a named namespace, plain `ip ...` for the host. */
import type { Target } from '../../model/target.js'

export function ipArgv(target: Target, ...args: string[]): string[] {
  return target.kind === 'host' ? ['ip', ...args] : ['ip', '-n', target.name, ...args]
}
