/**
 * Calls from the systems DCP drives, each proving itself with a credential of its own (access
 * `callback`: DCP's tokens and sessions do not apply; the service checks the credential):
 * - `POST /api/v1/workflow-callbacks` (contract §9): progress from an Argo workflow, with the
 *   callback token DCP minted for that workflow;
 * - `POST /api/v1/webhooks/harbor`: Harbor's SCANNING_COMPLETED webhook, with the shared secret
 *   Harbor sends in `Authorization`.
 */
import { bearerToken } from '../access.ts';
import type { Api, ApiContext } from '../context.ts';
import { CALLBACK_KINDS, CALLBACK_STATUSES } from '../../services/workflow-callbacks.ts';
import { SEVERITIES } from '../../core/types.ts';
import { problemResponses } from '../schemas.ts';

const count = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const;

const WorkflowCallback = {
  type: 'object',
  required: ['workflow', 'kind', 'id', 'status'],
  additionalProperties: false,
  properties: {
    workflow: { type: 'string', minLength: 1, maxLength: 253, description: 'The workflow\'s name (Argo\'s `{{workflow.name}}`).' },
    kind: { type: 'string', enum: CALLBACK_KINDS, description: 'What the callback is about: the scan wait, the phase, or one release of it.' },
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'The deployment id (scan), phase id (phase) or release id (release).' },
    status: { type: 'string', enum: CALLBACK_STATUSES },
    detail: { type: 'string', maxLength: 2000, description: 'One line: what happened (it becomes the statusDetail).' },
    findings: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<(typeof SEVERITIES)[number], typeof count>,
      description: 'Findings by severity: only with kind scan and status Succeeded.',
    },
  },
} as const;

export function callbackRoutes(app: Api, ctx: ApiContext): void {
  app.post('/api/v1/workflow-callbacks', {
    config: { access: 'callback' },
    schema: {
      tags: ['workflows'],
      summary: 'Progress from an Argo workflow, authenticated by that workflow\'s own callback token; 204 when applied or already applied',
      security: [{ callbackToken: [] }],
      body: WorkflowCallback,
      response: { 204: { type: 'null', description: 'Applied, or already applied (a repeat or a late callback changes nothing).' }, ...problemResponses },
    },
  }, async (request, reply) => {
    await ctx.workflowCallbacks.report(request.caller, bearerToken(request.headers.authorization), request.body);
    return reply.code(204).send(null);
  });

  app.post('/api/v1/webhooks/harbor', {
    config: { access: 'callback' },
    schema: {
      tags: ['workflows'],
      summary: "Harbor's SCANNING_COMPLETED webhook: deployments waiting for that artifact's scan read it from Harbor now",
      description: 'Authenticated by the shared secret configured in Harbor\'s webhook policy (Auth Header) and in DCP_HARBOR_WEBHOOK_SECRET. Other event types are accepted and ignored.',
      security: [{ harborSecret: [] }],
      body: { type: 'object', description: "Harbor's webhook payload (type, occur_at, operator, event_data)." },
      response: {
        202: {
          type: 'object',
          required: ['deployments', 'ignored'],
          additionalProperties: false,
          properties: {
            deployments: { type: 'array', items: { type: 'string' }, description: 'The deployments that asked the scan provider again.' },
            ignored: { type: ['string', 'null'], description: 'Why the event changed nothing (another event type), or null.' },
          },
        },
        ...problemResponses,
      },
    },
  }, async (request, reply) => reply.code(202).send(await ctx.scanWebhooks.harbor(request.caller, request.headers.authorization, request.body)));
}
