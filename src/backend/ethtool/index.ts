/**
 * ethtool: the device offload settings hostnet changes. Today one: transmit checksum offload, switched off on a
 * veth guest end on an Open vSwitch userspace-datapath bridge (its packet sockets would pass partial checksums on
 * unfinished).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Runner } from '../../sys/exec.js'

export const ETHTOOL = 'ethtool'

/** `ethtool -K DEV tx on|off`, in a named namespace or the host's. */
export async function setTxChecksumming(runner: Runner, dev: string, on: boolean, opts: { netns?: string } = {}): Promise<void> {
  const res = await runner.run([ETHTOOL, '-K', dev, 'tx', on ? 'on' : 'off'], { ...(opts.netns === undefined ? {} : { netns: opts.netns }), allowFailure: true })
  if (res.exitCode !== 0) {
    throw new HostnetError('backend-failure', `cannot turn checksum offload ${on ? 'on' : 'off'} on '${dev}': ${res.stderr.trim().split('\n')[0] ?? ''}`, {
      details: { device: dev, stderr: res.stderr },
    })
  }
}
