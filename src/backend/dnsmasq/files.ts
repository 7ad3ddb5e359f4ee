/**
 * The files of a network's dnsmasq instance on disk: written atomically (a temporary file renamed over the old
 * one, so a dnsmasq re-reading on SIGHUP never sees half a file), and removed when the network goes away.
 * @module
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { HostnetError } from '../../errors.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { DnsmasqPaths } from './names.js'
import { renderDnsmasqFiles } from './render.js'
import type { DnsmasqFiles } from './render.js'

/** Suffix of the temporary files (counted in names.ts's FILE_SUFFIX_RESERVE_BYTES). */
const TMP_SUFFIX = '.tmp'

async function writeAtomic(path: string, text: string, modeOctal: number): Promise<void> {
  const tmp = `${path}${TMP_SUFFIX}`
  try {
    await writeFile(tmp, text, { mode: modeOctal })
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw new HostnetError('backend-failure', `cannot write '${path}': ${(e as Error).message}`, { cause: e })
  }
}

export interface RenderForRunOptions {
  readonly bridgeName: string
  readonly dnsmasqVersion: string
}

/** Render the network's files for running from `paths.dir` (pid-file= set, as libvirt does when it starts dnsmasq). */
export function renderForRun(def: NetworkDef, paths: DnsmasqPaths, opts: RenderForRunOptions): DnsmasqFiles {
  return renderDnsmasqFiles(def, {
    configDir: paths.dir,
    bridgeName: opts.bridgeName,
    dnsmasqVersion: opts.dnsmasqVersion,
    pidFile: paths.pid,
  })
}

/** Create the directory and write the config (0600, as libvirt) and both hosts files (0644, always present). */
export async function writeDnsmasqFiles(paths: DnsmasqPaths, files: DnsmasqFiles): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o755 })
  await writeAtomic(paths.conf, files.conf, 0o600)
  await writeHostsFiles(paths, files)
}

/** Rewrite the two files dnsmasq re-reads on SIGHUP (an absent hosts text is an empty file). */
export async function writeHostsFiles(paths: DnsmasqPaths, files: Pick<DnsmasqFiles, 'hostsfile' | 'addnhosts'>): Promise<void> {
  await writeAtomic(paths.hostsfile, files.hostsfile ?? '', 0o644)
  await writeAtomic(paths.addnhosts, files.addnhosts, 0o644)
}

function writeAtomicSync(path: string, text: string, modeOctal: number): void {
  const tmp = `${path}${TMP_SUFFIX}`
  try {
    writeFileSync(tmp, text, { mode: modeOctal })
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new HostnetError('backend-failure', `cannot write '${path}': ${(e as Error).message}`, { cause: e })
  }
}

/**
 * writeHostsFiles, synchronously: for a caller that must write them inside a critical section it cannot leave
 * (net-update holds the store's write transaction so that the files match the committed definition).
 */
export function writeHostsFilesSync(paths: DnsmasqPaths, files: Pick<DnsmasqFiles, 'hostsfile' | 'addnhosts'>): void {
  writeAtomicSync(paths.hostsfile, files.hostsfile ?? '', 0o644)
  writeAtomicSync(paths.addnhosts, files.addnhosts, 0o644)
}

/** Remove a stale or finished instance's pid file (missing is fine). */
export async function removePidFile(paths: DnsmasqPaths): Promise<void> {
  await rm(paths.pid, { force: true })
}

/** Remove the network's files (the lease database too unless `keepLeases`); missing files are fine. */
export async function removeDnsmasqFiles(paths: DnsmasqPaths, opts: { keepLeases?: boolean } = {}): Promise<void> {
  const all = [paths.conf, paths.hostsfile, paths.addnhosts, paths.pid, ...(opts.keepLeases === true ? [] : [paths.leases])]
  for (const p of all) await rm(p, { force: true })
}
