/** Approvals, change cases and change freezes (contract §7). */
import { CHANGE_CASE_STATUSES } from '../../core/lifecycle.ts';
import type { Api, ApiContext } from '../context.ts';
import { idParams, itemsOf, listQuery, problemResponses } from '../schemas.ts';

export function gateRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/deployments/:id/phases/:phaseId/approvals', {
    config: { access: 'approvals:write' },
    schema: {
      tags: ['gates'],
      summary: 'Approve or reject a phase; one rejection cancels it. Answers with the deployment.',
      params: { type: 'object', required: ['id', 'phaseId'], additionalProperties: false, properties: { id: { type: 'string' }, phaseId: { type: 'string' } } },
      body: { $ref: 'ApprovalRequest#' },
      response: { 201: { $ref: 'Deployment#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { id, phaseId } = request.params;
    const { decision, comment } = request.body;
    const deployment = await ctx.gates.decide(id, phaseId, request.caller, decision, comment ?? null);
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
          status: { type: 'string', enum: CHANGE_CASE_STATUSES },
          limit: listQuery.limit,
        },
      },
      response: { 200: itemsOf('ChangeCase#'), ...problemResponses },
    },
  }, async (request) => {
    const { deployment, status, limit } = request.query;
    return { items: await ctx.gates.listChangeCases({ deploymentId: deployment, status, limit }) };
  });

  app.get('/api/v1/change-cases/:id', {
    config: { access: 'read' },
    schema: { tags: ['gates'], summary: 'One change case', params: idParams, response: { 200: { $ref: 'ChangeCase#' }, ...problemResponses } },
  }, async (request) => ctx.gates.getChangeCase(request.params.id));

  app.post('/api/v1/change-cases/:id/transition', {
    config: { access: 'approvals:write' },
    schema: {
      tags: ['gates'],
      summary: 'Move a built-in change case (new → submitted → scheduled-approved | rejected; closed from any state). Illegal moves and moves blocked by a freeze: 409.',
      params: idParams,
      body: { $ref: 'ChangeCaseTransition#' },
      response: { 200: { $ref: 'ChangeCase#' }, ...problemResponses },
    },
  }, async (request) => ctx.gates.transitionChangeCase(request.params.id, request.body, request.caller));

  app.get('/api/v1/freezes', {
    config: { access: 'read' },
    schema: {
      tags: ['gates'],
      summary: 'Change freezes, newest first (`current=true`: those not lifted or ended)',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { current: { type: 'boolean', default: false }, limit: listQuery.limit },
      },
      response: { 200: itemsOf('Freeze#'), ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.gates.listFreezes(request.query.current, request.query.limit) }));

  app.post('/api/v1/freezes', {
    config: { access: 'admin' },
    schema: {
      tags: ['gates'],
      summary: 'Set a change freeze on freezable environments (scheduled ahead with a later startsAt; no endsAt: until lifted)',
      body: { $ref: 'FreezeRequest#' },
      response: { 201: { $ref: 'Freeze#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const freeze = await ctx.gates.createFreeze(request.body, request.caller);
    return reply.code(201).header('location', `/api/v1/freezes/${freeze.id}`).send(freeze);
  });

  app.delete('/api/v1/freezes/:id', {
    config: { access: 'admin' },
    schema: { tags: ['gates'], summary: 'Lift a change freeze', params: idParams, response: { 200: { $ref: 'Freeze#' }, ...problemResponses } },
  }, async (request) => ctx.gates.liftFreeze(request.params.id, request.caller));
}
