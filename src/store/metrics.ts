/** Counts for `/metrics`: deployments by status, durable jobs, events the relay has not positioned. */
import type { Queryable } from './db.ts';

export interface StoreCounts {
  deploymentsByStatus: Map<string, number>;
  jobs: { due: number; total: number };
  unrelayedEvents: number;
}

export async function storeCounts(q: Queryable, now: Date): Promise<StoreCounts> {
  const byStatus = await q.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM deployments GROUP BY status');
  const [jobs] = await q.query<{ due: number; total: number }>(
    'SELECT count(*) FILTER (WHERE due_at <= $1)::int AS due, count(*)::int AS total FROM jobs',
    [now],
  );
  const [unrelayed] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE position IS NULL');
  return { deploymentsByStatus: new Map(byStatus.map((r) => [r.status, r.n])), jobs, unrelayedEvents: unrelayed.n };
}
