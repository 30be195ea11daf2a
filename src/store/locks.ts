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
 * then serialises and queues. The locks a transaction takes and frees go in one statement each
 * (a few more for a lock that was held, and for each hand-over).
 */
import { allInOrder, type Queryable } from './db.ts';

async function serialise(tx: Queryable, service: string, target: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))", [service, target]);
}

export interface LockHolder {
  releaseId: string;
  deploymentId: string;
}

export interface LockRequest {
  releaseId: string;
  deploymentId: string;
  service: string;
  target: string;
}

/**
 * Takes the locks for releases, or queues them: one statement when all are free (the usual case),
 * a few more for each one held. Returns, per release, the holder it waits for, or null (it holds it).
 */
export async function acquire(tx: Queryable, requests: readonly LockRequest[], now: Date): Promise<Map<string, LockHolder | null>> {
  const result = new Map<string, LockHolder | null>();
  if (requests.length === 0) return result;
  // In one order everywhere: two transactions inserting the same keys wait, they do not deadlock.
  requests = [...requests].sort((a, b) => (a.service + '/' + a.target < b.service + '/' + b.target ? -1 : 1));
  const taken = await tx.query<{ release_id: string }>(
    `INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at)
     SELECT r.service, r.target, r.release_id, r.deployment_id, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(service, target, release_id, deployment_id)
     ON CONFLICT (service, target) DO NOTHING RETURNING release_id`,
    [requests.map((r) => r.service), requests.map((r) => r.target), requests.map((r) => r.releaseId), requests.map((r) => r.deploymentId), now],
  );
  const won = new Set(taken.map((t) => t.release_id));
  // The held ones side by side, in the same order (a pipelined connection: one round trip).
  const held = requests.filter((r) => !won.has(r.releaseId));
  const holders = await allInOrder(held.map((r) => acquireHeld(tx, r, now)));
  for (const r of requests) result.set(r.releaseId, null);
  held.forEach((r, i) => result.set(r.releaseId, holders[i]));
  return result;
}

/**
 * The lock was held when asked for: serialise with its hand-over, then take it or queue, in one
 * statement behind the advisory lock (whose snapshot is taken once that is held).
 */
async function acquireHeld(tx: Queryable, r: LockRequest, now: Date): Promise<LockHolder | null> {
  const [, [row]] = await allInOrder<unknown>([
    serialise(tx, r.service, r.target),
    tx.query<{ won: boolean; release_id: string | null; deployment_id: string | null }>(
      `WITH won AS (INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (service, target) DO NOTHING RETURNING release_id),
            holder AS (SELECT release_id, deployment_id FROM target_locks WHERE service = $1 AND target = $2 AND NOT EXISTS (SELECT 1 FROM won)),
            queued AS (UPDATE releases SET queued_at = COALESCE(queued_at, $5), queue_seq = COALESCE(queue_seq, nextval('release_queue'))
                        WHERE id = $3 AND EXISTS (SELECT 1 FROM holder WHERE release_id <> $3))
       SELECT EXISTS (SELECT 1 FROM won) AS won, (SELECT release_id FROM holder) AS release_id, (SELECT deployment_id FROM holder) AS deployment_id`,
      [r.service, r.target, r.releaseId, r.deploymentId, now],
    ),
  ]) as [void, { won: boolean; release_id: string | null; deployment_id: string | null }[]];
  if (row.won) return null; // freed meanwhile
  if (row.release_id === r.releaseId) return null; // already ours (a repeated signal)
  if (row.release_id && row.deployment_id) return { releaseId: row.release_id, deploymentId: row.deployment_id };
  // The insert met a holder whose own insert committed while it waited: one this statement's
  // snapshot (taken before) does not show. Read it, and queue, as statements of their own.
  return queueBehind(tx, r, now);
}

async function queueBehind(tx: Queryable, r: LockRequest, now: Date): Promise<LockHolder | null> {
  const taken = await tx.query(
    `INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (service, target) DO NOTHING RETURNING release_id`,
    [r.service, r.target, r.releaseId, r.deploymentId, now],
  );
  if (taken.length > 0) return null; // freed meanwhile
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
 * Frees the locks releases hold (a no-op for one that holds none; one in a queue leaves it), and
 * hands each freed lock to the earliest release still waiting for it. Returns those next
 * releases (with the release that `freed` each), which now hold the locks; the caller must tell
 * their deployments. Three statements whatever their number (two when nobody waits).
 */
export async function free(tx: Queryable, releases: readonly { releaseId: string; service: string; target: string }[], now: Date): Promise<(LockHolder & { freed: string })[]> {
  if (releases.length === 0) return [];
  const ids = releases.map((r) => r.releaseId);
  // The keys' hand-overs are serialised with queueing (acquireHeld), taken in one order.
  await tx.query(
    `SELECT pg_advisory_xact_lock(k.h) FROM (SELECT DISTINCT hashtext(s || '/' || t) AS h FROM unnest($1::text[], $2::text[]) AS x(s, t) ORDER BY 1) AS k`,
    [releases.map((r) => r.service), releases.map((r) => r.target)],
  );
  // Leave the queues, give up the locks, and find who is next for each lock given up: one
  // statement. Its parts read the rows as they were before it, so the releases leaving are
  // excluded from the next in line by id.
  const next = await tx.query<{ service: string; target: string; freed: string; id: string; deployment_id: string }>(
    `WITH r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, service, target)),
          left_queue AS (UPDATE releases SET queued_at = NULL, queue_seq = NULL WHERE id = ANY($1::text[]) AND queue_seq IS NOT NULL RETURNING 1),
          held AS (DELETE FROM target_locks t USING r WHERE t.service = r.service AND t.target = r.target AND t.release_id = r.id RETURNING t.service, t.target, t.release_id)
     SELECT held.service, held.target, held.release_id AS freed, n.id, n.deployment_id
       FROM held CROSS JOIN LATERAL (
         SELECT id, deployment_id FROM releases
          WHERE service = held.service AND target = held.target AND status = 'Pending' AND queue_seq IS NOT NULL AND id <> ALL($1::text[])
          ORDER BY queue_seq LIMIT 1) AS n`,
    [ids, releases.map((r) => r.service), releases.map((r) => r.target)],
  );
  if (next.length === 0) return [];
  await tx.query(
    `WITH dequeued AS (UPDATE releases SET queued_at = NULL, queue_seq = NULL WHERE id = ANY($3::text[]) RETURNING 1)
     INSERT INTO target_locks (service, target, release_id, deployment_id, acquired_at)
     SELECT * , $5::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
    [next.map((n) => n.service), next.map((n) => n.target), next.map((n) => n.id), next.map((n) => n.deployment_id), now],
  );
  return next.map((n) => ({ releaseId: n.id, deploymentId: n.deployment_id, freed: n.freed }));
}
