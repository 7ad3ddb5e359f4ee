/**
 * Network namespaces for kernel tests: uniquely named (`hnt-<pid>-<n>`), always deleted afterwards, and a
 * leak check over the namespaces this process created. Test files run in parallel processes; the pid in the
 * name keeps them apart.
 * @module
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createNetns, deleteNetns, listNetns } from '../../src/sys/netns.js'
import type { Target } from '../../src/model/target.js'

export const TEST_NETNS_PREFIX = 'hnt-'

let counter = 0
const created = new Set<string>()

/** A fresh, unused namespace name for this process (`hnt-<pid>-<n>[-tag]`). */
export function uniqueNetnsName(tag = ''): string {
  counter += 1
  return `${TEST_NETNS_PREFIX}${process.pid}-${counter}${tag === '' ? '' : `-${tag}`}`
}

/** Whether this process may create namespaces (root with CAP_SYS_ADMIN). */
export function canUseNetns(): boolean {
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' })
    return typeof process.getuid === 'function' && process.getuid() === 0
  } catch {
    return false // no ip binary: kernel tests skip
  }
}

export async function makeNetns(tag = ''): Promise<string> {
  const name = uniqueNetnsName(tag)
  created.add(name)
  await createNetns(name)
  return name
}

export async function removeNetns(name: string): Promise<void> {
  await deleteNetns(name)
  created.delete(name)
}

/** Run `fn` with a new namespace (name and target), deleting it afterwards even when `fn` throws. */
export async function withNetns<T>(fn: (name: string, target: Target) => Promise<T>, tag = ''): Promise<T> {
  const name = await makeNetns(tag)
  try {
    return await fn(name, { kind: 'netns', name })
  } finally {
    await removeNetns(name)
  }
}

/** Like withNetns with `count` namespaces. */
export async function withNetnsList<T>(count: number, fn: (names: string[]) => Promise<T>): Promise<T> {
  const names: string[] = []
  try {
    for (let i = 0; i < count; i++) names.push(await makeNetns())
    return await fn(names)
  } finally {
    for (const n of names) await removeNetns(n)
  }
}

/** Namespaces this process created that still exist (should be empty at the end of every test file). */
export function leakedNetns(): string[] {
  const live = new Set(listNetns())
  const mine = `${TEST_NETNS_PREFIX}${process.pid}-`
  return [...live].filter((n) => created.has(n) || n.startsWith(mine))
}

/** Every `hnt-` namespace on the machine, whoever made it (for a final check after a whole run). */
export function allTestNetns(): string[] {
  return listNetns().filter((n) => n.startsWith(TEST_NETNS_PREFIX))
}

// node -e scripts; argv: [node, ip, port, timeoutMs]
const UDP_SOCKET = `const [,ip,port,ms]=process.argv;const d=require('dgram').createSocket(ip.includes(':')?'udp6':'udp4');`
const ECHO_SERVER = `${UDP_SOCKET}d.on('message',(m,r)=>d.send(m,r.port,r.address));d.bind(Number(port),ip,()=>console.log('ready'))`
const ECHO_CLIENT =
  `${UDP_SOCKET}const t=setInterval(()=>d.send('hnt',Number(port),ip,()=>{}),100);` +
  `d.on('message',()=>{clearInterval(t);process.exit(0)});setTimeout(()=>process.exit(1),Number(ms))`

/**
 * Whether a UDP datagram sent from namespace `fromNs` reaches `toIp` (bound in namespace `toNs`) and its echo
 * comes back within `timeoutMs`. Uses node on both ends (this machine has no ping).
 */
export async function udpReaches(fromNs: string, toNs: string, toIp: string, timeoutMs = 2000, port = 7907): Promise<boolean> {
  const node = (ns: string, script: string, ...args: string[]): string[] => ['netns', 'exec', ns, process.execPath, '-e', script, '--', ...args]
  const server = spawn('ip', node(toNs, ECHO_SERVER, toIp, String(port)), { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (b: Buffer) => (b.toString().includes('ready') ? resolve() : undefined))
      server.on('exit', (code) => reject(new Error(`echo server in '${toNs}' exited (${code})`)))
    })
    const client = spawnSync('ip', node(fromNs, ECHO_CLIENT, toIp, String(port), String(timeoutMs)), { stdio: 'inherit' })
    return client.status === 0
  } finally {
    server.kill('SIGKILL')
  }
}
