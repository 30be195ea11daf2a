/** Builds, plans and deployments (contract §3, §4, §7). */
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../core/errors.ts';
import type { BuildEvent, ManualDeploymentRequest } from '../../services/deployments.ts';
import type { ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) throw new InputError('bad cursor', [{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
  return Number(cursor);
}

export const listQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', description: 'The `nextCursor` of the previous page.' },
} as const;

/** A structured CloudEvent (`specversion`, `type: BuildCompleted`, `data`) carries the build in `data`. */
function unwrapCloudEvent(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('specversion' in body)) return body;
  const event = body as { type?: unknown; data?: unknown };
  if (event.type !== 'BuildCompleted') {
    throw new InputError('unsupported event', [{ field: 'type', message: `must be "BuildCompleted"; got ${JSON.stringify(event.type)}` }]);
  }
  return event.data;
}

export function deploymentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/api/v1/builds', {
    config: { access: 'builds:write' },
    schema: {
      tags: ['builds'],
      summary: 'Submit a BuildCompleted event (plain, or as a structured CloudEvent); idempotent on buildId',
      body: { $ref: 'BuildEvent#' },
      response: { 200: { $ref: 'Deployment#' }, 201: { $ref: 'Deployment#' }, ...problemResponses },
    },
    preValidation: async (request) => {
      request.body = unwrapCloudEvent(request.body);
    },
  }, async (request, reply) => {
    const { created, deployment } = await ctx.deployments.submitBuild(request.body as BuildEvent);
    return reply.code(created ? 201 : 200).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/plans', {
    config: { access: 'read' },
    schema: {
      tags: ['deployments'],
      summary: 'The plan a build or manual deployment would make; stores nothing',
      body: {
        type: 'object',
        required: ['component', 'channel', 'strategy'],
        properties: {
          component: { type: 'string', minLength: 1 },
          channel: { type: 'string', minLength: 1 },
          strategy: { type: 'string', minLength: 1 },
          environments: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        },
      },
      response: { 200: { $ref: 'Plan#' }, ...problemResponses },
    },
    preValidation: async (request) => {
      request.body = unwrapCloudEvent(request.body);
    },
  }, async (request) => ctx.deployments.preview(request.body as { component: string; channel: string; strategy: string; environments?: string[] }));

  app.get('/api/v1/deployments', {
    config: { access: 'read' },
    schema: {
      tags: ['deployments'],
      summary: 'Deployments, newest first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          service: { type: 'string' },
          team: { type: 'string' },
          status: { type: 'string', enum: ['Pending', 'Scanning', 'Scanned', 'InProgress', 'Completed', 'Failed', 'Cancelled'] },
          environment: { type: 'string' },
          q: { type: 'string', description: 'Free text: service, version, build id or deployment id.' },
          ...listQuery,
        },
      },
      response: { 200: { $ref: 'DeploymentList#' }, ...problemResponses },
    },
  }, async (request) => {
    const query = request.query as { service?: string; team?: string; status?: string; environment?: string; q?: string; limit: number; cursor?: string };
    const page = await ctx.deployments.list({ ...query, before: parseCursor(query.cursor) });
    return { items: page.items, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
  });

  app.get('/api/v1/deployments/:id', {
    config: { access: 'read' },
    schema: { tags: ['deployments'], summary: 'One deployment with its phases and releases', params: idParams, response: { 200: { $ref: 'Deployment#' }, ...problemResponses } },
  }, async (request) => ctx.deployments.get((request.params as { id: string }).id));

  app.post('/api/v1/deployments', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'Create a manual deployment; an Idempotency-Key header makes a retry return the first one',
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
      body: { $ref: 'ManualDeploymentRequest#' },
      response: { 200: { $ref: 'Deployment#' }, 201: { $ref: 'Deployment#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'] as string | undefined;
    const { created, deployment } = await ctx.deployments.createManual(request.body as ManualDeploymentRequest, request.principal.name, key);
    return reply.code(created ? 201 : 200).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/deployments/:id/clone', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'A new deployment of the same artifact, planned afresh (optionally of a subset of environments)',
      params: idParams,
      body: { $ref: 'CloneRequest#' },
      response: { 201: { $ref: 'Deployment#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const deployment = await ctx.deployments.clone((request.params as { id: string }).id, (request.body as { environments?: string[] }) ?? {}, request.principal.name);
    return reply.code(201).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/deployments/:id/cancel', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'Cancel a running deployment; 409 when it has already ended',
      params: idParams,
      body: { $ref: 'CancelRequest#' },
      response: { 200: { $ref: 'Deployment#' }, ...problemResponses },
    },
  }, async (request) => {
    const body = (request.body as { reason?: string } | undefined) ?? {};
    return ctx.deployments.cancel((request.params as { id: string }).id, request.principal.name, body.reason);
  });
}
