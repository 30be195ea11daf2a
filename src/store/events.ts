/**
 * The outbox and event log. Events are written in the caller's transaction (the transaction of
 * the change they record), with a `position` in commit order: `appendEvents` takes the relay's
 * lock and holds it through the commit; `relay` positions the few written without one
 * (`appendPlatformEvent`) under the same lock. So a reader that has seen position P never later
 * finds an event below P. Readers page by position; the live stream resumes from it.
 */
import type { DcpEvent, DeploymentEventData, DeploymentEventType, PlatformEventData, PlatformEventType } from '../core/events.ts';
import { allInOrder, type Db, type Queryable } from './db.ts';

const RELAY_LOCK = 727_002;
/** How many events one relay transaction positions at most. */
export const RELAY_BATCH = 5000;
/** The NOTIFY channel that tells every process's readers (the live stream) new events are positioned. */
export const EVENTS_CHANNEL = 'dcp_events';

export async function notifyEventReaders(q: Queryable): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '']);
}
export const EVENT_SOURCE = '/dcp';

export interface NewDeploymentEvent {
  id: string;
  type: DeploymentEventType;
  time: Date;
  data: DeploymentEventData;
}

/**
 * A transaction's deployment events, positioned as they are written: its last statements before
 * COMMIT. The relay's lock is taken first and held through the commit, so positions follow commit
 * order and are never written twice (the relay positions only what was written without:
 * `appendPlatformEvent`). Nothing may follow in the transaction but its COMMIT: a transaction
 * that waited for a row while holding the lock would hold up every other writer's events.
 */
export async function appendEvents(tx: Queryable | Db, events: readonly NewDeploymentEvent[]): Promise<void> {
  if (events.length === 0) return;
  if ('transaction' in tx) return tx.transaction((t) => appendEvents(t, events)); // the lock lasts a transaction
  // Side by side (a pipelined connection): the insert goes out behind the lock, and its snapshot
  // is taken once the lock is held (a statement of its own), after every earlier holder's commit.
  await allInOrder([tx.query('SELECT pg_advisory_xact_lock($1)', [RELAY_LOCK]), tx.query(INSERT_POSITIONED, eventValues(events))]);
}

/**
 * In the order given: their `seq`, hence their log order, numbered after the newest position. The
 * events go as one JSON document (not an array parameter per column, whose every element
 * node-postgres escapes in JavaScript: see insertDeployments).
 */
const INSERT_POSITIONED = `INSERT INTO events (id, type, source, subject, time, deployment_id, data, position)
     SELECT e.v->>'id', e.v->>'type', $1, 'deployments/' || (e.v->'data'->>'deploymentId'), (e.v->>'time')::timestamptz,
            e.v->'data'->>'deploymentId', e.v->'data', newest.p + e.n
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n),
            (SELECT COALESCE(max(position), 0) AS p FROM events) AS newest
      ORDER BY e.n`;

function eventValues(events: readonly NewDeploymentEvent[]): unknown[] {
  return [EVENT_SOURCE, JSON.stringify(events)];
}

/**
 * An event about DCP itself (core/events.ts), in the caller's transaction. An id seen before
 * writes nothing (a redelivered cause names the same id): returns whether it was written.
 */
export async function appendPlatformEvent<T extends PlatformEventType>(
  tx: Queryable,
  event: { id: string; type: T; time: Date; subject: string; data: PlatformEventData[T] },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO events (id, type, source, subject, time, deployment_id, data) VALUES ($1, $2, $3, $4, $5, NULL, $6)
     ON CONFLICT (id) DO NOTHING RETURNING seq`,
    [event.id, event.type, EVENT_SOURCE, event.subject, event.time, JSON.stringify(event.data)],
  );
  return rows.length > 0;
}

/** Positions every committed, unrelayed event; returns how many. */
export async function relay(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [RELAY_LOCK]);
    // Numbered explicitly: an UPDATE does not apply nextval() in any promised order.
    const rows = await tx.query(
      `WITH todo AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM events WHERE position IS NULL ORDER BY seq LIMIT ${RELAY_BATCH}),
            base AS (SELECT COALESCE(max(position), 0) AS b FROM events)
       UPDATE events e SET position = base.b + todo.n FROM todo, base WHERE e.seq = todo.seq
       RETURNING e.seq`,
    );
    return rows.length;
  });
}

interface EventRow {
  id: string;
  position: number;
  type: DcpEvent['type'];
  source: string;
  subject: string;
  time: Date;
  data: DcpEvent['data'];
}

function toEvent(row: EventRow): DcpEvent {
  // The type and its data were written together (appendEvent, appendPlatformEvent).
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: row.time.toISOString(),
    datacontenttype: 'application/json',
    data: row.data,
    position: row.position,
  } as DcpEvent;
}

/** Events after position `after` (oldest first), optionally of one deployment. */
export async function listEvents(q: Queryable, opts: { after: number; deploymentId?: string; limit: number }): Promise<DcpEvent[]> {
  const rows = opts.deploymentId
    ? await q.query<EventRow>(
        `SELECT id, position, type, source, subject, time, data FROM events
          WHERE deployment_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
        [opts.deploymentId, opts.after, opts.limit],
      )
    : await q.query<EventRow>(
        `SELECT id, position, type, source, subject, time, data FROM events
          WHERE position > $1 ORDER BY position LIMIT $2`,
        [opts.after, opts.limit],
      );
  return rows.map(toEvent);
}

/** Events before position `before` (newest first): the log read backwards, as lists are. */
export async function listEventsBefore(
  q: Queryable,
  opts: { before?: number; deploymentId?: string; limit: number },
): Promise<DcpEvent[]> {
  const rows = await q.query<EventRow>(
    `SELECT id, position, type, source, subject, time, data FROM events
      WHERE position IS NOT NULL AND ($1::bigint IS NULL OR position < $1) AND ($2::text IS NULL OR deployment_id = $2)
      ORDER BY position DESC LIMIT $3`,
    [opts.before ?? null, opts.deploymentId ?? null, opts.limit],
  );
  return rows.map(toEvent);
}
