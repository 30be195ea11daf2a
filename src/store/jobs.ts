/**
 * Durable work and timers. Every pending step of every deployment is a row: a signal to process,
 * a scan to poll, a release to run. Workers claim due rows with FOR UPDATE SKIP LOCKED and hold a
 * lease while they work; a worker that dies leaves its lease to expire (or, on the embedded
 * database, to be reset at the next start), and the job runs again — every job is idempotent.
 */
import { allInOrder, type Queryable } from './db.ts';

/** The NOTIFY channel that wakes every process's workers; the payload `stop` says a release was asked to stop. */
export const WAKE_CHANNEL = 'dcp_wake';
export const STOP_PAYLOAD = 'stop';
/** Between what a wake-up says and who sent it. */
const SENDER = ' from ';

/**
 * Wakes the workers of every process once the transaction commits. `from`: the process that sends
 * it, when it has woken its own workers already (they skip their echo: `wakeOf`).
 */
export async function notifyWorkers(tx: Queryable, stops = false, from?: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, `${stops ? STOP_PAYLOAD : ''}${from === undefined ? '' : `${SENDER}${from}`}`]);
}

/** What a notification on WAKE_CHANNEL says: whether a release may have been asked to stop, and who sent it (if it said). */
export function wakeOf(payload: string): { stops: boolean; from: string | null } {
  const at = payload.indexOf(SENDER);
  return { stops: (at < 0 ? payload : payload.slice(0, at)) === STOP_PAYLOAD, from: at < 0 ? null : payload.slice(at + SENDER.length) };
}

export type JobKind =
  | 'deployment.signal' | 'scan.poll' | 'release.run' | 'checks.run' | 'changecase.sync'
  | 'workflow.submit' | 'workflow.reconcile' | 'workflow.stop';

export interface Job {
  id: number;
  generation: number;
  kind: JobKind;
  deploymentId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  dueAt: Date;
}

export interface NewJob {
  kind: JobKind;
  deploymentId: string;
  payload?: Record<string, unknown>;
  dueAt: Date;
  /** At most one job per key: a repeat of an enqueued job is a no-op. */
  dedupeKey?: string;
}

export async function enqueue(tx: Queryable, job: NewJob, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO jobs (kind, deployment_id, payload, dedupe_key, due_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING`,
    [job.kind, job.deploymentId, JSON.stringify(job.payload ?? {}), job.dedupeKey ?? null, job.dueAt, now],
  );
}

/**
 * A transaction's writes to the jobs table, in order: `insert` (a no-op when its key is taken),
 * `upsert` (a timer set: due at `dueAt` whether it existed or not) and `delete` (a timer removed).
 */
export type JobWrite = { op: 'insert'; job: NewJob } | { op: 'upsert'; job: NewJob & { dedupeKey: string } } | { op: 'delete'; dedupeKey: string };

/**
 * What a list of job writes leaves, one write per key: the last upsert or delete of a key wins, an
 * insert after a delete is an upsert, an insert after an upsert (or an earlier insert) is a no-op.
 * So the writes of many signals go in a few statements, in any order between keys.
 */
export function reduceJobWrites(writes: readonly JobWrite[]): { inserts: NewJob[]; upserts: (NewJob & { dedupeKey: string })[]; deletes: string[] } {
  const inserts: NewJob[] = [];
  const byKey = new Map<string, JobWrite>();
  for (const write of writes) {
    if (write.op === 'insert' && !write.job.dedupeKey) {
      inserts.push(write.job);
      continue;
    }
    const key = write.op === 'delete' ? write.dedupeKey : write.job.dedupeKey!;
    const before = byKey.get(key);
    if (write.op !== 'insert' || !before) byKey.set(key, write);
    else if (before.op === 'delete') byKey.set(key, { op: 'upsert', job: { ...write.job, dedupeKey: key } });
  }
  const upserts: (NewJob & { dedupeKey: string })[] = [];
  const deletes: string[] = [];
  for (const [key, write] of byKey) {
    if (write.op === 'delete') deletes.push(key);
    else if (write.op === 'upsert') upserts.push(write.job);
    else inserts.push(write.job);
  }
  return { inserts, upserts, deletes };
}

const jobColumns = (list: readonly NewJob[]) => [list.map((j) => j.kind), list.map((j) => j.deploymentId), list.map((j) => JSON.stringify(j.payload ?? {})),
  list.map((j) => j.dedupeKey ?? null), list.map((j) => j.dueAt)];

/**
 * Carries out job writes (reduced, `reduceJobWrites`): at most two statements, the removed and
 * re-armed timers and the new jobs, sent side by side (distinct keys: no row is touched by both).
 * Both are sent before this returns its promise: what the caller sends next goes after them.
 *
 * With `claim`, new jobs due by `now` (up to `claim.limit`) are written claimed by `claim.owner`
 * under a lease, and returned: the writer runs them once it commits, with no claim of its own
 * (a crash leaves them to the lease or a takeover, like any claimed job).
 */
export async function writeJobs(tx: Queryable, writes: readonly JobWrite[], now: Date, claim?: { owner: string; until: Date; limit: number }): Promise<Job[]> {
  const { inserts, upserts, deletes } = reduceJobWrites(writes);
  const statements: Promise<unknown>[] = [];
  if (upserts.length > 0 || deletes.length > 0) {
    statements.push(tx.query(
      `WITH removed AS (DELETE FROM jobs WHERE dedupe_key = ANY($6::text[]) RETURNING 1)
       INSERT INTO jobs (kind, deployment_id, payload, dedupe_key, due_at, created_at)
       SELECT j.kind, j.deployment_id, j.payload, j.dedupe_key, j.due_at, $7::timestamptz
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::timestamptz[]) AS j(kind, deployment_id, payload, dedupe_key, due_at)
       ON CONFLICT (dedupe_key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, attempts = 0,
         locked_by = NULL, locked_until = NULL, generation = jobs.generation + 1`,
      [...jobColumns(upserts), deletes, now],
    ));
  }
  let claimable = claim ? claim.limit : 0;
  const claimed = inserts.map((j) => j.dueAt <= now && claimable-- > 0);
  const inserting = inserts.length === 0 ? Promise.resolve([]) : tx.query<JobRow & { claimed: boolean }>(
    `INSERT INTO jobs (kind, deployment_id, payload, dedupe_key, due_at, created_at, locked_by, locked_until, attempts)
     SELECT j.kind, j.deployment_id, j.payload, j.dedupe_key, j.due_at, $6::timestamptz,
            CASE WHEN j.claimed THEN $8 END, CASE WHEN j.claimed THEN $9::timestamptz END, CASE WHEN j.claimed THEN 1 ELSE 0 END
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::timestamptz[], $7::boolean[]) WITH ORDINALITY AS j(kind, deployment_id, payload, dedupe_key, due_at, claimed, n)
      ORDER BY j.n
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id, generation, kind, deployment_id, payload, attempts, due_at, locked_by IS NOT NULL AS claimed`,
    [...jobColumns(inserts), now, claimed, claim?.owner ?? null, claim?.until ?? null],
  );
  statements.push(inserting);
  await allInOrder(statements);
  return (await inserting).filter((r) => r.claimed).map(toJob);
}

/** Sets a timer: the keyed job becomes due at `dueAt`, whether it existed or not. */
export async function schedule(tx: Queryable, job: NewJob & { dedupeKey: string }, now: Date): Promise<void> {
  await writeJobs(tx, [{ op: 'upsert', job }], now);
}

interface JobRow {
  id: number;
  generation: number;
  kind: JobKind;
  deployment_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  due_at: Date;
}

const toJob = (r: JobRow): Job => ({ id: r.id, generation: r.generation, kind: r.kind, deploymentId: r.deployment_id, payload: r.payload, attempts: r.attempts, dueAt: r.due_at });

export async function claim(tx: Queryable, opts: { owner: string; now: Date; leaseMs: number; limit: number; kinds?: JobKind[] }): Promise<Job[]> {
  const rows = await tx.query<JobRow>(
    `UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM jobs
         WHERE due_at <= $3 AND (locked_until IS NULL OR locked_until < $3) AND ($5::text[] IS NULL OR kind = ANY($5::text[]))
         ORDER BY due_at, id LIMIT $4
         FOR UPDATE SKIP LOCKED)
      RETURNING id, generation, kind, deployment_id, payload, attempts, due_at`,
    [opts.owner, new Date(opts.now.getTime() + opts.leaseMs), opts.now, opts.limit, opts.kinds ?? null],
  );
  return rows
    .sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || a.id - b.id)
    .map(toJob);
}

/** Extends the lease of a job still being worked on. */
export async function renew(q: Queryable, id: number, owner: string, until: Date): Promise<void> {
  await q.query('UPDATE jobs SET locked_until = $3 WHERE id = $1 AND locked_by = $2', [id, owner, until]);
}

/**
 * Extends the leases of release jobs about to run, where this owner still holds them, and says
 * which of their releases were asked to stop, in one statement (one snapshot). A job not held was
 * taken over meanwhile (this process was taken for dead): it must not run. The caller registers
 * the releases as running first: a stop committed before this statement is seen here, and one
 * committed after it finds them registered.
 */
export async function holdReleases(
  q: Queryable, starts: readonly { jobId: number; releaseId: string }[], owner: string, until: Date,
): Promise<{ held: Set<number>; stopping: Set<string> }> {
  const rows = await q.query<{ what: 'held' | 'stopping'; id: string }>(
    `WITH held AS (UPDATE jobs SET locked_until = $3 WHERE id = ANY($1::bigint[]) AND locked_by = $2 RETURNING id)
     SELECT 'held' AS what, id::text AS id FROM held
     UNION ALL
     SELECT 'stopping', id FROM releases WHERE id = ANY($4::text[]) AND stop_requested_at IS NOT NULL`,
    [starts.map((s) => s.jobId), owner, until, starts.map((s) => s.releaseId)],
  );
  return {
    held: new Set(rows.filter((r) => r.what === 'held').map((r) => Number(r.id))),
    stopping: new Set(rows.filter((r) => r.what === 'stopping').map((r) => r.id)),
  };
}

/** Removes a finished job, unless it was re-armed meanwhile (then the new arming stands). */
export async function complete(tx: Queryable, job: Pick<Job, 'id' | 'generation'>): Promise<void> {
  await tx.query('DELETE FROM jobs WHERE id = $1 AND generation = $2', [job.id, job.generation]);
}

/**
 * Settles jobs in one statement: each removed (done), or put back to run at `again`; a job re-armed
 * meanwhile (another generation) is left as it is.
 */
export async function settleJobs(tx: Queryable, settled: readonly { job: Pick<Job, 'id' | 'generation'>; again?: Date }[]): Promise<void> {
  if (settled.length === 0) return;
  const done = settled.filter((s) => !s.again);
  const again = settled.filter((s) => s.again);
  await tx.query(
    `WITH done AS (DELETE FROM jobs j USING unnest($1::bigint[], $2::int[]) AS d(id, generation) WHERE j.id = d.id AND j.generation = d.generation RETURNING 1)
     UPDATE jobs j SET due_at = a.due_at, locked_by = NULL, locked_until = NULL, last_error = NULL
       FROM unnest($3::bigint[], $4::int[], $5::timestamptz[]) AS a(id, generation, due_at)
      WHERE j.id = a.id AND j.generation = a.generation`,
    [done.map((s) => s.job.id), done.map((s) => s.job.generation), again.map((s) => s.job.id), again.map((s) => s.job.generation), again.map((s) => s.again)],
  );
}

/** Puts a job back to run at `dueAt` (polling again, or a retry after an error), unless re-armed meanwhile. */
export async function reschedule(q: Queryable, job: Pick<Job, 'id' | 'generation'>, dueAt: Date, error?: string): Promise<void> {
  await q.query(
    'UPDATE jobs SET due_at = $3, locked_by = NULL, locked_until = NULL, last_error = $4 WHERE id = $1 AND generation = $2',
    [job.id, job.generation, dueAt, error ?? null],
  );
}

/** The earliest time any job becomes claimable, or null when there is none. */
export async function nextDueAt(q: Queryable): Promise<Date | null> {
  // Not a scan of every job (the timers of waiting deployments are many): the earliest unlocked
  // job by the due_at index, and the locked ones due no later (the few in flight) — any other job
  // is due after that one.
  const [row] = await q.query<{ at: Date | null }>(
    `WITH free AS (SELECT due_at FROM jobs WHERE locked_until IS NULL ORDER BY due_at LIMIT 1)
     SELECT LEAST((SELECT due_at FROM free),
                  (SELECT min(GREATEST(due_at, locked_until)) FROM jobs
                    WHERE locked_until IS NOT NULL AND due_at <= COALESCE((SELECT due_at FROM free), 'infinity'))) AS at`,
  );
  return row?.at ?? null;
}

/** Releases every lease (embedded database at start: no other process can hold one). */
export async function resetLeases(q: Queryable): Promise<number> {
  const rows = await q.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by IS NOT NULL RETURNING id');
  return rows.length;
}
