/** The health of the outbox's sinks: admins only (names hold subscription ids; errors may name receivers). */
import type { Api, ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

export function sinkRoutes(app: Api, ctx: ApiContext): void {
  app.get('/api/v1/sinks', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: "The outbox's sinks (NATS, each webhook subscription, Slack): lag, delivered, failing since, last error, next try",
      response: { 200: { $ref: 'SinkList#' }, ...problemResponses },
    },
  }, async (request) => ctx.sinks.health(request.principal));
}
