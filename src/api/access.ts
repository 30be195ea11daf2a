/**
 * Deny by default, decided on the matched route: every route declares `config.access`, and the
 * check runs in `onRequest`, after routing, on the route Fastify matched — never on the raw URL
 * (which may be percent-encoded, absolute-form or dotted, and still route to /api/v1/…).
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { hasScope, type Access, type Principal } from '../core/access.ts';
import { NotAllowedError, NotAuthenticatedError } from '../core/errors.ts';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrfTokenFor, sameDigest, type AuthService } from '../services/auth.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set for every route that is not `public` before its handler runs: a handler never sees it missing. */
    principal: Principal;
  }
}

export interface RouteRule {
  method: string;
  url: string;
  access: Access;
}

/** RFC 7235: the scheme is case-insensitive. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^bearer[ \t]+(\S+)\s*$/i);
  return match?.[1];
}

export interface AccessControl {
  /** Every route with its access rule: what the authorization tests are generated from. */
  routeTable(): RouteRule[];
  /** Registers plugin routes (static files, Swagger UI) as public: plugins cannot declare rules. */
  registerPublic(register: () => PromiseLike<unknown>): Promise<void>;
}

/**
 * Installs the access check (after @fastify/cookie and the audit's caller, before any route). A route without a rule
 * fails `app.ready()`, naming it.
 */
export function installAccess(app: FastifyInstance, auth: AuthService): AccessControl {
  const routes: RouteOptions[] = [];
  let registeringPublic = 0;
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    if (registeringPublic > 0 && route.config?.access === undefined) route.config = { ...route.config, access: 'public' };
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const missing = routes.filter((r) => r.config?.access === undefined).map((r) => `${String(r.method)} ${r.url}`);
    if (missing.length > 0) throw new Error(`routes without an access rule (add config.access): ${missing.join(', ')}`);
  });
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request);
    if (access === 'public' || access === 'callback' || access === undefined) return;
    const principal = await authenticate(request, auth);
    request.caller.principal = principal;
    if (!hasScope(principal, access)) {
      throw new NotAllowedError(`token "${principal.name}" lacks the "${access}" scope this route needs (it has: ${principal.scopes?.join(', ') || 'none'})`);
    }
    // Administration is for admins: a person's session carries every scope, their role decides.
    if (access === 'admin' && !principal.admin) throw new NotAllowedError('only an admin may do this');
    request.principal = principal;
  });
  return {
    routeTable: () => routes.flatMap((r) => [r.method].flat().map((method) => ({ method, url: r.url, access: r.config?.access ?? 'public' }))),
    async registerPublic(register) {
      registeringPublic++;
      try {
        await register();
      } finally {
        registeringPublic--;
      }
    },
  };
}

/** The matched route's rule. Unmatched requests reach the not-found handler, which tells nothing. */
function accessOf(request: FastifyRequest): Access | undefined {
  if (request.is404) return 'public';
  return request.routeOptions.config.access;
}

async function authenticate(request: FastifyRequest, auth: AuthService): Promise<Principal> {
  const header = request.headers.authorization;
  const token = bearerToken(header);
  if (header !== undefined && token === undefined) throw new NotAuthenticatedError('the Authorization header must be "Bearer <token>"');
  if (token) {
    const principal = await auth.authenticate(token);
    if (!principal) throw new NotAuthenticatedError('the token is not valid');
    return principal;
  }
  const session = request.cookies[SESSION_COOKIE];
  if (session) {
    const principal = await auth.authenticateSession(session);
    if (!principal) throw new NotAuthenticatedError('the session has ended; sign in again');
    // A cookie is sent by the browser whoever made the page: a write must also prove it came
    // from DCP's own app, which alone can read the CSRF cookie.
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameDigest(sent, csrfTokenFor(session))) {
        throw new NotAllowedError(`a write with the session cookie needs the ${CSRF_HEADER} header (the value of the ${CSRF_COOKIE} cookie)`);
      }
    }
    return principal;
  }
  throw new NotAuthenticatedError('send Authorization: Bearer <token> (the admin token is in DCP_DATA_DIR/admin-token)');
}
