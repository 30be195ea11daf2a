/**
 * Signing in to the app: an API token (or, with OIDC, a person) becomes a session held in an
 * HttpOnly cookie, which the API accepts like a token (the browser's EventSource cannot send
 * headers). Writes with the cookie also need the CSRF header (api/access.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotAuthenticatedError } from '../../core/errors.ts';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor, roleOf, type NewSession } from '../../services/auth.ts';
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

/** Sign-in attempts per address: enough for people, too few to guess tokens. */
export const SIGN_IN_LIMIT = { max: 20, timeWindow: '1 minute' } as const;

export function sessionRoutes(app: Api, ctx: ApiContext): void {
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
