/** The audit trail: one row per write (and sign-in), appended, never changed. */
import type { Queryable } from './db.ts';

export interface AuditEntry {
  actor: string;
  actorKind: 'person' | 'service' | 'anonymous';
  tokenId: string | null;
  action: string;
  resource: string | null;
  outcome: 'success' | 'denied' | 'failed';
  status: number | null;
  address: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: string;
}

export async function appendAudit(q: Queryable, entry: AuditEntry, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO audit (at, actor, actor_kind, token_id, action, resource, outcome, status, address, user_agent, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [now, entry.actor, entry.actorKind, entry.tokenId, entry.action, entry.resource, entry.outcome, entry.status, entry.address,
      entry.userAgent, entry.detail === null ? null : JSON.stringify(entry.detail)],
  );
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  resource?: string;
  outcome?: string;
  limit: number;
  /** The id of the last record of the previous page. */
  before?: number;
}

/** Newest first. */
export async function listAudit(q: Queryable, f: AuditFilter): Promise<AuditRecord[]> {
  const rows = await q.query<{
    id: number; at: Date; actor: string; actor_kind: AuditEntry['actorKind']; token_id: string | null; action: string; resource: string | null;
    outcome: AuditEntry['outcome']; status: number | null; address: string | null; user_agent: string | null; detail: Record<string, unknown> | null;
  }>(
    `SELECT * FROM audit
      WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR resource = $3)
        AND ($4::text IS NULL OR outcome = $4) AND ($5::bigint IS NULL OR id < $5)
      ORDER BY id DESC LIMIT $6`,
    [f.actor ?? null, f.action ?? null, f.resource ?? null, f.outcome ?? null, f.before ?? null, f.limit],
  );
  return rows.map((r) => ({
    id: String(r.id), at: r.at.toISOString(), actor: r.actor, actorKind: r.actor_kind, tokenId: r.token_id, action: r.action, resource: r.resource,
    outcome: r.outcome, status: r.status, address: r.address, userAgent: r.user_agent, detail: r.detail,
  }));
}
