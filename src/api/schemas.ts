/**
 * JSON Schemas of the v1 API: the one source for request validation, response serialisation, the
 * handlers' TypeScript types (api/context.ts's type provider infers them from these `as const`
 * objects) and the OpenAPI document (`/openapi.json`). Shared shapes are registered with `$id` and
 * referenced as `{ $ref: 'Name#' }`; they appear under `components.schemas`.
 *
 * Response schemas are complete and mostly closed (`additionalProperties: false`): Fastify
 * serialises a response from its schema and drops what the schema does not name, so a field
 * missing here would silently never reach a client. test/openapi.test.ts fails on any response
 * field left undescribed. Status strings come from core (one list each, the same in code, SQL and
 * API). The shapes sit in schemas/, by what they describe; this module gathers them.
 */
import { ApprovalRequest, ArtifactManifest, BuildEvent, CancelRequest, ChangeCaseTransition, CloneRequest, ConfigReloadRequest, FreezeRequest,
  ManualDeploymentRequest, NotificationSettings, PlanRequest, SessionRequest, SourceInfo } from './schemas/requests.ts';
import { CheckSpec, EnvironmentPolicy, Target, TargetSpec, WindowSpec } from './schemas/config.ts';
import { CheckResult, Deployment, DeploymentList, Phase, Plan, Prerequisites, Release, ScanFindings } from './schemas/deployments.ts';
import { Event, EventList } from './schemas/events.ts';
import { ChangeCase, Freeze } from './schemas/gates.ts';
import { CatalogSource, CatalogSourceList, ConfigImport, Origin, Service, Strategies, Team } from './schemas/catalog.ts';
import { Problem, Readiness, Session } from './schemas/system.ts';
import { str } from './schemas/primitives.ts';
import { AuditRecord, NewToken, Token, TokenRequest } from './schemas/access.ts';
import { NewWebhook, Webhook, WebhookDelivery, WebhookRequest } from './schemas/webhooks.ts';
import { Sink, SinkList } from './schemas/sinks.ts';

/** Every shared schema, in an order where each is registered before those that refer to it. */
export const ALL_SCHEMAS = [
  ArtifactManifest, SourceInfo, BuildEvent, PlanRequest, ManualDeploymentRequest, CloneRequest, CancelRequest, ApprovalRequest,
  ChangeCaseTransition, FreezeRequest, NotificationSettings, ConfigReloadRequest, SessionRequest,
  TargetSpec, Target, CheckSpec, WindowSpec, EnvironmentPolicy, Plan, Release, CheckResult, Prerequisites, Phase, ScanFindings,
  Deployment, DeploymentList, Event, EventList, ChangeCase, Freeze, Origin, Team, Service, Strategies, ConfigImport,
  CatalogSource, CatalogSourceList, Session, Readiness, Problem,
  TokenRequest, Token, NewToken, AuditRecord, WebhookRequest, Webhook, NewWebhook, WebhookDelivery, Sink, SinkList,
] as const;

/** The shared schemas as the type provider resolves `$ref: 'Name#'` (api/context.ts). */
export type SchemaReferences = [
  typeof ArtifactManifest, typeof SourceInfo, typeof BuildEvent, typeof PlanRequest, typeof ManualDeploymentRequest, typeof CloneRequest,
  typeof CancelRequest, typeof ApprovalRequest, typeof ChangeCaseTransition, typeof FreezeRequest, typeof NotificationSettings,
  typeof ConfigReloadRequest, typeof SessionRequest, typeof TargetSpec, typeof Target, typeof CheckSpec, typeof WindowSpec,
  typeof EnvironmentPolicy, typeof Plan, typeof Release, typeof CheckResult, typeof Prerequisites, typeof Phase, typeof ScanFindings,
  typeof Deployment, typeof DeploymentList, typeof Event, typeof EventList, typeof ChangeCase, typeof Freeze, typeof Origin, typeof Team, typeof Service,
  typeof Strategies, typeof ConfigImport, typeof CatalogSource, typeof CatalogSourceList, typeof Session, typeof Readiness, typeof Problem,
  typeof TokenRequest, typeof Token, typeof NewToken, typeof AuditRecord,
  typeof WebhookRequest, typeof Webhook, typeof NewWebhook, typeof WebhookDelivery, typeof Sink, typeof SinkList,
];

const problem = { $ref: 'Problem#' } as const;
/** The problem+json answers every /api/v1 route may give. */
export const problemResponses = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem } as const;

/** A page of a list (contract §7): `{ items: [...], nextCursor }`, nextCursor null on the last page. */
export function pageOf<const Ref extends string>(ref: Ref) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items: { $ref: ref } },
      nextCursor: { type: ['string', 'null'], description: 'Send as `cursor` for the next page; null on the last page.' },
    },
  } as const;
}

export const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: str } } as const;

export const listQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', maxLength: 1000, description: 'The `nextCursor` of the previous page.' },
} as const;
