/**
 * libvirt, southbound: a client of libvirtd's RPC protocol over its Unix socket (the domain verbs the Kimchi
 * facade needs) and a private libvirtd per network namespace (sandboxes, tests, benchmarks).
 * @module
 */
export { AFFECT_CONFIG, AFFECT_LIVE, DOMAIN_STATES, LibvirtClient, uuidText, type DomainRef, type DomainState } from './client.js'
export { LibvirtError, VIR_ERR_NO_DOMAIN, VIR_ERR_OPERATION_INVALID } from './rpc.js'
export { DEFAULT_LIBVIRT_URI, parseLibvirtUri, privateLibvirtUri, type LibvirtEndpoint } from './uri.js'
export {
  LIBVIRT_RUN_DIR_PREFIX,
  libvirtdAlive,
  libvirtdMissing,
  privateLibvirtdUri,
  readPrivateLibvirtd,
  sandboxLibvirtDir,
  startPrivateLibvirtd,
  stopPrivateLibvirtd,
  type PrivateLibvirtd,
} from './private.js'
