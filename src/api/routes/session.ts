/**
 * Signing in to the app: an API token becomes a session held in an HttpOnly cookie, which the API
 * accepts like a token (the browser's EventSource cannot send headers). Single sign-on replaces
 * the token form later; the session is the seam it plugs into.
 */
import { NotAuthenticatedError } from '../../core/errors.ts';
import { SESSION_COOKIE, roleOf } from '../../services/auth.ts';
import type { Api, ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

const session = { $ref: 'Session#' } as const;

export function sessionRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/session', {
    config: { access: 'public' },
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
    reply.setCookie(SESSION_COOKIE, session.sessionId, {
      httpOnly: true, sameSite: 'strict', path: '/', maxAge: ctx.auth.sessions.absoluteMs / 1000, secure: request.protocol === 'https',
    });
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
    return reply.code(204).send(null);
  });
}
