/**
 * The audit trail. A request that writes carries a `Caller`: who (the principal), from where
 * (address, user agent) and what (the route). The service that makes the change appends the
 * record in the same transaction (`record`), so a change is never without its record nor a
 * record without its change; what no service recorded — a refusal, a failure, an idempotent
 * repeat, a sign-in — the API records when it answers (`recordAnswer`). Either way: exactly one
 * record per write request. No secret ever reaches a record: only names, ids and outcomes.
 */
import type { Principal } from '../core/access.ts';
import type { Clock } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import * as store from '../store/audit.ts';
import type { Queryable } from '../store/db.ts';

export interface Caller {
  /** Null when the caller is not (yet) known: a refused or public request. */
  principal: Principal | null;
  /** The route: `POST /api/v1/deployments/:id/cancel`. */
  action: string;
  address: string | null;
  userAgent: string | null;
  /**
   * Whether a service wrote this request's record in its transaction. An error answer means that
   * transaction rolled back (its record with it): the answer is recorded then.
   */
  audited: boolean;
}

export interface AuditService {
  /** Appends the record of a change, in the change's transaction. */
  record(tx: Queryable, caller: Caller, resource: string | null, detail?: Record<string, unknown>): Promise<void>;
  /** Appends the record of an answer no service recorded (a refusal, a failure, a repeat, a sign-in). */
  recordAnswer(caller: Caller, answer: { status: number; resource: string | null; detail?: Record<string, unknown> }): Promise<void>;
  list(filter: { actor?: string; action?: string; resource?: string; outcome?: string; limit: number; cursor?: string }): Promise<{ items: store.AuditRecord[]; nextCursor: string | null }>;
}

function actorOf(caller: Caller): Pick<store.AuditEntry, 'actor' | 'actorKind' | 'tokenId'> {
  const p = caller.principal;
  if (!p) return { actor: 'anonymous', actorKind: 'anonymous', tokenId: null };
  return { actor: p.name, actorKind: p.kind, tokenId: p.tokenId };
}

const outcomeOf = (status: number): store.AuditEntry['outcome'] => (status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failed');

export function createAuditService(deps: { db: Queryable; clock: Clock }): AuditService {
  const entry = (caller: Caller, resource: string | null, outcome: store.AuditEntry['outcome'], status: number | null, detail?: Record<string, unknown>): store.AuditEntry => ({
    ...actorOf(caller), action: caller.action, resource, outcome, status, address: caller.address, userAgent: caller.userAgent?.slice(0, 500) ?? null,
    detail: detail ?? null,
  });
  return {
    async record(tx, caller, resource, detail) {
      await store.appendAudit(tx, entry(caller, resource, 'success', null, detail), deps.clock.now());
      caller.audited = true;
    },
    async recordAnswer(caller, answer) {
      if (caller.audited && answer.status < 400) return;
      await store.appendAudit(deps.db, entry(caller, answer.resource, outcomeOf(answer.status), answer.status, answer.detail), deps.clock.now());
      caller.audited = true;
    },
    async list(filter) {
      let before: number | undefined;
      if (filter.cursor !== undefined) {
        if (!/^\d{1,15}$/.test(filter.cursor)) throw new InputError('bad cursor', [{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
        before = Number(filter.cursor);
      }
      const rows = await store.listAudit(deps.db, { ...filter, before, limit: filter.limit + 1 });
      const items = rows.slice(0, filter.limit);
      return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null };
    },
  };
}
