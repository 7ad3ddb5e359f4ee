/**
 * The etcd options of the cluster verbs, `hostnet agent` and `hostnet serve --etcd`: members, key prefix, TLS
 * files, user and password (read from a file or the environment, never from the command line).
 * @module
 */
import type { Command } from 'commander'
import { readFileSync } from 'node:fs'
import { ValidationError, cut } from '../errors.js'
import type { EtcdOptions } from '../store/etcd/index.js'

export const ETCD_ENV = 'HOSTNET_ETCD'
export const ETCD_PASSWORD_ENV = 'HOSTNET_ETCD_PASSWORD'

export interface EtcdFlags {
  etcd?: string
  prefix?: string
  etcdCa?: string
  etcdCert?: string
  etcdKey?: string
  etcdUser?: string
  etcdPasswordFile?: string
  json?: boolean
}

export function addEtcdOptions(cmd: Command): Command {
  return cmd
    .option('--etcd <urls>', `etcd members, comma-separated http(s)://HOST:PORT (default: $${ETCD_ENV})`)
    .option('--prefix <prefix>', "the cluster's key prefix in etcd (default /hostnet/)")
    .option('--etcd-ca <file>', "CA certificate (PEM) of etcd's members")
    .option('--etcd-cert <file>', 'client certificate (PEM) for etcd')
    .option('--etcd-key <file>', 'client key (PEM) for etcd')
    .option('--etcd-user <name>', `etcd user (password from --etcd-password-file or $${ETCD_PASSWORD_ENV})`)
    .option('--etcd-password-file <file>', 'file holding the etcd password')
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file)
  } catch (e) {
    throw new ValidationError(`cannot read ${flag} '${cut(file)}': ${(e as Error).message}`, { path: flag, value: file })
  }
}

export function etcdOptions(flags: EtcdFlags, env: NodeJS.ProcessEnv = process.env): EtcdOptions {
  const urls = flags.etcd ?? env[ETCD_ENV]
  if (urls === undefined || urls.trim() === '') throw new ValidationError(`no etcd: give --etcd URL[,URL...] or set $${ETCD_ENV}`, { path: '--etcd' })
  const tls = {
    ...(flags.etcdCa === undefined ? {} : { ca: readPem(flags.etcdCa, '--etcd-ca') }),
    ...(flags.etcdCert === undefined ? {} : { cert: readPem(flags.etcdCert, '--etcd-cert') }),
    ...(flags.etcdKey === undefined ? {} : { key: readPem(flags.etcdKey, '--etcd-key') }),
  }
  let auth: EtcdOptions['auth']
  if (flags.etcdUser !== undefined) {
    const password = flags.etcdPasswordFile !== undefined ? readPem(flags.etcdPasswordFile, '--etcd-password-file').toString('utf8').trim() : env[ETCD_PASSWORD_ENV]
    if (password === undefined) throw new ValidationError(`--etcd-user needs a password: --etcd-password-file FILE or $${ETCD_PASSWORD_ENV}`, { path: '--etcd-user' })
    auth = { user: flags.etcdUser, password }
  }
  return { endpoints: urls.split(',').map((s) => s.trim()).filter((s) => s !== ''), ...(Object.keys(tls).length > 0 ? { tls } : {}), ...(auth === undefined ? {} : { auth }) }
}

