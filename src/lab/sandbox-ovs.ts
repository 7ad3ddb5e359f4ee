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
import { OvsPrivate } from './ovs-private.js'
import { destroySandbox } from './sandbox.js'
import { stopSandboxLibvirt } from './sandbox-libvirt.js'

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

/** Start the sandbox's private OVS; if that fails, remove the sandbox again. */
export async function startSandboxOvsOrRemove(stateDir: string, name: string): Promise<SandboxOvs> {
  try {
    return await startSandboxOvs(stateDir, name)
  } catch (e) {
    await destroySandbox(name)
    throw e
  }
}

/** Stop the sandbox's libvirtd and OVS (when it has them), then remove its namespaces. */
export async function destroySandboxAndOvs(stateDir: string, name: string): Promise<{ name: string; removed: string[]; ovsStopped: boolean; libvirtStopped: boolean }> {
  const libvirtStopped = await stopSandboxLibvirt(stateDir, name)
  const ovsStopped = await stopSandboxOvs(stateDir, name)
  const r = await destroySandbox(name)
  return { ...r, ovsStopped, libvirtStopped }
}
