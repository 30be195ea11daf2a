/**
 * API tokens. Stored as SHA-256 hashes: a leaked database does not leak tokens. The bootstrap
 * admin token comes from DCP_BOOTSTRAP_TOKEN, or is made on first start and written to
 * DCP_DATA_DIR/admin-token. Users, roles and sign-in come with the access-control issue: the
 * `Principal` returned here is the seam they plug into.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import * as store from '../store/auth.ts';
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
      const row = await store.useToken(deps.db, hash, deps.clock.now());
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
      await store.insertSession(deps.db, { idHash: hashToken(sessionId), tokenId: principal.tokenId, expiresAt }, now);
      return { sessionId, principal, expiresAt };
    },
    async authenticateSession(sessionId) {
      const row = await store.sessionToken(deps.db, hashToken(sessionId), deps.clock.now());
      return row ? { name: row.name, role: row.role, tokenId: row.id } : null;
    },
    async endSession(sessionId) {
      await store.deleteSession(deps.db, hashToken(sessionId));
    },
    async bootstrap(fromEnvironment) {
      if (fromEnvironment) {
        await store.insertAdminToken(deps.db, { id: deps.ids(), tokenHash: hashToken(fromEnvironment) }, deps.clock.now());
        return null;
      }
      if (await store.hasAdminToken(deps.db)) return null;
      const token = newToken();
      await store.insertAdminToken(deps.db, { id: deps.ids(), tokenHash: hashToken(token) }, deps.clock.now());
      return token;
    },
  };
}
