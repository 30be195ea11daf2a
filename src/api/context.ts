/** What the routes get: services only — no database, no store, no SQL of their own. */
import type {
  FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault,
} from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { AuditService } from '../services/audit.ts';
import type { AuthService } from '../services/auth.ts';
import type { CatalogService } from '../services/catalog.ts';
import type { ConfigImportService } from '../services/config-import.ts';
import type { CatalogSyncService } from '../services/catalog-sync.ts';
import type { DeploymentService } from '../services/deployments.ts';
import type { EventService } from '../services/events.ts';
import type { GateService } from '../services/gates.ts';
import type { OidcService } from '../services/oidc.ts';
import type { SystemService } from '../services/system.ts';
import type { WorkflowCallbackService } from '../services/workflow-callbacks.ts';
import type { ScanWebhookService } from '../services/scan-webhooks.ts';
import type { WebhookService } from '../services/webhooks.ts';
import type { SinkService } from '../services/sinks.ts';
import type { SlackInteractionService } from '../services/slack-interactions.ts';
import type { SchemaReferences } from './schemas.ts';

export interface ApiContext {
  auth: AuthService;
  audit: AuditService;
  deployments: DeploymentService;
  gates: GateService;
  catalog: CatalogService;
  events: EventService;
  configImport: ConfigImportService;
  /** The catalog sources (contract §12): their last syncs, and a sync now. */
  catalogSync: CatalogSyncService;
  system: SystemService;
  workflowCallbacks: WorkflowCallbackService;
  scanWebhooks: ScanWebhookService;
  webhooks: WebhookService;
  sinks: SinkService;
  /** Slack's button presses (refused with 401 when DCP_SLACK_SIGNING_SECRET is not set). */
  slackInteractions: SlackInteractionService;
  /** Sign-in with OIDC; null when DCP_OIDC_ISSUER is not set (token sign-in only). */
  oidc: OidcService | null;
}

type SchemaOptions = { references: SchemaReferences };
type SharedSchema = SchemaReferences[number];

/** Request parts: @fastify/type-provider-json-schema-to-ts, resolving `$ref: 'Name#'` to the shared schemas. */
type Validating<Schema> = JsonSchemaToTsProvider<{ ValidatorSchemaOptions: SchemaOptions }> & { schema: Schema };

/**
 * The type a reply schema describes. json-schema-to-ts infers it, except for the two shapes that
 * would make it infer the deep Deployment schema again inside Fastify's generics, per route and
 * per status (past TypeScript's instantiation depth): a `$ref` to a shared schema takes that
 * schema's type, computed once (a mapped type's members are cached), and a list of a shared
 * schema (`pageOf` lists; DeploymentList and EventList pages) is built from it.
 */
type Reply<Schema> = Schema extends { $ref: `${infer Id}#` } ? Shared<Id>
  : Schema extends { properties: { items: { items: { $ref: `${infer Id}#` } }; nextCursor: unknown } } ? { items: Shared<Id>[]; nextCursor: string | null }
  : Schema extends { properties: { items: { items: { $ref: `${infer Id}#` } } } } ? { items: Shared<Id>[] }
  : Schema extends JSONSchema ? FromSchema<Schema, SchemaOptions> : unknown;
export type SharedTypes = { [S in SharedSchema as S['$id']]: Reply<S> };
type Shared<Id extends string> = Id extends keyof SharedTypes ? SharedTypes[Id] : unknown;

/** The app as routes see it: request parts and replies typed from the route's JSON Schemas. */
export interface TypeProvider extends FastifyTypeProvider {
  validator: Validating<this['schema']>['validator'];
  serializer: Reply<this['schema']>;
}
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeProvider>;

/**
 * What the services return fits the response schemas — checked here, once, so that checking the
 * routes reuses the result (and a schema that no longer describes its DTO fails to compile here).
 */
type Fits<Schema, Dto extends Schema> = Dto;
type Returned<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
// One alias each: TypeScript's instantiation budget is per statement.
export type DeploymentFits = Fits<SharedTypes['Deployment'], Returned<DeploymentService['get']>>;
export type DeploymentListFits = Fits<SharedTypes['DeploymentList'], { items: Returned<DeploymentService['get']>[]; nextCursor: string | null }>;
export type PlanFits = Fits<SharedTypes['Plan'], Returned<DeploymentService['preview']>>;
export type ChangeCaseFits = Fits<SharedTypes['ChangeCase'], Returned<GateService['getChangeCase']>>;
export type FreezeFits = Fits<SharedTypes['Freeze'], Returned<GateService['liftFreeze']>>;
export type TeamFits = Fits<SharedTypes['Team'], Returned<CatalogService['getTeam']>>;
export type ServiceFits = Fits<SharedTypes['Service'], Returned<CatalogService['listServices']>['items'][number]>;
export type TargetFits = Fits<SharedTypes['Target'], Returned<CatalogService['listTargets']>['items'][number]>;
export type StrategiesFits = Fits<SharedTypes['Strategies'], Returned<CatalogService['strategies']>>;
export type EventFits = Fits<SharedTypes['Event'], Returned<EventService['after']>[number]>;
export type WebhookFits = Fits<SharedTypes['Webhook'], Returned<WebhookService['remove']>>;
export type WebhookDeliveryFits = Fits<SharedTypes['WebhookDelivery'], Returned<WebhookService['deliveries']>['items'][number]>;
export type SinkFits = Fits<SharedTypes['Sink'], Returned<SinkService['health']>['items'][number]>;
export type ConfigImportFits = Fits<SharedTypes['ConfigImport'], Returned<ConfigImportService['reload']>>;
