/**
 * Signing in to the app: an API token (or, with OIDC, a person) becomes a session held in an
 * HttpOnly cookie, which the API accepts like a token (the browser's EventSource cannot send
 * headers). Writes with the cookie also need the CSRF header (api/access.ts).
 *
 * OIDC (services/oidc.ts): `GET /api/v1/session/oidc` sends the browser to the provider, which
 * sends it back to `GET /api/v1/session/oidc/callback`. A refused or failed sign-in goes back to
 * the app as `/?signin-error=<reason>` when a browser navigates (it asks for text/html), where the
 * sign-in screen says why; any other client gets the problem+json (401, 403, or 503 when the
 * provider is unreachable), whose detail says why.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotAuthenticatedError, NotFoundError } from '../../core/errors.ts';
import { IdentityError } from '../../core/identity.ts';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor, roleOf, type NewSession } from '../../services/auth.ts';
import { LOGIN_TTL_MS, type SignInRefusal, type SignInResult } from '../../services/oidc.ts';
import type { Api, ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

const session = { $ref: 'Session#' } as const;

/**
 * Sets the session cookie (HttpOnly, SameSite=Lax so links from Slack and the OIDC redirect carry
 * it; Secure over TLS, including behind a proxy trusted with DCP_TRUST_PROXY) and the CSRF cookie
 * the app echoes in a header on writes.
 */
export function startSession(request: FastifyRequest, reply: FastifyReply, session: NewSession, maxAgeMs: number): void {
  const options = { path: '/', sameSite: 'lax', secure: request.protocol === 'https', maxAge: Math.floor(maxAgeMs / 1000) } as const;
  reply.setCookie(SESSION_COOKIE, session.sessionId, { ...options, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrfTokenFor(session.sessionId), { ...options, httpOnly: false });
}

/** The browser's cookie that ties an OIDC sign-in to the browser that started it. */
const OIDC_COOKIE = 'dcp_oidc';
const OIDC_PATH = '/api/v1/session/oidc';
const problem = { $ref: 'Problem#' } as const;
const redirect = (description: string) => ({ type: 'null', description } as const);

const REFUSALS: Record<SignInRefusal, { status: 401 | 403 | 503; title: string }> = {
  'unknown-person': { status: 403, title: 'Not allowed' },
  'unverified-email': { status: 403, title: 'Not allowed' },
  'no-claim': { status: 401, title: 'Authentication required' },
  expired: { status: 401, title: 'Authentication required' },
  provider: { status: 401, title: 'Authentication required' },
  unavailable: { status: 503, title: 'The OIDC provider is unavailable' },
};

/** A browser navigating here (not a script) is sent back to the app, which shows the refusal. */
const navigating = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

function refuse(request: FastifyRequest, reply: FastifyReply, reason: SignInRefusal, message: string): FastifyReply {
  if (navigating(request)) return reply.code(302).header('location', `/?signin-error=${reason}`).send(null);
  const { status, title } = REFUSALS[reason];
  const slug = status === 403 ? 'not-allowed' : status === 401 ? 'not-authenticated' : 'unavailable';
  return reply.code(status).type('application/problem+json').send({ type: `https://dcp.dev/problems/${slug}`, title, status, detail: message, instance: request.url.split('?')[0] });
}

/**
 * The audit record of an OIDC sign-in, success or refusal: a GET, so the API's write hook
 * (api/audit.ts) does not record it. Names and reasons only, never the code or a token.
 */
async function auditSignIn(request: FastifyRequest, ctx: ApiContext, result: SignInResult): Promise<void> {
  if (!request.caller) return;
  if (result.ok) request.caller.principal = result.session.principal;
  const status = result.ok ? 302 : REFUSALS[result.reason].status;
  const detail = result.ok ? { via: 'oidc', role: roleOf(result.session.principal) } : { via: 'oidc', reason: result.reason, message: result.message };
  try {
    await ctx.audit.recordAnswer(request.caller, { status, resource: 'session', detail });
  } catch (error) {
    request.log.error({ err: error }, 'the audit record of this sign-in could not be written');
  }
}

/** Sign-in attempts per address: enough for people, too few to guess tokens. */
export const SIGN_IN_LIMIT = { max: 20, timeWindow: '1 minute' } as const;

export function sessionRoutes(app: Api, ctx: ApiContext): void {
  app.get('/api/v1/session/options', {
    config: { access: 'public' },
    schema: {
      tags: ['session'],
      summary: 'How one may sign in: the app shows the token form, and "Sign in with SSO" when OIDC is configured',
      security: [],
      response: {
        200: {
          type: 'object', required: ['token', 'oidc'], additionalProperties: false,
          properties: { token: { type: 'boolean', const: true }, oidc: { type: 'boolean', description: 'Whether GET /api/v1/session/oidc signs in with the OIDC provider.' } },
        },
      },
    },
  }, async () => ({ token: true as const, oidc: ctx.oidc !== null }));

  app.get(OIDC_PATH, {
    config: { access: 'public', rateLimit: SIGN_IN_LIMIT },
    schema: {
      tags: ['session'],
      summary: 'Sign in with OIDC: redirects to the provider (authorization code with PKCE)',
      security: [],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { returnTo: { type: 'string', maxLength: 2048, description: 'A path of DCP\'s own to land on once signed in (default /).' } },
      },
      response: { 302: redirect('To the provider; or, when it is unreachable, back to the app with ?signin-error=unavailable.'), 503: problem, ...problemResponses },
    },
  }, async (request, reply) => {
    if (!ctx.oidc) throw new NotFoundError('sign-in with OIDC is not configured (DCP_OIDC_ISSUER); sign in with an API token');
    let started: { url: string; browser: string };
    try {
      started = await ctx.oidc.start(request.query.returnTo);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      request.log.warn(error.message);
      return refuse(request, reply, 'unavailable', error.message);
    }
    reply.setCookie(OIDC_COOKIE, started.browser, {
      path: OIDC_PATH, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: LOGIN_TTL_MS / 1000,
    });
    return reply.code(302).header('location', started.url).send(null);
  });

  app.get(`${OIDC_PATH}/callback`, {
    config: { access: 'public' },
    schema: {
      tags: ['session'],
      summary: 'Where the OIDC provider sends the browser back: verifies the sign-in, sets the session cookie, redirects to the app',
      security: [],
      // The provider's parameters: these, and any it adds (iss, session_state, …).
      querystring: {
        type: 'object', additionalProperties: true,
        properties: {
          code: { type: 'string', maxLength: 2048 }, state: { type: 'string', maxLength: 512 }, error: { type: 'string', maxLength: 200 },
          error_description: { type: 'string', maxLength: 2000 }, iss: { type: 'string', maxLength: 2048 },
        },
      },
      response: {
        302: redirect('Signed in: to the returnTo of the sign-in (default /). Refused, for a browser: to /?signin-error=<reason>.'),
        503: problem, ...problemResponses,
      },
    },
  }, async (request, reply) => {
    if (!ctx.oidc) throw new NotFoundError('sign-in with OIDC is not configured (DCP_OIDC_ISSUER); sign in with an API token');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const result = await ctx.oidc.finish({ query, browser: request.cookies[OIDC_COOKIE], address: request.ip });
    reply.clearCookie(OIDC_COOKIE, { path: OIDC_PATH });
    await auditSignIn(request, ctx, result);
    if (!result.ok) return refuse(request, reply, result.reason, result.message);
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await ctx.auth.endSession(previous);
    startSession(request, reply, result.session, ctx.auth.sessions.absoluteMs);
    return reply.code(302).header('location', result.returnTo).send(null);
  });

  app.post('/api/v1/session', {
    config: { access: 'public', rateLimit: SIGN_IN_LIMIT },
    schema: {
      tags: ['session'],
      summary: 'Sign in with an API token; sets the session cookie',
      security: [],
      body: { $ref: 'SessionRequest#' },
      response: { 201: session, ...problemResponses },
    },
  }, async (request, reply) => {
    const session = await ctx.auth.createSession(request.body.token);
    if (!session) throw new NotAuthenticatedError('the token is not valid');
    startSession(request, reply, session, ctx.auth.sessions.absoluteMs);
    return reply.code(201).send({ name: session.principal.name, role: roleOf(session.principal), expiresAt: session.expiresAt.toISOString() });
  });

  app.get('/api/v1/session', {
    config: { access: 'read' },
    schema: { tags: ['session'], summary: 'Who is signed in', response: { 200: session, ...problemResponses } },
  }, async (request) => ({ name: request.principal.name, role: roleOf(request.principal) }));

  app.delete('/api/v1/session', {
    config: { access: 'public' },
    schema: { tags: ['session'], summary: 'Sign out', security: [], response: { 204: { type: 'null', description: 'Signed out; the cookie is cleared.' } } },
  }, async (request, reply) => {
    const session = request.cookies[SESSION_COOKIE];
    if (session) await ctx.auth.endSession(session);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });
}
