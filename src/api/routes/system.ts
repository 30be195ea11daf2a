/** Liveness, readiness and metrics. These need no token: they say nothing of any one deployment. */
import type { Api, ApiContext } from '../context.ts';

const readiness = { $ref: 'Readiness#' } as const;

export function systemRoutes(app: Api, ctx: ApiContext): void {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Liveness',
      security: [],
      response: { 200: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', const: 'ok' } } } },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Readiness: migrated, config loaded, engine running, database reachable (503 when any is not)',
      security: [],
      response: { 200: readiness, 503: readiness },
    },
  }, async (_request, reply) => {
    const { ready, checks } = await ctx.system.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Prometheus metrics',
      security: [],
      response: { 200: { description: 'The Prometheus text format, version 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_request, reply) => reply.type('text/plain; version=0.0.4').send(await ctx.system.metrics()));
}
