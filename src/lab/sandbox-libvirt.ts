/**
 * A sandbox's private libvirtd (`hostnet sandbox create --libvirt`): libvirtd with its QEMU driver in the sandbox's
 * network namespace and a mount namespace of its own (backend/libvirt/private.ts), recorded in
 * `<state-dir>/libvirt/<name>/`; `hostnet serve --kimchi-netns <name>` finds it there, and `sandbox destroy`
 * stops it with its guests.
 * @module
 */
import { readPrivateLibvirtd, libvirtdAlive, startPrivateLibvirtd, stopPrivateLibvirtd } from '../backend/libvirt/index.js'
import { destroySandbox } from './sandbox.js'

export interface SandboxLibvirt {
  uri: string
  runDir: string
  running: boolean
  pid?: number
}

export async function startSandboxLibvirt(stateDir: string, name: string): Promise<SandboxLibvirt> {
  const inst = await startPrivateLibvirtd({ stateDir, netns: name })
  return { uri: inst.uri, runDir: inst.runDir, running: true, pid: inst.pid }
}

/** Start the sandbox's libvirtd; if that fails, remove the sandbox again (and what else it started). */
export async function startSandboxLibvirtOrRemove(stateDir: string, name: string, undo: () => Promise<unknown> = () => destroySandbox(name)): Promise<SandboxLibvirt> {
  try {
    return await startSandboxLibvirt(stateDir, name)
  } catch (e) {
    await undo()
    throw e
  }
}

export function stopSandboxLibvirt(stateDir: string, name: string): Promise<boolean> {
  return stopPrivateLibvirtd(stateDir, name)
}

export function sandboxLibvirtStatus(stateDir: string, name: string): SandboxLibvirt | undefined {
  const rec = readPrivateLibvirtd(stateDir, name)
  if (rec === undefined) return undefined
  return { uri: rec.uri ?? '', runDir: rec.runDir, running: libvirtdAlive(rec), ...(rec.pid === undefined ? {} : { pid: rec.pid }) }
}
