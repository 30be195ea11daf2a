/** API tokens and the audit trail (contract §11): who may call, and what everyone did. */
import type { Api, ApiContext } from '../context.ts';
import { idParams, listQuery, pageOf, problemResponses } from '../schemas.ts';

export function accessRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/tokens', {
    config: { access: 'read' },
    schema: {
      tags: ['access'],
      summary: "Make an API token: your own (it acts as you, limited by its scopes), a team's CI token, or (admins) anyone's. The secret is shown once.",
      body: { $ref: 'TokenRequest#' },
      response: { 201: { $ref: 'NewToken#' }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { token, secret } = await ctx.auth.createToken(request.caller, request.body);
    return reply.code(201).header('location', `/api/v1/tokens/${token.id}`).send({ ...token, token: secret });
  });

  app.get('/api/v1/tokens', {
    config: { access: 'read' },
    schema: {
      tags: ['access'],
      summary: 'Tokens, newest first: your own, or (admins) everyone\'s. Never the secret.',
      querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery } },
      response: { 200: pageOf('Token#'), ...problemResponses },
    },
  }, async (request) => ctx.auth.listTokens(request.principal, request.query));

  app.delete('/api/v1/tokens/:id', {
    config: { access: 'read' },
    schema: {
      tags: ['access'],
      summary: 'Revoke a token at once (your own, or as an admin anyone\'s); its sessions end with it',
      params: idParams,
      response: { 200: { $ref: 'Token#' }, ...problemResponses },
    },
  }, async (request) => ctx.auth.revokeToken(request.caller, request.params.id));

  app.get('/api/v1/audit', {
    config: { access: 'admin' },
    schema: {
      tags: ['access'],
      summary: 'The audit trail, newest first: every write, sign-in, token made and revoked',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          actor: { type: 'string', maxLength: 200 },
          action: { type: 'string', maxLength: 200, description: 'e.g. `POST /api/v1/deployments/:id/cancel`' },
          resource: { type: 'string', maxLength: 300, description: 'e.g. `deployments/<id>`' },
          outcome: { type: 'string', enum: ['success', 'denied', 'failed'] },
          ...listQuery,
        },
      },
      response: { 200: pageOf('AuditRecord#'), ...problemResponses },
    },
  }, async (request) => ctx.audit.list(request.query));
}
