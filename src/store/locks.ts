/**
 * Service×target locks: two deployments never release the same service to the same target at
 * once. The first release to ask holds the lock; later ones queue (their `queue_seq`), and when
 * the holder ends the lock passes straight to the earliest one still waiting — first come, first
 * served. A transaction-scoped advisory lock per service×target serialises queueing and hand-over,
 * so a waiter can never queue unseen while the holder frees the lock.
 *
 * A free lock is taken without the advisory lock: the insert either wins the key (nobody holds it,
 * nobody can be queued for it) or finds it held — also when a hand-over in flight inserts the next
 * holder, since an insert waits for the transaction that deleted a conflicting key — and only
 * then serialises and queues. One statement for the usual case, two for a free.
 */
import type { Queryable } from './db.ts';

async function serialise(tx: Queryable, service: string, target: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))", [service, target]);
}

export interface LockHolder {
  releaseId: string;
  deploymentId: string;
}

/** Takes the lock for a release, or queues it; returns the holder it waits for when it must wait. */
export async function acquire(
  tx: Queryable,
  r: { releaseId: string; deploymentId: string; service: string; target: string },
  now: Date,
): Promise<LockHolder | null> {
  const take = () => tx.query(
    `INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (service, target) DO NOTHING RETURNING release_id`,
    [r.service, r.target, r.releaseId, r.deploymentId, now],
  );
  if ((await take()).length > 0) return null;
  await serialise(tx, r.service, r.target);
  if ((await take()).length > 0) return null; // freed meanwhile
  const [holder] = await tx.query<{ release_id: string; deployment_id: string }>(
    'SELECT release_id, deployment_id FROM target_locks WHERE service = $1 AND target = $2',
    [r.service, r.target],
  );
  if (holder.release_id === r.releaseId) return null; // already ours (a repeated signal)
  await tx.query(
    "UPDATE releases SET queued_at = COALESCE(queued_at, $2), queue_seq = COALESCE(queue_seq, nextval('release_queue')) WHERE id = $1",
    [r.releaseId, now],
  );
  return { releaseId: holder.release_id, deploymentId: holder.deployment_id };
}

/**
 * Frees the lock a release holds (a no-op if it holds none, and it leaves any queue). Returns the
 * next release in line, which now holds the lock; the caller must tell its deployment.
 */
export async function free(
  tx: Queryable,
  r: { releaseId: string; service: string; target: string },
  now: Date,
): Promise<LockHolder | null> {
  await serialise(tx, r.service, r.target);
  // Leave the queue (when in it), give up the lock (when held), and find who is next: one statement.
  const [row] = await tx.query<{ held: boolean; id: string | null; deployment_id: string | null }>(
    `WITH left_queue AS (UPDATE releases SET queued_at = NULL, queue_seq = NULL WHERE id = $3 AND queue_seq IS NOT NULL RETURNING 1),
          held AS (DELETE FROM target_locks WHERE service = $1 AND target = $2 AND release_id = $3 RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM held) AS held, next.id, next.deployment_id
       FROM (SELECT count(*) FROM left_queue) AS done
       LEFT JOIN LATERAL (
         SELECT id, deployment_id FROM releases
          WHERE service = $1 AND target = $2 AND status = 'Pending' AND queue_seq IS NOT NULL AND id <> $3
          ORDER BY queue_seq LIMIT 1) AS next ON true`,
    [r.service, r.target, r.releaseId],
  );
  if (!row.held || !row.id || !row.deployment_id) return null;
  const next = { id: row.id, deployment_id: row.deployment_id };
  await tx.query(
    'INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at) VALUES ($1, $2, $3, $4, $5)',
    [r.service, r.target, next.id, next.deployment_id, now],
  );
  await tx.query('UPDATE releases SET queued_at = NULL, queue_seq = NULL WHERE id = $1', [next.id]);
  return { releaseId: next.id, deploymentId: next.deployment_id };
}
