/**
 * The private Open vSwitch of a sandbox (`hostnet sandbox create --ovs`): ovsdb-server with its database and
 * socket in `<state-dir>/ovs/<name>/`, ovs-vswitchd inside the sandbox namespace (userspace datapath). It
 * outlives the CLI; commands targeting `--netns <name>` find its socket there (backend/ovs-host/connections.ts),
 * and `sandbox destroy` stops it.
 * @module
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sandboxOvsAddress, sandboxOvsDir } from '../backend/ovs-host/index.js'
import { OvsPrivate } from '../sys/ovs-private.js'

export interface SandboxOvs {
  address: string
  runDir: string
  running: boolean
}

export async function startSandboxOvs(stateDir: string, name: string): Promise<SandboxOvs> {
  const runDir = sandboxOvsDir(stateDir, name)
  const ovs = await OvsPrivate.start({ runDir, vswitchdNetns: name })
  ovs.detach()
  return { address: sandboxOvsAddress(stateDir, name), runDir, running: true }
}

/** Stop the sandbox's OVS and remove its run directory; false if there was none. */
export async function stopSandboxOvs(stateDir: string, name: string): Promise<boolean> {
  const runDir = sandboxOvsDir(stateDir, name)
  if (!existsSync(runDir)) return false
  await OvsPrivate.adopt(runDir).stop()
  return true
}

export function sandboxOvsStatus(stateDir: string, name: string): SandboxOvs | undefined {
  const runDir = sandboxOvsDir(stateDir, name)
  if (!existsSync(runDir)) return undefined
  const ovs = OvsPrivate.adopt(runDir)
  const running = ovs.pid('ovsdb-server') !== undefined && ovs.pid('ovs-vswitchd') !== undefined && existsSync(join(runDir, 'db.sock'))
  return { address: sandboxOvsAddress(stateDir, name), runDir, running }
}
