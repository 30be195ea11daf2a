/** Webhook subscriptions and their delivery log (contract §7, §10): admins only. */
import type { Api, ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { idParams, listQuery, pageOf, problemResponses } from '../schemas.ts';

export function webhookRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/webhooks', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: 'Subscribe a URL to DCP\'s events (signed CloudEvents, Standard Webhooks). The signing secret is shown once.',
      body: { $ref: 'WebhookRequest#' },
      response: { 201: { $ref: 'NewWebhook#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { webhook, secret } = await ctx.webhooks.create(request.caller, request.body);
    return reply.code(201).header('location', `/api/v1/webhooks/${webhook.id}`).send({ ...webhook, secret });
  });

  app.get('/api/v1/webhooks', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook subscriptions, newest first. Never their secrets.',
      querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery } },
      response: { 200: pageOf('Webhook#'), ...problemResponses },
    },
  }, async (request) => {
    const { limit, cursor } = request.query;
    const page = await ctx.webhooks.list(request.principal, { limit, before: decodeCursor(cursor, ['instant', 'name']) });
    return { items: page.items, nextCursor: encodeCursor(page.next) };
  });

  app.delete('/api/v1/webhooks/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: 'Unsubscribe: nothing more is delivered, and the delivery log goes with it',
      params: idParams,
      response: { 200: { $ref: 'Webhook#' }, ...problemResponses },
    },
  }, async (request) => ctx.webhooks.remove(request.caller, request.params.id));

  app.get('/api/v1/webhooks/:id/deliveries', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: 'Every try to deliver an event to the subscription, newest first',
      params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery } },
      response: { 200: pageOf('WebhookDelivery#'), ...problemResponses },
    },
  }, async (request) => {
    const { limit, cursor } = request.query;
    const before = decodeCursor(cursor, ['position']);
    const page = await ctx.webhooks.deliveries(request.principal, request.params.id, { limit, before: before?.[0] });
    return { items: page.items, nextCursor: encodeCursor(page.next === null ? null : [page.next]) };
  });
}
