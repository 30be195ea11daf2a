/**
 * Who calls: API tokens, sign-in sessions, and the principal they resolve to (core/access.ts).
 *
 * Secrets (tokens, session ids) are random 192-bit strings, stored only as SHA-256 hashes: a
 * leaked database leaks no credential. A token is a person's own (it acts as that person, limited
 * by its scopes) or a service token that belongs to nobody (CI, automation, the bootstrap admin
 * token from DCP_BOOTSTRAP_TOKEN or made on first start and written to DCP_DATA_DIR/admin-token).
 * A person's roles come from the catalog at every request: a membership removed in the catalog
 * is gone at the next call, and a revoked token fails at once (nothing is cached).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { can, type Action, type Principal, type Resource, type Scope } from '../core/access.ts';
import type { Clock } from '../core/clock.ts';
import { ConflictError, InputError, NotAllowedError, NotAuthenticatedError, NotFoundError } from '../core/errors.ts';
import type { User } from '../core/types.ts';
import * as store from '../store/auth.ts';
import type { Db } from '../store/db.ts';
import type { AuditService, Caller } from './audit.ts';
import type { IdGenerator } from '../shared/ids.ts';
import { batched } from '../shared/batch.ts';

export type { Principal } from '../core/access.ts';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `dcp_${randomBytes(24).toString('base64url')}`;
}

/** Whether two hex digests are equal, in time independent of where they differ. */
export function sameDigest(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The caller's principal; 401 when there is none. */
export function signedIn(caller: { principal: Principal | null }): Principal {
  if (!caller.principal) throw new NotAuthenticatedError('sign in first');
  return caller.principal;
}

/** Refuses with 403, saying why, unless `principal` may do `action` to `resource`. */
export function authorize(principal: Principal | null, action: Action, resource?: Resource): Principal {
  if (!principal) throw new NotAuthenticatedError('sign in first');
  const verdict = can(principal, action, resource);
  if (!verdict.allowed) throw new NotAllowedError(verdict.reason);
  return principal;
}

export const SESSION_COOKIE = 'dcp_session';
/** The app reads this cookie and sends it back as the CSRF_HEADER on every write. */
export const CSRF_COOKIE = 'dcp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a session: derived from its secret id, so nothing more is stored, and useless
 * without the session cookie (which another site's page can neither read nor forge).
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`csrf:${sessionId}`).digest('base64url');
}

/** A word for what the principal is, for the app: admin, member (of some team), viewer or service. */
export function roleOf(principal: Principal): 'admin' | 'member' | 'viewer' | 'service' {
  if (principal.admin) return 'admin';
  if (principal.kind === 'service') return 'service';
  return principal.teams.length > 0 ? 'member' : 'viewer';
}

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  absoluteMs: number;
}

export const DEFAULT_SESSIONS: SessionPolicy = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

export interface NewSession {
  sessionId: string;
  principal: Principal;
  expiresAt: Date;
}

export interface TokenRequest {
  name: string;
  scopes: Scope[];
  team?: string;
  /** Admins only: a token of this person. */
  user?: string;
  expiresAt?: string;
}

export interface AuthService {
  readonly sessions: SessionPolicy;
  /** The principal of a bearer token; null when it is unknown, revoked or expired. */
  authenticate(token: string): Promise<Principal | null>;
  /** Signs in by pasting an API token: a session acting as the token. Null when the token is bad. */
  createSession(token: string): Promise<NewSession | null>;
  /** Signs a person in (after OIDC): a session acting as the person. */
  createPersonSession(userName: string): Promise<NewSession>;
  /** The principal of a live session (touching it); null when it ended. */
  authenticateSession(sessionId: string): Promise<Principal | null>;
  /** Ends the session on the server; whether it was live. */
  endSession(sessionId: string): Promise<boolean>;
  /** The person behind an OIDC claim (email or user name), or null. */
  findPerson(claim: string): Promise<User | null>;
  /** The person with this email (only by email), or null: whom a Slack user is. */
  findPersonByEmail(email: string): Promise<User | null>;
  /**
   * A catalog person as a principal with no token or session (every scope: the roles decide), for
   * a person proven by another credential (a Slack user's signed request). Loaded afresh each call.
   */
  personPrincipal(userName: string): Promise<Principal>;
  /** Ensures the bootstrap admin token; returns a newly generated one (to be shown once), else null. */
  bootstrap(fromEnvironment: string | null): Promise<string | null>;
  /** Makes a token (audited with the caller, in the same transaction); the secret is returned once. */
  createToken(caller: Caller, request: TokenRequest): Promise<{ token: store.TokenRecord; secret: string }>;
  listTokens(principal: Principal, page: { limit: number; cursor?: string }): Promise<{ items: store.TokenRecord[]; nextCursor: string | null }>;
  revokeToken(caller: Caller, id: string): Promise<store.TokenRecord>;
}

export function createAuthService(deps: { db: Db; clock: Clock; ids: IdGenerator; audit: AuditService; sessions?: SessionPolicy }): AuthService {
  const sessions = deps.sessions ?? DEFAULT_SESSIONS;

  /** A person, with the teams and groups the catalog gives them and whether access.yaml names them admin. */
  async function personOf(name: string, via: { scopes: readonly Scope[] | null; tokenId: string | null; sessionId: string | null }): Promise<Principal> {
    const { groups, teams, admin: named } = await store.loadPerson(deps.db, name);
    const admin = named && (via.scopes === null || via.scopes.includes('admin'));
    return { kind: 'person', name, teams, groups, admin, scopes: via.scopes, team: null, tokenId: via.tokenId, sessionId: via.sessionId };
  }

  async function principalOf(token: store.TokenRecord, sessionId: string | null): Promise<Principal> {
    if (token.owner !== null) return personOf(token.owner, { scopes: token.scopes, tokenId: token.id, sessionId });
    return {
      kind: 'service', name: token.name, teams: [], groups: [], admin: token.scopes.includes('admin'),
      scopes: token.scopes, team: token.team, tokenId: token.id, sessionId,
    };
  }

  // Requests at once look their tokens up in one query.
  const tokenByHash = batched((hashes: string[]) => store.useTokens(deps.db, hashes, deps.clock.now()));
  async function lookup(secret: string): Promise<store.TokenRecord | null> {
    const hash = hashToken(secret);
    const found = await tokenByHash(hash);
    return found && sameDigest(found.tokenHash, hash) ? found : null;
  }

  async function openSession(via: { tokenId: string | null; userName: string | null }): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = newToken();
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + sessions.absoluteMs);
    await store.insertSession(deps.db, { idHash: hashToken(sessionId), tokenId: via.tokenId, userName: via.userName, expiresAt }, now);
    return { sessionId, expiresAt };
  }

  /**
   * Whom a new token acts as. Your own token acts as you and holds no right you lack; a team's CI
   * token belongs to nobody (admins make any; a team's deployers make one for their team that can
   * read, post builds and deploy — never administer or approve); admins may make a person's token.
   */
  async function ownerOf(principal: Principal, request: TokenRequest): Promise<string | null> {
    const admin = can(principal, 'tokens:manage').allowed;
    if (request.user !== undefined) {
      if (!admin) throw new NotAllowedError("only an admin may make a token for someone else");
      if (request.team !== undefined) throw new InputError('a token is a person\'s or a team\'s', [{ field: 'team', message: 'cannot be given with user' }]);
      if (!(await store.getUser(deps.db, request.user))) throw new InputError('unknown person', [{ field: 'user', message: `no person "${request.user}" in the catalog` }]);
      return request.user;
    }
    if (request.team === undefined) {
      if (principal.kind !== 'person') {
        authorize(principal, 'tokens:manage');
        return null;
      }
      authorize(principal, 'tokens:create-own');
      if (request.scopes.includes('admin') && !principal.admin) throw new NotAllowedError('only an admin may make a token with the "admin" scope');
      return principal.name;
    }
    if (!admin) {
      authorize(principal, 'deployments:create', { team: request.team });
      const beyond = request.scopes.filter((s) => s === 'admin' || s === 'approvals:write');
      if (beyond.length > 0) throw new NotAllowedError(`a team's token may not hold ${beyond.join(', ')}; ask an admin`);
    }
    return null;
  }

  return {
    sessions,
    async authenticate(secret) {
      const token = await lookup(secret);
      return token ? principalOf(token, null) : null;
    },
    async createSession(secret) {
      const token = await lookup(secret);
      if (!token) return null;
      const { sessionId, expiresAt } = await openSession({ tokenId: token.id, userName: null });
      return { sessionId, expiresAt, principal: await principalOf(token, sessionId) };
    },
    async createPersonSession(userName) {
      const { sessionId, expiresAt } = await openSession({ tokenId: null, userName });
      return { sessionId, expiresAt, principal: await personOf(userName, { scopes: null, tokenId: null, sessionId }) };
    },
    async authenticateSession(sessionId) {
      const session = await store.touchSession(deps.db, hashToken(sessionId), deps.clock.now(), sessions.idleMs);
      if (!session) return null;
      if (session.token) return principalOf(session.token, sessionId);
      return personOf(session.userName!, { scopes: null, tokenId: null, sessionId });
    },
    endSession: (sessionId) => store.deleteSession(deps.db, hashToken(sessionId)),
    findPerson: (claim) => store.findUser(deps.db, claim),
    findPersonByEmail: (email) => store.findUserByEmail(deps.db, email),
    personPrincipal: (userName) => personOf(userName, { scopes: null, tokenId: null, sessionId: null }),
    async bootstrap(fromEnvironment) {
      if (fromEnvironment) {
        await store.insertBootstrapToken(deps.db, { id: deps.ids(), tokenHash: hashToken(fromEnvironment) }, deps.clock.now());
        return null;
      }
      if (await store.hasBootstrapToken(deps.db)) return null;
      const token = newToken();
      await store.insertBootstrapToken(deps.db, { id: deps.ids(), tokenHash: hashToken(token) }, deps.clock.now());
      return token;
    },

    async createToken(caller, request) {
      const principal = signedIn(caller);
      const expiresAt = request.expiresAt === undefined ? null : new Date(request.expiresAt);
      if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= deps.clock.now())) {
        throw new InputError('bad expiresAt', [{ field: 'expiresAt', message: 'must be a date-time in the future' }]);
      }
      const owner = await ownerOf(principal, request);
      if (principal.scopes !== null && request.scopes.some((s) => !principal.scopes!.includes(s) && !principal.scopes!.includes('admin'))) {
        throw new NotAllowedError(`a token cannot make a token with more scopes than its own (${principal.scopes.join(', ')})`);
      }
      const secret = newToken();
      const token = await deps.db.transaction(async (tx) => {
        const made = await store.insertToken(tx, {
          id: deps.ids(), name: request.name, tokenHash: hashToken(secret), scopes: [...new Set(request.scopes)], team: request.team ?? null,
          owner, createdBy: principal.name, expiresAt,
        }, deps.clock.now());
        await deps.audit.record(tx, caller, `tokens/${made.id}`, { name: made.name, scopes: made.scopes, team: made.team, owner: made.owner });
        return made;
      });
      return { token, secret };
    },

    async listTokens(principal, page) {
      const mine = !can(principal, 'tokens:manage').allowed;
      if (mine) authorize(principal, 'tokens:create-own');
      const before = parseTokenCursor(page.cursor);
      const rows = await store.listTokens(deps.db, { owner: mine ? principal.name : undefined, limit: page.limit + 1, before });
      const items = rows.slice(0, page.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > page.limit && last ? `${Date.parse(last.createdAt)}.${last.id}` : null };
    },

    async revokeToken(caller, id) {
      const principal = signedIn(caller);
      const token = await store.getToken(deps.db, id);
      // Someone else's token is not found (its existence is nobody else's business), unless you administer tokens.
      if (!token || (token.owner !== principal.name && !can(principal, 'tokens:manage').allowed)) throw new NotFoundError(`no token with id ${id}`);
      return deps.db.transaction(async (tx) => {
        const revoked = await store.revokeToken(tx, id, deps.clock.now());
        if (!revoked) throw new ConflictError(`token ${id} was already revoked`);
        await deps.audit.record(tx, caller, `tokens/${id}`, { name: revoked.name });
        return revoked;
      });
    },
  };
}

/** `<createdAt ms>.<id>` of the last token of a page. */
function parseTokenCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([\w-]{1,64})$/.exec(cursor);
  if (!match) throw new InputError('bad cursor', [{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
