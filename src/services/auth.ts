/**
 * API tokens. Stored as SHA-256 hashes: a leaked database does not leak tokens. The bootstrap
 * admin token comes from DCP_BOOTSTRAP_TOKEN, or is made on first start and written to
 * DCP_DATA_DIR/admin-token. Users, roles and sign-in come with the access-control issue: the
 * `Principal` returned here is the seam they plug into.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Queryable } from '../store/db.ts';
import type { IdGenerator } from '../shared/ids.ts';

export interface Principal {
  /** Who the caller is, as recorded in `triggeredBy`, approvals and the audit trail. */
  name: string;
  role: 'admin';
  tokenId: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `dcp_${randomBytes(24).toString('base64url')}`;
}

export const SESSION_COOKIE = 'dcp_session';
export const SESSION_TTL_MS = 12 * 3600_000;

export interface AuthService {
  authenticate(token: string): Promise<Principal | null>;
  /** Turns a valid API token into a session id (for the app's cookie); null when the token is bad. */
  createSession(token: string): Promise<{ sessionId: string; principal: Principal; expiresAt: Date } | null>;
  authenticateSession(sessionId: string): Promise<Principal | null>;
  endSession(sessionId: string): Promise<void>;
  /** Ensures the bootstrap admin token; returns a newly generated one (to be shown once), else null. */
  bootstrap(fromEnvironment: string | null): Promise<string | null>;
}

export function createAuthService(deps: { db: Queryable; clock: Clock; ids: IdGenerator }): AuthService {
  const cache = new Map<string, { principal: Principal; until: number }>();
  return {
    async authenticate(token) {
      const hash = hashToken(token);
      const hit = cache.get(hash);
      const now = deps.clock.now().getTime();
      if (hit && hit.until > now) return hit.principal;
      const [row] = await deps.db.query<{ id: string; name: string; role: 'admin' }>(
        'UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 RETURNING id, name, role',
        [hash, deps.clock.now()],
      );
      if (!row) return null;
      const principal: Principal = { name: row.name, role: row.role, tokenId: row.id };
      cache.set(hash, { principal, until: now + 10_000 });
      return principal;
    },
    async createSession(token) {
      const principal = await this.authenticate(token);
      if (!principal) return null;
      const sessionId = newToken();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      await deps.db.query('INSERT INTO sessions (id_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        hashToken(sessionId), principal.tokenId, now, expiresAt,
      ]);
      return { sessionId, principal, expiresAt };
    },
    async authenticateSession(sessionId) {
      const [row] = await deps.db.query<{ id: string; name: string; role: 'admin' }>(
        `SELECT t.id, t.name, t.role FROM sessions s JOIN api_tokens t ON t.id = s.token_id
          WHERE s.id_hash = $1 AND s.expires_at > $2`,
        [hashToken(sessionId), deps.clock.now()],
      );
      return row ? { name: row.name, role: row.role, tokenId: row.id } : null;
    },
    async endSession(sessionId) {
      await deps.db.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(sessionId)]);
    },
    async bootstrap(fromEnvironment) {
      if (fromEnvironment) {
        await deps.db.query(
          `INSERT INTO api_tokens (id, name, token_hash, role, created_at) VALUES ($1, 'admin', $2, 'admin', $3)
           ON CONFLICT (token_hash) DO NOTHING`,
          [deps.ids(), hashToken(fromEnvironment), deps.clock.now()],
        );
        return null;
      }
      const [existing] = await deps.db.query("SELECT id FROM api_tokens WHERE role = 'admin' LIMIT 1");
      if (existing) return null;
      const token = newToken();
      await deps.db.query(
        "INSERT INTO api_tokens (id, name, token_hash, role, created_at) VALUES ($1, 'admin', $2, 'admin', $3)",
        [deps.ids(), hashToken(token), deps.clock.now()],
      );
      return token;
    },
  };
}
