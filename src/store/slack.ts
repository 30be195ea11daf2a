/**
 * Slack interaction requests already taken: the replay guard of `POST /api/v1/slack/interactions`.
 * The signature covers the timestamp and the raw body, so it names one request; a second insert
 * of it finds the row and is a replay.
 */
import type { Queryable } from './db.ts';

/**
 * Remembers a request's signature until `expiresAt`; false when it is already remembered (a
 * replay). Rows past their expiry are deleted first (a few at a time, on the way: no sweeper).
 */
export async function rememberSlackRequest(q: Queryable, signature: string, expiresAt: Date, now: Date): Promise<boolean> {
  await q.query(
    'DELETE FROM slack_seen_requests WHERE signature IN (SELECT signature FROM slack_seen_requests WHERE expires_at <= $1 LIMIT 100)',
    [now],
  );
  const rows = await q.query<{ signature: string }>(
    'INSERT INTO slack_seen_requests (signature, expires_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING RETURNING signature',
    [signature, expiresAt],
  );
  return rows.length === 1;
}
