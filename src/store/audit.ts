/** The audit trail: one row per write (and sign-in), appended, never changed. */
import { gathered, type Queryable } from './db.ts';

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

/** Records written on one transaction in the same turn (builds posted at once) go in one statement. */
export function appendAudit(q: Queryable, entry: AuditEntry, now: Date): Promise<void> {
  return gatherAudit(q, { entry, now });
}

const gatherAudit = gathered<{ entry: AuditEntry; now: Date }>(async (q, items) => {
  await q.query(
    `INSERT INTO audit (at, actor, actor_kind, token_id, action, resource, outcome, status, address, user_agent, detail)
     SELECT at, actor, actor_kind, token_id, action, resource, outcome, status, address, user_agent, detail FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::jsonb[])
       WITH ORDINALITY AS a(at, actor, actor_kind, token_id, action, resource, outcome, status, address, user_agent, detail, n)
      ORDER BY n`,
    [items.map((i) => i.now), items.map((i) => i.entry.actor), items.map((i) => i.entry.actorKind), items.map((i) => i.entry.tokenId),
      items.map((i) => i.entry.action), items.map((i) => i.entry.resource), items.map((i) => i.entry.outcome), items.map((i) => i.entry.status),
      items.map((i) => i.entry.address), items.map((i) => i.entry.userAgent), items.map((i) => (i.entry.detail === null ? null : JSON.stringify(i.entry.detail)))],
  );
});

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
