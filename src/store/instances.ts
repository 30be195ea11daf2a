/**
 * The DCP processes sharing the database (migration 012): a heartbeat row per process, and the
 * takeover of a dead one's leases. See engine/instances.ts for the timing.
 */
import type { Db, Queryable } from './db.ts';
import { notifyWorkers } from './jobs.ts';

export interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  startedAt: Date;
  lastSeen: Date;
  draining: boolean;
}

interface Row { id: string; host: string; pid: number; started_at: Date; last_seen: Date; draining: boolean }

/** Writes (or writes again) this process's row. */
export async function registerInstance(q: Queryable, i: { id: string; host: string; pid: number; now: Date; draining?: boolean }): Promise<void> {
  await q.query(
    `INSERT INTO instances (id, host, pid, started_at, last_seen, draining) VALUES ($1, $2, $3, $4, $4, $5)
     ON CONFLICT (id) DO UPDATE SET last_seen = EXCLUDED.last_seen, draining = EXCLUDED.draining`,
    [i.id, i.host, i.pid, i.now, i.draining ?? false],
  );
}

/** Refreshes `last_seen`; false when the row is gone (another process took this one for dead). */
export async function beat(q: Queryable, id: string, now: Date, draining: boolean): Promise<boolean> {
  const rows = await q.query('UPDATE instances SET last_seen = GREATEST(last_seen, $2), draining = $3 WHERE id = $1 RETURNING 1', [id, now, draining]);
  return rows.length > 0;
}

export async function listInstances(q: Queryable): Promise<InstanceRow[]> {
  const rows = await q.query<Row>('SELECT id, host, pid, started_at, last_seen, draining FROM instances ORDER BY started_at, id');
  return rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, startedAt: r.started_at, lastSeen: r.last_seen, draining: r.draining }));
}

export interface Takeover {
  instances: string[];
  jobs: number;
  sinks: number;
}

/**
 * Deletes the rows of `dead` instances still as they were seen (`lastSeen`: a process that beat
 * meanwhile is alive) and frees every job and sink lease they held, in one transaction; the
 * workers of every process are woken to claim the freed jobs.
 */
export async function takeOver(db: Db, dead: { id: string; lastSeen: Date }[]): Promise<Takeover> {
  if (dead.length === 0) return { instances: [], jobs: 0, sinks: 0 };
  return db.transaction(async (tx) => {
    const gone = await tx.query<{ id: string }>(
      `DELETE FROM instances i USING unnest($1::text[], $2::timestamptz[]) AS d(id, last_seen)
        WHERE i.id = d.id AND i.last_seen = d.last_seen RETURNING i.id`,
      [dead.map((d) => d.id), dead.map((d) => d.lastSeen)],
    );
    const ids = gone.map((g) => g.id);
    if (ids.length === 0) return { instances: [], jobs: 0, sinks: 0 };
    const freed = await freeLeases(tx, ids);
    return { instances: ids, ...freed };
  });
}

/** A clean stop: this process's row goes, and so do its leases (whatever it still held is handed back at once). */
export async function retireInstance(db: Db, id: string): Promise<{ jobs: number; sinks: number }> {
  return db.transaction(async (tx) => {
    await tx.query('DELETE FROM instances WHERE id = $1', [id]);
    return freeLeases(tx, [id]);
  });
}

async function freeLeases(tx: Queryable, owners: string[]): Promise<{ jobs: number; sinks: number }> {
  const jobs = await tx.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by = ANY($1::text[]) RETURNING id', [owners]);
  const sinks = await tx.query('UPDATE sink_cursors SET locked_by = NULL, locked_until = NULL WHERE locked_by = ANY($1::text[]) RETURNING name', [owners]);
  if (jobs.length > 0) await notifyWorkers(tx);
  return { jobs: jobs.length, sinks: sinks.length };
}

/** The embedded database at start: no other process can be running, whatever rows were left. */
export async function forgetOtherInstances(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM instances WHERE id <> $1', [id]);
}
