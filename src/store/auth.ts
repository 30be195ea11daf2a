/**
 * API tokens and sign-in sessions, stored by the SHA-256 hash of their secret (never the secret),
 * and the people and admins they resolve to.
 */
import type { Scope } from '../core/access.ts';
import type { User } from '../core/types.ts';
import type { Queryable } from './db.ts';

export interface TokenRecord {
  id: string;
  name: string;
  scopes: Scope[];
  team: string | null;
  /** The person the token acts as; null for a service token. */
  owner: string | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  bootstrap: boolean;
}

interface TokenRow {
  id: string; name: string; scopes: Scope[]; team: string | null; owner: string | null; created_by: string | null;
  created_at: Date; expires_at: Date | null; last_used_at: Date | null; revoked_at: Date | null; bootstrap: boolean;
}

const TOKEN_COLUMNS = 'id, name, scopes, team, owner, created_by, created_at, expires_at, last_used_at, revoked_at, bootstrap';

function token(r: TokenRow): TokenRecord {
  return {
    id: r.id, name: r.name, scopes: r.scopes, team: r.team, owner: r.owner, createdBy: r.created_by, createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null, lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null, bootstrap: r.bootstrap,
  };
}

/** How stale `lastUsedAt` may be: a busy CI token is not written on every request (no hot row). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The live tokens with these hashes (not revoked, not expired), by hash, marking them used; a hash with none is left out. */
export async function useTokens(q: Queryable, tokenHashes: readonly string[], now: Date): Promise<Map<string, TokenRecord & { tokenHash: string }>> {
  const rows = await q.query<TokenRow & { token_hash: string }>(
    `SELECT ${TOKEN_COLUMNS}, token_hash FROM api_tokens WHERE token_hash = ANY($1::text[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
    [tokenHashes, now],
  );
  const stale = rows.filter((row) => !row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS);
  if (stale.length > 0) {
    await q.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = ANY($1::text[])', [stale.map((row) => row.id), now]);
    for (const row of stale) row.last_used_at = now;
  }
  return new Map(rows.map((row) => [row.token_hash, { ...token(row), tokenHash: row.token_hash }]));
}

export interface NewToken {
  id: string;
  name: string;
  tokenHash: string;
  scopes: readonly Scope[];
  team: string | null;
  owner: string | null;
  createdBy: string;
  expiresAt: Date | null;
}

export async function insertToken(q: Queryable, t: NewToken, now: Date): Promise<TokenRecord> {
  const [row] = await q.query<TokenRow>(
    `INSERT INTO api_tokens (id, name, token_hash, scopes, team, owner, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${TOKEN_COLUMNS}`,
    [t.id, t.name, t.tokenHash, JSON.stringify(t.scopes), t.team, t.owner, t.createdBy, now, t.expiresAt],
  );
  return token(row);
}

/** The bootstrap admin token (a service token with the admin scope); a repeat is a no-op. */
export async function insertBootstrapToken(q: Queryable, t: { id: string; tokenHash: string }, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO api_tokens (id, name, token_hash, scopes, created_by, created_at, bootstrap)
     VALUES ($1, 'admin', $2, '["admin"]', 'dcp', $3, true) ON CONFLICT (token_hash) DO NOTHING`,
    [t.id, t.tokenHash, now],
  );
}

export async function hasBootstrapToken(q: Queryable): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM api_tokens WHERE bootstrap AND revoked_at IS NULL LIMIT 1');
  return rows.length > 0;
}

export async function getToken(q: Queryable, id: string): Promise<TokenRecord | null> {
  const [row] = await q.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
  return row ? token(row) : null;
}

/** Tokens newest first (a person's own when `owner` is given), after the cursor (an id seen last). */
export async function listTokens(q: Queryable, f: { owner?: string; limit: number; before?: { createdAt: Date; id: string } }): Promise<TokenRecord[]> {
  const rows = await q.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens
      WHERE ($1::text IS NULL OR owner = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [f.owner ?? null, f.before?.createdAt ?? null, f.before?.id ?? '', f.limit],
  );
  return rows.map(token);
}

/** Revokes a token at once (its sessions end with it); null when it was already revoked. */
export async function revokeToken(tx: Queryable, id: string, now: Date): Promise<TokenRecord | null> {
  const [row] = await tx.query<TokenRow>(
    `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${TOKEN_COLUMNS}`,
    [id, now],
  );
  if (row) await tx.query('DELETE FROM sessions WHERE token_id = $1', [id]);
  return row ? token(row) : null;
}

export interface SessionRecord {
  /** A token's session: the token; a person's (OIDC): the user name. */
  token: TokenRecord | null;
  userName: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

export async function insertSession(
  q: Queryable,
  s: { idHash: string; tokenId: string | null; userName: string | null; expiresAt: Date },
  now: Date,
): Promise<void> {
  await q.query(
    'INSERT INTO sessions (id_hash, token_id, user_name, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)',
    [s.idHash, s.tokenId, s.userName, now, s.expiresAt],
  );
}

/** How stale a session's `last_seen_at` may be before a use writes it again: a minute (a hundredth of a short idle limit). */
const sessionSeenGranularityMs = (idleMs: number): number => Math.min(60_000, Math.floor(idleMs / 100));

/**
 * The session with this hash if it is live at `now` — before its absolute expiry and seen within
 * `idleMs` — marking it seen; null otherwise. A token's session ends with its token. "Seen" is
 * written only when the last write is older than `sessionSeenGranularityMs` (the app reads the
 * API many times a minute: not a write each), so a session may end that much before `idleMs`
 * after its very last use, never after.
 */
export async function touchSession(q: Queryable, idHash: string, now: Date, idleMs: number): Promise<SessionRecord | null> {
  const [row] = await q.query<{ token_id: string | null; user_name: string | null; created_at: Date; expires_at: Date; last_seen_at: Date }>(
    `WITH live AS (
       SELECT id_hash, token_id, user_name, created_at, expires_at, last_seen_at FROM sessions
        WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3::timestamptz),
     seen AS (
       UPDATE sessions s SET last_seen_at = $2 FROM live
        WHERE s.id_hash = live.id_hash AND s.last_seen_at <= $4::timestamptz
       RETURNING s.last_seen_at)
     SELECT token_id, user_name, created_at, expires_at, COALESCE((SELECT last_seen_at FROM seen), live.last_seen_at) AS last_seen_at FROM live`,
    [idHash, now, new Date(now.getTime() - idleMs), new Date(now.getTime() - sessionSeenGranularityMs(idleMs))],
  );
  if (!row) return null;
  let tokenRecord: TokenRecord | null = null;
  if (row.token_id) {
    const [t] = await q.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [row.token_id, now],
    );
    if (!t) return null;
    tokenRecord = token(t);
  }
  return { token: tokenRecord, userName: row.user_name, createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at };
}

export async function deleteSession(q: Queryable, idHash: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash', [idHash]);
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// People (imported with the catalog: store/catalog.ts writes them).

export async function getUser(q: Queryable, name: string): Promise<User | null> {
  const [row] = await q.query<{ name: string; email: string | null; display_name: string | null; groups: string[] }>(
    'SELECT name, email, display_name, groups FROM users WHERE name = $1',
    [name],
  );
  return row ? userOf(row) : null;
}

/** The person whose email (case-insensitive) or name is `claim`. */
export async function findUser(q: Queryable, claim: string): Promise<User | null> {
  const [row] = await q.query<{ name: string; email: string | null; display_name: string | null; groups: string[] }>(
    'SELECT name, email, display_name, groups FROM users WHERE lower(email) = lower($1) OR name = $1 ORDER BY (name = $1) DESC LIMIT 1',
    [claim],
  );
  return row ? userOf(row) : null;
}

/** The person with this email (case-insensitive), and only by email: a Slack profile's email is no user name. */
export async function findUserByEmail(q: Queryable, email: string): Promise<User | null> {
  const [row] = await q.query<{ name: string; email: string | null; display_name: string | null; groups: string[] }>(
    'SELECT name, email, display_name, groups FROM users WHERE lower(email) = lower($1) ORDER BY name LIMIT 1',
    [email],
  );
  return row ? userOf(row) : null;
}

function userOf(row: { name: string; email: string | null; display_name: string | null; groups: string[] }): User {
  const user: User = { name: row.name, groups: row.groups };
  if (row.email) user.email = row.email;
  if (row.display_name) user.displayName = row.display_name;
  return user;
}

/**
 * What a person is at this moment, in one round trip (this runs on every request of a person):
 * their groups, the teams among them, and whether access.yaml names them (or a group of theirs) admin.
 */
export async function loadPerson(q: Queryable, name: string): Promise<{ groups: string[]; teams: string[]; admin: boolean }> {
  const [row] = await q.query<{ groups: string[]; teams: string[]; admin: boolean }>(
    `WITH person AS (SELECT COALESCE((SELECT groups FROM users WHERE name = $1), '[]'::jsonb) AS groups)
     SELECT person.groups,
            COALESCE((SELECT jsonb_agg(t.name ORDER BY t.name) FROM teams t WHERE person.groups ? t.name), '[]'::jsonb) AS teams,
            EXISTS (SELECT 1 FROM admins a WHERE a.ref = 'user:' || $1
                       OR (a.ref LIKE 'group:%' AND person.groups ? substr(a.ref, 7))) AS admin
       FROM person`,
    [name],
  );
  return row;
}
