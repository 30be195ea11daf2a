/** The event log and its live stream (contract §6, §7). */
import type { Api, ApiContext } from '../context.ts';
import { listQuery, problemResponses } from '../schemas.ts';
import { position } from '../schemas/primitives.ts';
import { parseCursor } from './deployments.ts';

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
    const cursor = lastEventId !== undefined ? Number(lastEventId) : (q.after ?? (await ctx.events.newestPosition()));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    // One read of the log per batch is shared by every stream; a reader too slow to take its
    // events (its backlog past the limit) is disconnected and resumes with Last-Event-ID.
    // The backlog is counted here: bytes written whose write has not yet completed (handed to the socket).
    let backlog = 0;
    let drained: (() => void)[] = [];
    const settle = () => {
      const waiting = drained;
      drained = [];
      for (const resolve of waiting) resolve();
    };
    const close = ctx.events.openStream({ after: cursor, deploymentId: q.deployment }, {
      write(chunk) {
        const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        backlog += bytes;
        res.write(chunk, () => {
          backlog -= bytes;
          if (backlog === 0) settle();
        });
      },
      buffered: () => backlog,
      drained: () => new Promise<void>((resolve) => {
        if (backlog === 0 || res.destroyed) resolve();
        else drained.push(resolve);
      }),
      drop: () => res.destroy(),
    });
    res.on('close', settle);
    request.raw.on('close', close);
    res.on('close', close);
  });
}
