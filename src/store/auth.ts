/** API tokens and sign-in sessions, stored by the SHA-256 hash of their secret (never the secret). */
import type { Queryable } from './db.ts';

export interface TokenRecord {
  id: string;
  name: string;
  role: 'admin';
}

/** The token with this hash, marking it used now; null when there is none. */
export async function useToken(q: Queryable, tokenHash: string, now: Date): Promise<TokenRecord | null> {
  const [row] = await q.query<TokenRecord>('UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 RETURNING id, name, role', [tokenHash, now]);
  return row ?? null;
}

export async function insertAdminToken(q: Queryable, t: { id: string; tokenHash: string }, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO api_tokens (id, name, token_hash, role, created_at) VALUES ($1, 'admin', $2, 'admin', $3)
     ON CONFLICT (token_hash) DO NOTHING`,
    [t.id, t.tokenHash, now],
  );
}

export async function hasAdminToken(q: Queryable): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM api_tokens WHERE role = 'admin' LIMIT 1");
  return rows.length > 0;
}

export async function insertSession(q: Queryable, s: { idHash: string; tokenId: string; expiresAt: Date }, now: Date): Promise<void> {
  await q.query('INSERT INTO sessions (id_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [s.idHash, s.tokenId, now, s.expiresAt]);
}

/** The token behind a session that has not expired at `now`. */
export async function sessionToken(q: Queryable, idHash: string, now: Date): Promise<TokenRecord | null> {
  const [row] = await q.query<TokenRecord>(
    `SELECT t.id, t.name, t.role FROM sessions s JOIN api_tokens t ON t.id = s.token_id
      WHERE s.id_hash = $1 AND s.expires_at > $2`,
    [idHash, now],
  );
  return row ?? null;
}

export async function deleteSession(q: Queryable, idHash: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}
