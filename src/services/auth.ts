/**
 * API tokens. Stored as SHA-256 hashes: a leaked database does not leak tokens. The bootstrap
 * admin token comes from DCP_BOOTSTRAP_TOKEN, or is made on first start and written to
 * DCP_DATA_DIR/admin-token. Users, roles and sign-in come with the access-control issue: the
 * `Principal` returned here is the seam they plug into.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Queryable } from '../store/db.ts';
import type { IdGenerator } from '../engine/ids.ts';

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

export interface AuthService {
  authenticate(token: string): Promise<Principal | null>;
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
