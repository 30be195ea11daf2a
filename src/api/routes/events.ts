/** The event log and its live stream (contract §6, §7). */
import type { Api, ApiContext } from '../context.ts';
import { listQuery, problemResponses } from '../schemas.ts';
import { position } from '../schemas/primitives.ts';
import { parseCursor } from './deployments.ts';

const KEEPALIVE_MS = 15_000;

export function eventRoutes(app: Api, ctx: ApiContext): void {
  app.get('/api/v1/events', {
    config: { access: 'read' },
    schema: {
      tags: ['events'],
      summary: 'The event log. With `after`: events after that position, oldest first (follow the log). Without: newest first, paged with `cursor`.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          deployment: { type: 'string', maxLength: 200 },
          after: position,
          ...listQuery,
        },
      },
      response: { 200: { $ref: 'EventList#' }, ...problemResponses },
    },
  }, async (request) => {
    const q = request.query;
    const before = q.after === undefined ? parseCursor(q.cursor) : undefined;
    const page = await ctx.events.page({ after: q.after, before, deploymentId: q.deployment, limit: q.limit });
    return { items: page.items, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
  });

  app.get('/api/v1/stream', {
    config: { access: 'read' },
    schema: {
      tags: ['events'],
      summary: 'Events as server-sent events (each `id` is the position; resume with Last-Event-ID or `after`). Without either, starts from now.',
      querystring: { type: 'object', properties: { deployment: { type: 'string', maxLength: 200 }, after: position } },
      headers: { type: 'object', properties: { 'last-event-id': { type: 'string', pattern: '^\\d{1,15}$' } } },
      response: {
        200: {
          description: 'Server-sent events: `id: <position>` and `data: <Event as JSON>` each, and `: keep-alive` comments.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...problemResponses,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const lastEventId = request.headers['last-event-id'];
    let cursor = lastEventId !== undefined ? Number(lastEventId) : (q.after ?? (await ctx.events.newestPosition()));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');

    let closed = false;
    let pumping = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          for (;;) {
            const batch = await ctx.events.after(cursor, q.deployment, 200);
            if (closed || batch.length === 0) break;
            for (const event of batch) res.write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`);
            cursor = batch[batch.length - 1].position;
          }
        } while (again && !closed);
      } catch (error) {
        request.log.warn(`stream: ${(error as Error).message}`);
      } finally {
        pumping = false;
      }
    };
    const unsubscribe = ctx.events.subscribe(() => void pump());
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    request.raw.on('close', () => {
      closed = true;
      clearInterval(keepalive);
      unsubscribe();
    });
    await pump();
  });
}
