/** Liveness, readiness and metrics. These need no token: they say nothing of any one deployment. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';

export function systemRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Readiness: migrated, config loaded, engine running, database reachable' } }, async (_request, reply) => {
    const { ready, checks } = await ctx.system.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4').send(await ctx.system.metrics());
  });
}
