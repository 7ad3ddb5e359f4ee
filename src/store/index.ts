/** The store: SQLite-backed journal, interface definitions, daemon locks and the change record. */
export { openStore, STORE_BUSY_TIMEOUT_MS, type Store, type StoreOptions } from './open.js'
export { Journal, OPEN_STATUSES, TXN_STATUSES, type BeginResult, type JournalEntry, type TransitionRequest, type TxnStatus } from './journal.js'
export { IfaceDefinitions, type IfaceDefinition, type IfaceRunChange } from './iface-defs.js'
export { DaemonLocks, type DaemonHolder } from './daemon-lock.js'
export {
  ChangeLog,
  CHANGE_LIST_DEFAULT,
  CHANGE_LIST_MAX,
  DETAIL_MAX_CHARS,
  PRUNE_EVERY,
  boundedDetail,
  changeBy,
  type ChangeInput,
  type ChangeQuery,
  type ChangeRecord,
  type ChangeRetention,
} from './changes.js'
export {
  ACTOR_DNSMASQ,
  ACTOR_RECOVERY,
  ACTOR_SUPERVISOR,
  ACTOR_TIMER,
  actingFor,
  actorOr,
  agentActor,
  CHANGE_FAMILIES,
  CHANGE_KINDS,
  CHANGE_OUTCOMES,
  apiActor,
  checkActor,
  cliActor,
  cut,
  expandChangeKinds,
  isChangeKind,
  type Actor,
  type ActorOptions,
  type ChangeKind,
  type ChangeOutcome,
} from './change-kinds.js'
export { DEFAULT_RETENTION } from './changes-schema.js'
export { transitionStatus, type StatusTransition } from './status-cas.js'
export { atomically, prepared } from './sql.js'
export { DEFAULT_STATE_DIR, STATE_DIR_ENV, STORE_FILE_NAME, ensureStateDir, resolveStateDir, type StateDirSources } from './state-dir.js'
export { MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations.js'
export { ApiTokens, TOKEN_ROLES, type ApiToken, type TokenRole } from './tokens.js'
export { ClusterAgentRecords, type AgentApplied, type AgentRecord, type AppliedNetwork } from './cluster-agent.js'
export { KimchiStore, TEMPLATE_MAX_JSON_BYTES, type HostBridgeRecord, type StoredTemplate } from './kimchi.js'
export { SavedStates, type SavedState } from './saved-states.js'
