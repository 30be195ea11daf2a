/**
 * Sink cursors: how far each sink of the outbox has got in the event log, and its health
 * (docs/decisions.md, "Events out"). A sink is claimed by one process at a time with a lease, so
 * that replicas never deliver the same sink's events concurrently (order would not hold).
 */
import type { DcpEvent } from '../core/events.ts';
import type { Queryable } from './db.ts';
import { listEvents } from './events.ts';

export interface SinkCursor {
  name: string;
  position: number;
  delivered: number;
  attempts: number;
  failingSince: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastDeliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

interface CursorRow {
  name: string; position: string; delivered: string; attempts: number; failing_since: Date | null; last_error: string | null;
  last_error_at: Date | null; last_delivered_at: Date | null; next_attempt_at: Date | null;
}

const COLUMNS = 'name, position, delivered, attempts, failing_since, last_error, last_error_at, last_delivered_at, next_attempt_at';

const cursor = (r: CursorRow): SinkCursor => ({
  name: r.name, position: Number(r.position), delivered: Number(r.delivered), attempts: r.attempts, failingSince: r.failing_since,
  lastError: r.last_error, lastErrorAt: r.last_error_at, lastDeliveredAt: r.last_delivered_at, nextAttemptAt: r.next_attempt_at,
});

/** A new sink starts at the end of the log: it gets what happens from now on, not the history. */
export async function ensureCursor(q: Queryable, name: string, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO sink_cursors (name, position, created_at, updated_at)
     SELECT $1, COALESCE(max(position), 0), $2, $2 FROM events
     ON CONFLICT (name) DO NOTHING`,
    [name, now],
  );
}

/** Takes the sink for `leaseMs` unless another process holds it or its next attempt is not due. */
export async function claimSink(q: Queryable, name: string, owner: string, now: Date, leaseMs: number): Promise<SinkCursor | null> {
  const [row] = await q.query<CursorRow>(
    `UPDATE sink_cursors SET locked_by = $2, locked_until = $3
      WHERE name = $1 AND (locked_until IS NULL OR locked_until < $4 OR locked_by = $2) AND (next_attempt_at IS NULL OR next_attempt_at <= $4)
      RETURNING ${COLUMNS}`,
    [name, owner, new Date(now.getTime() + leaseMs), now],
  );
  return row ? cursor(row) : null;
}

/** The events after the sink's position, oldest first. */
export function eventsAfter(q: Queryable, position: number, limit: number): Promise<DcpEvent[]> {
  return listEvents(q, { after: position, limit });
}

/**
 * Records a delivery call: the position reached, how many were delivered, and the failure if it
 * stopped on one; the lease is given up, or with `keepUntil` extended (the pass goes on with the next batch).
 */
export async function recordPass(
  q: Queryable,
  name: string,
  owner: string,
  pass: { position: number; delivered: number; error: string | null; nextAttemptAt: Date | null; keepUntil?: Date },
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE sink_cursors SET
        position = GREATEST(position, $3), delivered = delivered + $4, updated_at = $6,
        last_delivered_at = CASE WHEN $4 > 0 THEN $6 ELSE last_delivered_at END,
        attempts = CASE WHEN $5::text IS NULL THEN 0 ELSE attempts + 1 END,
        failing_since = CASE WHEN $5::text IS NULL THEN NULL ELSE COALESCE(failing_since, $6) END,
        last_error = COALESCE($5, last_error), last_error_at = CASE WHEN $5::text IS NULL THEN last_error_at ELSE $6 END,
        next_attempt_at = $7,
        locked_by = CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE locked_by END, locked_until = $8
      WHERE name = $1 AND locked_by = $2`,
    [name, owner, pass.position, pass.delivered, pass.error, now, pass.nextAttemptAt, pass.keepUntil ?? null],
  );
}

export async function listCursors(q: Queryable): Promise<SinkCursor[]> {
  const rows = await q.query<CursorRow>(`SELECT ${COLUMNS} FROM sink_cursors ORDER BY name`);
  return rows.map(cursor);
}

export async function deleteCursor(q: Queryable, name: string): Promise<void> {
  await q.query('DELETE FROM sink_cursors WHERE name = $1', [name]);
}

/** The log's last position (how far a sink could be). */
export async function lastPosition(q: Queryable): Promise<number> {
  const [row] = await q.query<{ p: string | null }>('SELECT max(position) AS p FROM events');
  return Number(row?.p ?? 0);
}

/** Frees every sink's lease (the embedded database at start: no other process can hold one). */
export async function resetSinkLeases(q: Queryable): Promise<void> {
  await q.query('UPDATE sink_cursors SET locked_by = NULL, locked_until = NULL WHERE locked_by IS NOT NULL');
}
