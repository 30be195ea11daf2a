/** Approvals, change cases and change freezes (contract §7). */
import type { FastifyInstance } from 'fastify';
import type { FreezeRequest, TransitionRequest } from '../../services/gates.ts';
import type { ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

const items = (ref: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: ref } } } }) as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export function gateRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/api/v1/deployments/:id/phases/:phaseId/approvals', {
    config: { access: 'approvals:write' },
    schema: {
      tags: ['gates'],
      summary: 'Approve or reject a phase; one rejection cancels it. Answers with the deployment.',
      params: { type: 'object', required: ['id', 'phaseId'], properties: { id: { type: 'string' }, phaseId: { type: 'string' } } },
      body: { $ref: 'ApprovalRequest#' },
      response: { 201: { $ref: 'Deployment#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { id, phaseId } = request.params as { id: string; phaseId: string };
    const body = request.body as { decision: 'approve' | 'reject'; comment?: string };
    const deployment = await ctx.gates.decide(id, phaseId, request.principal.name, body.decision, body.comment ?? null);
    return reply.code(201).send(deployment);
  });

  app.get('/api/v1/change-cases', {
    config: { access: 'read' },
    schema: {
      tags: ['gates'],
      summary: 'Change cases, newest first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          deployment: { type: 'string' },
          status: { type: 'string', enum: ['new', 'submitted', 'scheduled-approved', 'rejected', 'closed'] },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: items('ChangeCase#'), ...problemResponses },
    },
  }, async (request) => {
    const q = request.query as { deployment?: string; status?: string; limit: number };
    return { items: await ctx.gates.listChangeCases({ deploymentId: q.deployment, status: q.status, limit: q.limit }) };
  });

  app.get('/api/v1/change-cases/:id', {
    config: { access: 'read' },
    schema: { tags: ['gates'], summary: 'One change case', params: idParams, response: { 200: { $ref: 'ChangeCase#' }, ...problemResponses } },
  }, async (request) => ctx.gates.getChangeCase((request.params as { id: string }).id));

  app.post('/api/v1/change-cases/:id/transition', {
    config: { access: 'approvals:write' },
    schema: {
      tags: ['gates'],
      summary: 'Move a built-in change case (new → submitted → scheduled-approved | rejected; closed from any state). Illegal moves and moves blocked by a freeze: 409.',
      params: idParams,
      body: { $ref: 'ChangeCaseTransition#' },
      response: { 200: { $ref: 'ChangeCase#' }, ...problemResponses },
    },
  }, async (request) => ctx.gates.transitionChangeCase((request.params as { id: string }).id, request.body as TransitionRequest, request.principal.name));

  app.get('/api/v1/freezes', {
    config: { access: 'read' },
    schema: {
      tags: ['gates'],
      summary: 'Change freezes, newest first (`current=true`: those not lifted or ended)',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { current: { type: 'boolean', default: false }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      },
      response: { 200: items('Freeze#'), ...problemResponses },
    },
  }, async (request) => {
    const q = request.query as { current: boolean; limit: number };
    return { items: await ctx.gates.listFreezes(q.current, q.limit) };
  });

  app.post('/api/v1/freezes', {
    config: { access: 'admin' },
    schema: {
      tags: ['gates'],
      summary: 'Set a change freeze on freezable environments (scheduled ahead with a later startsAt; no endsAt: until lifted)',
      body: { $ref: 'FreezeRequest#' },
      response: { 201: { $ref: 'Freeze#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const freeze = await ctx.gates.createFreeze(request.body as FreezeRequest, request.principal.name);
    return reply.code(201).header('location', `/api/v1/freezes/${freeze.id}`).send(freeze);
  });

  app.delete('/api/v1/freezes/:id', {
    config: { access: 'admin' },
    schema: { tags: ['gates'], summary: 'Lift a change freeze', params: idParams, response: { 200: { $ref: 'Freeze#' }, ...problemResponses } },
  }, async (request) => ctx.gates.liftFreeze((request.params as { id: string }).id, request.principal.name));
}
