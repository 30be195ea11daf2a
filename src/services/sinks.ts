/**
 * The health of the outbox's sinks (engine/delivery.ts), for the app's Webhooks page: per sink
 * how far behind the log it is, whether it is failing and since when, its last error, and when
 * it is tried next. /metrics shows the same numbers to Prometheus (services/system.ts).
 *
 * Admins only (`sinks:read`): a webhook sink's name holds its subscription's id, and an error may
 * name the receiver's host or echo its answer.
 */
import type { Principal } from '../core/access.ts';
import type { Db } from '../store/db.ts';
import { lastPosition, listCursors, type SinkCursor } from '../store/sinks.ts';
import { authorize } from './auth.ts';

export const SINK_KINDS = ['nats', 'webhook', 'slack', 'other'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export interface SinkHealth {
  name: string;
  kind: SinkKind;
  /** The subscription a `webhook:<id>` sink delivers to; null for other kinds. */
  webhookId: string | null;
  lag: number;
  delivered: number;
  failing: boolean;
  /** Failed delivery calls in a row (0 when the last one went through). */
  attempts: number;
  failingSince: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface SinkService {
  /** Every sink with a cursor, by name. */
  health(principal: Principal | null): Promise<{ items: SinkHealth[] }>;
}

/** What a sink is, by the name delivery keeps its cursor under (`nats`, `webhook:<id>`, `slack…`). */
export function sinkKind(name: string): { kind: SinkKind; webhookId: string | null } {
  if (name === 'nats') return { kind: 'nats', webhookId: null };
  if (name.startsWith('webhook:')) return { kind: 'webhook', webhookId: name.slice('webhook:'.length) };
  if (name === 'slack' || name.startsWith('slack:')) return { kind: 'slack', webhookId: null };
  return { kind: 'other', webhookId: null };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function sinkHealth(cursor: SinkCursor, last: number): SinkHealth {
  return {
    name: cursor.name,
    ...sinkKind(cursor.name),
    lag: Math.max(0, last - cursor.position),
    delivered: cursor.delivered,
    failing: cursor.failingSince !== null,
    attempts: cursor.attempts,
    failingSince: iso(cursor.failingSince),
    lastError: cursor.lastError,
    lastErrorAt: iso(cursor.lastErrorAt),
    lastDeliveredAt: iso(cursor.lastDeliveredAt),
    nextAttemptAt: iso(cursor.nextAttemptAt),
  };
}

export function createSinkService(deps: { db: Db }): SinkService {
  const { db } = deps;
  return {
    async health(principal) {
      authorize(principal, 'sinks:read');
      const [cursors, last] = await Promise.all([listCursors(db), lastPosition(db)]);
      return { items: cursors.map((c) => sinkHealth(c, last)) };
    },
  };
}
