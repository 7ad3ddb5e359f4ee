/**
 * The cluster agent's record in the host's own store (migration 9): per host id, the etcd revision of the
 * configuration it last reconciled and what it applied for it (each logical network's hash and the interfaces it
 * made, each document's hash). The agent reads it when it starts: a restart applies only what changed, reports the
 * revision it had reached, and removes only networks and interfaces it can prove it made.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import { prepared } from './sql.js'

export const CLUSTER_AGENT_MIGRATION_SQL = `
  CREATE TABLE cluster_agent (
    host_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    applied TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );
`

/** What the agent made for one logical network on this host. */
export interface AppliedNetwork {
  /** Hash of the network's compiled interfaces and XML (a change re-applies it). */
  hash: string
  /** Hash of the hostnet network's XML alone (a change of the interfaces alone leaves the network running). */
  xmlHash?: string
  /** Interfaces the network made here (removed with it). */
  owned: string[]
  /** The hostnet network it defined (the logical network's name). */
  network: string
}

export interface AgentApplied {
  networks: Record<string, AppliedNetwork>
  /** Document name → hash of the document it applied. */
  documents: Record<string, string>
}

export interface AgentRecord {
  hostId: string
  revision: number
  applied: AgentApplied
  updatedMs: number
}

export class ClusterAgentRecords {
  constructor(private readonly db: Database.Database) {}

  get(hostId: string): AgentRecord | undefined {
    const row = prepared(this.db, 'SELECT host_id, revision, applied, updated_ms FROM cluster_agent WHERE host_id = ?').get(hostId) as
      | { host_id: string; revision: number; applied: string; updated_ms: number }
      | undefined
    if (row === undefined) return undefined
    let applied: AgentApplied
    try {
      applied = JSON.parse(row.applied) as AgentApplied
    } catch (e) {
      throw new HostnetError('backend-failure', `the cluster agent record of host '${hostId}' is not JSON`, { cause: e })
    }
    return { hostId: row.host_id, revision: row.revision, applied: { networks: applied.networks ?? {}, documents: applied.documents ?? {} }, updatedMs: row.updated_ms }
  }

  put(hostId: string, revision: number, applied: AgentApplied, nowMs: number): void {
    prepared(
      this.db,
      `INSERT INTO cluster_agent (host_id, revision, applied, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (host_id) DO UPDATE SET revision = excluded.revision, applied = excluded.applied, updated_ms = excluded.updated_ms`,
    ).run(hostId, revision, JSON.stringify(applied), nowMs)
  }
}
