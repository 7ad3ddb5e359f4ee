/**
 * An independent read of the kernel for cross-checking the backend's query: plain `ip -j -d link show dev NAME`
 * run with child_process (not through hostnet's Runner or parser).
 * @module
 */
import { execFile } from 'node:child_process'

export interface IpLink {
  ifname: string
  mtu: number
  address?: string
  flags: string[]
  master?: string
  link?: string
  linkinfo?: {
    info_kind?: string
    info_data?: Record<string, unknown>
    info_slave_kind?: string
    info_slave_data?: Record<string, unknown>
  }
}

/** The link `name` in namespace `ns`, or undefined when the kernel says it does not exist. */
export function ipLink(ns: string, name: string): Promise<IpLink | undefined> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['-n', ns, '-j', '-d', 'link', 'show', 'dev', name], (err, stdout, stderr) => {
      if (err !== null) {
        if (/does not exist/.test(stderr)) resolve(undefined)
        else reject(new Error(`ip link show dev ${name} in ${ns}: ${stderr.trim() || err.message}`))
        return
      }
      const list = JSON.parse(stdout) as IpLink[]
      resolve(list[0])
    })
  })
}

/** Like ipLink, but fails when the link is missing. */
export async function requireIpLink(ns: string, name: string): Promise<IpLink> {
  const l = await ipLink(ns, name)
  if (l === undefined) throw new Error(`ip link: '${name}' does not exist in ${ns}`)
  return l
}

export function isUp(l: IpLink): boolean {
  return l.flags.includes('UP')
}
