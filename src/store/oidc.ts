/**
 * OIDC sign-ins in flight (migration 005): what the callback needs to finish one — the PKCE code
 * verifier, the nonce, where to return — kept here rather than in the browser, keyed by the hash
 * of the state. Taking a login deletes it: a callback replayed finds nothing.
 */
import type { Queryable } from './db.ts';

export interface PendingLogin {
  stateHash: string;
  /** The hash of the value in the cookie of the browser that started it. */
  browserHash: string;
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  expiresAt: Date;
}

/** Stores a login in flight, and drops those that expired (no sweeper job needed: sign-ins are rare). */
export async function insertLogin(q: Queryable, login: PendingLogin, now: Date): Promise<void> {
  await q.query('DELETE FROM oidc_logins WHERE expires_at <= $1', [now]);
  await q.query(
    `INSERT INTO oidc_logins (state_hash, browser_hash, code_verifier, nonce, return_to, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [login.stateHash, login.browserHash, login.codeVerifier, login.nonce, login.returnTo, now, login.expiresAt],
  );
}

/** Takes the live login with this state hash (deleting it); null when unknown, already taken or expired. */
export async function takeLogin(q: Queryable, stateHash: string, now: Date): Promise<PendingLogin | null> {
  const [row] = await q.query<{ state_hash: string; browser_hash: string; code_verifier: string; nonce: string; return_to: string; expires_at: Date }>(
    'DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING state_hash, browser_hash, code_verifier, nonce, return_to, expires_at',
    [stateHash],
  );
  if (!row || row.expires_at <= now) return null;
  return { stateHash: row.state_hash, browserHash: row.browser_hash, codeVerifier: row.code_verifier, nonce: row.nonce, returnTo: row.return_to, expiresAt: row.expires_at };
}
