/** Builds, plans and deployments (contract §3, §4, §7). */
import type { FastifyRequest } from 'fastify';
import { DEPLOYMENT_STATUSES } from '../../core/types.ts';
import { InputError } from '../../core/errors.ts';
import { unwrapBuildCloudEvent } from '../build-intake.ts';
import type { Api, ApiContext } from '../context.ts';
import type { ArtifactManifest } from '../../core/types.ts';
import { idParams, listQuery, problemResponses } from '../schemas.ts';

export function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) throw new InputError('bad cursor', [{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
  return Number(cursor);
}

/**
 * A structured CloudEvent (`specversion`, `type: BuildCompleted`, `data`) carries the build in
 * `data`. Runs before validation, on the body as parsed (so on `FastifyRequest`'s unknown body).
 * The bus intake (api/build-intake.ts) unwraps with the same function.
 */
async function unwrapCloudEvent(request: FastifyRequest): Promise<void> {
  request.body = unwrapBuildCloudEvent(request.body);
}

const deployment = { $ref: 'Deployment#' } as const;

/**
 * The schema names the simulator's annotations beside the free-form ones, and json-schema-to-ts
 * then types the other annotations `unknown`; the schema has checked they are all strings.
 */
function withAnnotations<T extends { artifactManifest: object }>(body: T): Omit<T, 'artifactManifest'> & { artifactManifest: ArtifactManifest } {
  return body as unknown as Omit<T, 'artifactManifest'> & { artifactManifest: ArtifactManifest };
}

export function deploymentRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/builds', {
    config: { access: 'builds:write' },
    schema: {
      tags: ['builds'],
      summary: 'Submit a BuildCompleted event (plain, or as a structured CloudEvent); idempotent on buildId',
      body: { $ref: 'BuildEvent#' },
      response: { 200: deployment, 201: deployment, ...problemResponses },
    },
    preValidation: unwrapCloudEvent,
  }, async (request, reply) => {
    const { created, deployment } = await ctx.deployments.submitBuild(withAnnotations(request.body), request.caller);
    return reply.code(created ? 201 : 200).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/plans', {
    config: { access: 'read' },
    schema: {
      tags: ['deployments'],
      summary: 'The plan a build or manual deployment would make; stores nothing',
      body: { $ref: 'PlanRequest#' },
      response: { 200: { $ref: 'Plan#' }, ...problemResponses },
    },
    preValidation: unwrapCloudEvent,
  }, async (request) => {
    const { component, channel, strategy, environments } = request.body;
    return ctx.deployments.preview({ component, channel, strategy, environments });
  });

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
          status: { type: 'string', enum: DEPLOYMENT_STATUSES },
          environment: { type: 'string' },
          q: { type: 'string', description: 'Free text: service, version, build id or deployment id.' },
          ...listQuery,
        },
      },
      response: { 200: { $ref: 'DeploymentList#' }, ...problemResponses },
    },
  }, async (request) => {
    const { cursor, ...filter } = request.query;
    const page = await ctx.deployments.list({ ...filter, before: parseCursor(cursor) });
    return { items: page.items, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
  });

  app.get('/api/v1/deployments/:id', {
    config: { access: 'read' },
    schema: { tags: ['deployments'], summary: 'One deployment with its phases and releases', params: idParams, response: { 200: deployment, ...problemResponses } },
  }, async (request) => ctx.deployments.get(request.params.id));

  app.post('/api/v1/deployments', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'Create a manual deployment; an Idempotency-Key header makes a retry return the first one',
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
      body: { $ref: 'ManualDeploymentRequest#' },
      response: { 200: deployment, 201: deployment, ...problemResponses },
    },
  }, async (request, reply) => {
    const { created, deployment } = await ctx.deployments.createManual(withAnnotations(request.body), request.caller, request.headers['idempotency-key']);
    return reply.code(created ? 201 : 200).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/deployments/:id/clone', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'A new deployment of the same artifact, planned afresh (optionally of a subset of environments)',
      params: idParams,
      body: { $ref: 'CloneRequest#' },
      response: { 201: deployment, ...problemResponses },
    },
  }, async (request, reply) => {
    const deployment = await ctx.deployments.clone(request.params.id, request.body, request.caller);
    return reply.code(201).header('location', `/api/v1/deployments/${deployment.id}`).send(deployment);
  });

  app.post('/api/v1/deployments/:id/cancel', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'Cancel a running deployment; 409 when it has already ended',
      params: idParams,
      body: { $ref: 'CancelRequest#' },
      response: { 200: deployment, ...problemResponses },
    },
  }, async (request) => ctx.deployments.cancel(request.params.id, request.caller, request.body.reason));
}
