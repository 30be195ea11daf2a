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
 * API). The file is long because it is every shape of the API in one place.
 */
import { CHANGE_CASE_STATUSES } from '../core/lifecycle.ts';
import { EVENT_TYPES } from '../core/events.ts';
import {
  CHECK_STATUSES,
  CHECK_TYPES,
  DEPLOYMENT_STATUSES,
  PHASE_STATUSES,
  RELEASE_STATUSES,
  SEVERITIES,
  type PrometheusCheckSpec,
} from '../core/types.ts';
import { READINESS_CHECKS } from '../services/system.ts';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const strMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const statusTimes = { ...strMap, description: 'When each status was reached (status → date-time).' } as const;
const PROMETHEUS_OPS = ['<', '<=', '>', '>=', '=='] as const satisfies readonly PrometheusCheckSpec['op'][];

// ---------------------------------------------------------------------------------------------
// Requests

export const ArtifactManifest = {
  $id: 'ArtifactManifest',
  type: 'object',
  required: ['name', 'version', 'images', 'charts'],
  additionalProperties: false,
  properties: {
    name: nonEmpty,
    version: nonEmpty,
    images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: nonEmpty, digest: str, tag: str },
      },
    },
    charts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'version'],
        additionalProperties: false,
        properties: { name: nonEmpty, version: nonEmpty, repository: str },
      },
    },
    annotations: { ...strMap, default: {} },
  },
} as const;

export const SourceInfo = {
  $id: 'SourceInfo',
  type: 'object',
  additionalProperties: false,
  properties: { repository: str, commit: str, branch: str },
} as const;

/** The BuildCompleted event (contract §3). */
export const BuildEvent = {
  $id: 'BuildEvent',
  type: 'object',
  required: ['buildId', 'component', 'channel', 'strategy', 'artifactManifest'],
  additionalProperties: false,
  properties: {
    buildId: nonEmpty,
    component: nonEmpty,
    channel: nonEmpty,
    strategy: nonEmpty,
    artifactManifest: { $ref: 'ArtifactManifest#' },
    source: { $ref: 'SourceInfo#' },
    triggeredBy: nonEmpty,
  },
} as const;

const environmentsSubset = {
  type: 'array',
  items: nonEmpty,
  uniqueItems: true,
  description: 'A subset of the planned environments; all when absent.',
} as const;

export const PlanRequest = {
  $id: 'PlanRequest',
  type: 'object',
  description: 'What to plan: a build event or a manual deployment request (other fields are ignored).',
  required: ['component', 'channel', 'strategy'],
  properties: { component: nonEmpty, channel: nonEmpty, strategy: nonEmpty, environments: environmentsSubset },
} as const;

export const ManualDeploymentRequest = {
  $id: 'ManualDeploymentRequest',
  type: 'object',
  required: ['component', 'channel', 'strategy', 'artifactManifest'],
  additionalProperties: false,
  properties: {
    component: nonEmpty,
    channel: nonEmpty,
    strategy: nonEmpty,
    artifactManifest: { $ref: 'ArtifactManifest#' },
    environments: environmentsSubset,
    source: { $ref: 'SourceInfo#' },
    reason: str,
  },
} as const;

export const CloneRequest = {
  $id: 'CloneRequest',
  type: 'object',
  additionalProperties: false,
  properties: { environments: environmentsSubset },
} as const;

export const CancelRequest = {
  $id: 'CancelRequest',
  type: 'object',
  additionalProperties: false,
  properties: { reason: str },
} as const;

export const ApprovalRequest = {
  $id: 'ApprovalRequest',
  type: 'object',
  required: ['decision'],
  additionalProperties: false,
  properties: { decision: { type: 'string', enum: ['approve', 'reject'] }, comment: { type: 'string', maxLength: 2000 } },
} as const;

const window = {
  type: 'object',
  required: ['start', 'end'],
  additionalProperties: false,
  properties: { start: dateTime, end: dateTime },
} as const;

export const ChangeCaseTransition = {
  $id: 'ChangeCaseTransition',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: CHANGE_CASE_STATUSES.filter((s) => s !== 'new') },
    deployWindow: { ...window, description: 'Required to move to scheduled-approved.' },
    comment: { type: 'string', maxLength: 2000 },
  },
} as const;

export const FreezeRequest = {
  $id: 'FreezeRequest',
  type: 'object',
  required: ['environments', 'startsAt', 'reason'],
  additionalProperties: false,
  properties: {
    environments: { type: 'array', minItems: 1, uniqueItems: true, items: nonEmpty, description: 'Freezable environments only.' },
    startsAt: dateTime,
    endsAt: { ...dateTime, description: 'Absent: until lifted.' },
    reason: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

export const NotificationSettings = {
  $id: 'NotificationSettings',
  type: 'object',
  required: ['workspace', 'channel'],
  additionalProperties: false,
  properties: {
    workspace: { type: ['string', 'null'], minLength: 1 },
    channel: { type: ['string', 'null'], minLength: 1, pattern: '^[#@]?[a-z0-9][a-z0-9._-]*$' },
  },
} as const;

export const ConfigReloadRequest = {
  $id: 'ConfigReloadRequest',
  type: 'object',
  additionalProperties: false,
  properties: { files: { ...strMap, description: 'Path (relative to the config folder) → content.' } },
} as const;

export const SessionRequest = {
  $id: 'SessionRequest',
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  properties: { token: nonEmpty },
} as const;

// ---------------------------------------------------------------------------------------------
// The config as imported: targets and environment policies (contract §2)

const targetSpecProperties = {
  cluster: str,
  region: str,
  kubeContext: str,
  namespace: str,
  cpcEndpoint: str,
  labels: strMap,
} as const;

export const TargetSpec = {
  $id: 'TargetSpec',
  type: 'object',
  description: 'One cluster a phase releases to.',
  required: ['cluster', 'region'],
  additionalProperties: false,
  properties: targetSpecProperties,
} as const;

export const Target = {
  $id: 'Target',
  type: 'object',
  description: 'One cluster of one environment of one channel, as imported from channels.yaml.',
  required: ['channel', 'environment', 'cluster', 'region'],
  additionalProperties: false,
  properties: { channel: str, environment: str, ...targetSpecProperties },
} as const;

export const CheckSpec = {
  $id: 'CheckSpec',
  description: 'A check a phase runs when it starts (and again before it releases, if it waited).',
  anyOf: [
    {
      type: 'object',
      required: ['name', 'type', 'url'],
      additionalProperties: false,
      properties: {
        name: str,
        type: { const: 'http' },
        url: str,
        expectStatus: int,
        jsonPath: str,
        equals: { description: 'Any JSON value (a scalar from the config): the value at jsonPath must equal it.' },
        timeoutMs: int,
      },
    },
    {
      type: 'object',
      required: ['name', 'type', 'url', 'query', 'op', 'threshold'],
      additionalProperties: false,
      properties: { name: str, type: { const: 'prometheus' }, url: str, query: str, op: { type: 'string', enum: PROMETHEUS_OPS }, threshold: { type: 'number' } },
    },
    {
      type: 'object',
      required: ['name', 'type', 'maxSeverity'],
      additionalProperties: false,
      properties: { name: str, type: { const: 'scan' }, maxSeverity: { type: 'string', enum: SEVERITIES } },
    },
  ],
} as const;

export const WindowSpec = {
  $id: 'WindowSpec',
  type: 'object',
  required: ['timezone', 'days', 'hours'],
  additionalProperties: false,
  properties: {
    timezone: { type: 'string', description: 'An IANA time zone, e.g. Europe/Berlin.' },
    days: { ...strings, description: 'Lower-case three-letter day names: mon, tue, …' },
    hours: { type: 'string', description: '"HH:MM-HH:MM" in the window\'s time zone; may wrap midnight.' },
  },
} as const;

export const EnvironmentPolicy = {
  $id: 'EnvironmentPolicy',
  type: 'object',
  description: "An environment's checks and prerequisites; each phase keeps the policy it was planned with.",
  required: ['name', 'isGov', 'checks', 'freezable'],
  additionalProperties: false,
  properties: {
    name: str,
    gov: { type: 'string', description: 'The GOV environment planned after this one for isGov services.' },
    isGov: bool,
    checks: { type: 'array', items: { $ref: 'CheckSpec#' } },
    approvals: {
      type: 'object',
      required: ['required', 'approvers'],
      additionalProperties: false,
      properties: { required: int, approvers: strings },
    },
    changeCase: {
      type: 'object',
      required: ['required', 'timeoutMs'],
      additionalProperties: false,
      properties: { required: bool, timeoutMs: int },
    },
    freezable: bool,
    windows: { type: 'array', items: { $ref: 'WindowSpec#' } },
    bakeTime: {
      type: 'object',
      required: ['environment', 'durationMs'],
      additionalProperties: false,
      properties: { environment: str, durationMs: int },
    },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Deployments (contract §7's deployment shape)

const omittedEnvironments = {
  type: 'array',
  description: 'Environments of the strategy that were left out of the plan, and why.',
  items: { type: 'object', required: ['environment', 'reason'], additionalProperties: false, properties: { environment: str, reason: str } },
} as const;

export const Plan = {
  $id: 'Plan',
  type: 'object',
  required: ['service', 'team', 'channel', 'strategy', 'phases', 'omittedEnvironments'],
  additionalProperties: false,
  properties: {
    service: str,
    team: str,
    channel: str,
    strategy: str,
    phases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['environment', 'isGov', 'policy', 'targets'],
        additionalProperties: false,
        properties: { environment: str, isGov: bool, policy: { $ref: 'EnvironmentPolicy#' }, targets: { type: 'array', items: { $ref: 'TargetSpec#' } } },
      },
    },
    omittedEnvironments,
  },
} as const;

export const Release = {
  $id: 'Release',
  type: 'object',
  required: ['id', 'target', 'region', 'status', 'statusDetail', 'createdAt', 'updatedAt', 'statusTimes'],
  additionalProperties: false,
  properties: {
    id: str,
    target: { type: 'string', description: 'The cluster name.' },
    region: str,
    status: { type: 'string', enum: RELEASE_STATUSES },
    statusDetail: str,
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
  },
} as const;

export const CheckResult = {
  $id: 'CheckResult',
  type: 'object',
  required: ['name', 'type', 'status', 'detail'],
  additionalProperties: false,
  properties: { name: str, type: { type: 'string', enum: CHECK_TYPES }, status: { type: 'string', enum: CHECK_STATUSES }, detail: nullableStr },
} as const;

const freezeFact = {
  type: 'object',
  required: ['id', 'reason', 'startsAt', 'endsAt'],
  additionalProperties: false,
  properties: { id: str, reason: str, startsAt: dateTime, endsAt: nullableDateTime },
} as const;

/** What a phase waits on; each prerequisite is null when its policy does not ask for it. */
export const Prerequisites = {
  $id: 'Prerequisites',
  type: 'object',
  description: 'Each prerequisite the phase waits on, with `met`; null where the policy does not ask for it.',
  required: ['approvals', 'changeCase', 'freeze', 'window', 'bakeTime'],
  additionalProperties: false,
  properties: {
    approvals: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['required', 'approvers', 'received', 'rejectedBy', 'met'],
          additionalProperties: false,
          properties: {
            required: int,
            approvers: strings,
            received: {
              type: 'array',
              items: {
                type: 'object',
                required: ['by', 'decision', 'comment', 'at'],
                additionalProperties: false,
                properties: { by: str, decision: { type: 'string', enum: ['approve', 'reject'] }, comment: nullableStr, at: dateTime },
              },
            },
            rejectedBy: nullableStr,
            met: bool,
          },
        },
      ],
    },
    changeCase: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          description: 'The phase\'s change case; `status: creating` (and `id: null`) until the provider has opened it.',
          required: ['id', 'status', 'met'],
          additionalProperties: false,
          properties: {
            id: nullableStr,
            number: nullableStr,
            status: { type: 'string', enum: [...CHANGE_CASE_STATUSES, 'creating'] },
            deployWindow: { anyOf: [{ type: 'null' }, window] },
            timesOutAt: dateTime,
            met: bool,
          },
        },
      ],
    },
    freeze: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['met', 'freezes'], additionalProperties: false, properties: { met: bool, freezes: { type: 'array', items: freezeFact } } },
      ],
    },
    window: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['met', 'windows', 'changesAt'],
          additionalProperties: false,
          properties: { met: bool, windows: { type: 'array', items: { $ref: 'WindowSpec#' } }, changesAt: nullableDateTime },
        },
      ],
    },
    bakeTime: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['environment', 'durationMs', 'applies', 'readyAt', 'met'],
          additionalProperties: false,
          properties: { environment: str, durationMs: int, applies: bool, readyAt: nullableDateTime, met: bool },
        },
      ],
    },
  },
} as const;

export const Phase = {
  $id: 'Phase',
  type: 'object',
  required: ['id', 'environment', 'isGov', 'status', 'statusDetail', 'checks', 'prerequisites', 'policy', 'createdAt', 'updatedAt', 'statusTimes', 'releases'],
  additionalProperties: false,
  properties: {
    id: str,
    environment: str,
    isGov: bool,
    status: { type: 'string', enum: PHASE_STATUSES },
    statusDetail: str,
    checks: { type: 'array', items: { $ref: 'CheckResult#' } },
    prerequisites: { $ref: 'Prerequisites#' },
    policy: { $ref: 'EnvironmentPolicy#' },
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
    releases: { type: 'array', items: { $ref: 'Release#' } },
  },
} as const;

export const ScanFindings = {
  $id: 'ScanFindings',
  type: 'object',
  required: ['counts'],
  additionalProperties: false,
  properties: {
    counts: { type: 'object', description: 'Severity → number of findings.', propertyNames: { enum: SEVERITIES }, additionalProperties: int },
  },
} as const;

export const Deployment = {
  $id: 'Deployment',
  type: 'object',
  required: ['id', 'buildId', 'service', 'team', 'channel', 'strategy', 'version', 'artifactManifest', 'source', 'reason', 'triggeredBy',
    'clonedFrom', 'status', 'statusDetail', 'scanFindings', 'createdAt', 'updatedAt', 'statusTimes', 'omittedEnvironments', 'phases'],
  additionalProperties: false,
  properties: {
    id: str,
    buildId: { type: ['string', 'null'], description: 'Null for manual deployments and clones.' },
    service: str,
    team: str,
    channel: str,
    strategy: str,
    version: { type: 'string', description: "The artifact manifest's version." },
    artifactManifest: { $ref: 'ArtifactManifest#' },
    source: { anyOf: [{ type: 'null' }, { $ref: 'SourceInfo#' }] },
    reason: nullableStr,
    triggeredBy: str,
    clonedFrom: nullableStr,
    status: { type: 'string', enum: DEPLOYMENT_STATUSES },
    statusDetail: str,
    scanFindings: { anyOf: [{ type: 'null' }, { $ref: 'ScanFindings#' }] },
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
    omittedEnvironments,
    phases: { type: 'array', items: { $ref: 'Phase#' } },
  },
} as const;

export const DeploymentList = {
  $id: 'DeploymentList',
  type: 'object',
  required: ['items', 'nextCursor'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: { $ref: 'Deployment#' } }, nextCursor: nullableStr },
} as const;

// ---------------------------------------------------------------------------------------------
// Events (contract §6)

export const Event = {
  $id: 'Event',
  type: 'object',
  description: 'A CloudEvent 1.0; `position` is its place in the log, the cursor of /events and the id of /stream.',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'position'],
  additionalProperties: false,
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: str,
    source: str,
    type: { type: 'string', enum: EVENT_TYPES },
    subject: str,
    time: dateTime,
    datacontenttype: { type: 'string', const: 'application/json' },
    data: {
      type: 'object',
      description: 'About the deployment the event is about; which fields are set depends on the type.',
      required: ['deploymentId'],
      // Open: a field a later DCP adds reaches clients before this schema names it.
      additionalProperties: true,
      properties: {
        deploymentId: str,
        phaseId: str,
        releaseId: str,
        changeCaseId: str,
        environment: str,
        target: { type: 'string', description: 'The cluster of a release.' },
        from: { type: 'string', description: 'The status moved from.' },
        to: { type: 'string', description: 'The status moved to.' },
        statusDetail: str,
        queue: { type: 'string', description: 'The change-case queue (ChangeCaseCreated).' },
        by: { type: 'string', description: 'Who moved a change case.' },
        service: str,
        version: str,
        buildId: nullableStr,
        triggeredBy: str,
        environments: { ...strings, description: 'The planned environments (DeploymentCreated).' },
      },
    },
    position: int,
  },
} as const;

export const EventList = {
  $id: 'EventList',
  type: 'object',
  required: ['items', 'nextCursor'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: { $ref: 'Event#' } }, nextCursor: nullableStr },
} as const;

// ---------------------------------------------------------------------------------------------
// Gates: change cases and freezes

export const ChangeCase = {
  $id: 'ChangeCase',
  type: 'object',
  required: ['id', 'provider', 'externalId', 'number', 'deploymentId', 'phaseId', 'queue', 'service', 'environment', 'isGov', 'summary',
    'description', 'status', 'statusDetail', 'deployWindow', 'outcome', 'createdAt', 'updatedAt', 'history'],
  additionalProperties: false,
  properties: {
    id: str,
    provider: str,
    externalId: nullableStr,
    number: nullableStr,
    deploymentId: str,
    phaseId: str,
    queue: str,
    service: str,
    environment: str,
    isGov: bool,
    summary: str,
    description: str,
    status: { type: 'string', enum: CHANGE_CASE_STATUSES },
    statusDetail: nullableStr,
    deployWindow: { anyOf: [{ type: 'null' }, window] },
    outcome: nullableStr,
    createdAt: dateTime,
    updatedAt: dateTime,
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', 'by', 'at', 'comment'],
        additionalProperties: false,
        properties: { from: nullableStr, to: str, by: str, at: dateTime, comment: nullableStr },
      },
    },
  },
} as const;

export const Freeze = {
  $id: 'Freeze',
  type: 'object',
  required: ['id', 'environments', 'startsAt', 'endsAt', 'reason', 'createdBy', 'createdAt', 'liftedAt', 'liftedBy'],
  additionalProperties: false,
  properties: {
    id: str,
    environments: strings,
    startsAt: dateTime,
    endsAt: { ...nullableDateTime, description: 'Null: until lifted.' },
    reason: str,
    createdBy: str,
    createdAt: dateTime,
    liftedAt: nullableDateTime,
    liftedBy: nullableStr,
  },
} as const;

// ---------------------------------------------------------------------------------------------
// The catalog

export const Team = {
  $id: 'Team',
  type: 'object',
  required: ['name', 'changeCaseQueue', 'members', 'slack', 'notifications', 'services'],
  additionalProperties: false,
  properties: {
    name: str,
    title: str,
    changeCaseQueue: str,
    members: strings,
    slack: {
      type: 'object',
      description: 'As imported from the catalog.',
      additionalProperties: false,
      properties: { workspace: str, channel: str },
    },
    notifications: {
      type: 'object',
      description: 'The Slack settings in force: an override set in the app, else the catalog.',
      required: ['workspace', 'channel', 'source', 'updatedAt', 'updatedBy'],
      additionalProperties: false,
      properties: {
        workspace: nullableStr,
        channel: nullableStr,
        source: { type: 'string', enum: ['catalog', 'override'] },
        updatedAt: nullableDateTime,
        updatedBy: nullableStr,
      },
    },
    services: { ...strings, description: "The names of the team's services." },
  },
} as const;

export const Service = {
  $id: 'Service',
  type: 'object',
  required: ['name', 'team', 'isGov', 'annotations'],
  additionalProperties: false,
  properties: { name: str, team: str, isGov: bool, lifecycle: str, annotations: strMap },
} as const;

export const Strategies = {
  $id: 'Strategies',
  type: 'object',
  required: ['items', 'environments'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', required: ['name', 'environments'], additionalProperties: false, properties: { name: str, environments: strings } },
    },
    environments: { type: 'array', items: { $ref: 'EnvironmentPolicy#' } },
  },
} as const;

export const ConfigImport = {
  $id: 'ConfigImport',
  type: 'object',
  required: ['changed', 'importId', 'source', 'counts'],
  additionalProperties: false,
  properties: {
    changed: bool,
    importId: int,
    source: str,
    counts: {
      type: 'object',
      required: ['channels', 'targets', 'environments', 'strategies', 'teams', 'services'],
      additionalProperties: false,
      properties: { channels: int, targets: int, environments: int, strategies: int, teams: int, services: int },
    },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Session, system, problems

export const Session = {
  $id: 'Session',
  type: 'object',
  required: ['name', 'role'],
  additionalProperties: false,
  properties: { name: str, role: str, expiresAt: { ...dateTime, description: 'When a session signed in now ends.' } },
} as const;

export const Readiness = {
  $id: 'Readiness',
  type: 'object',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ready', 'not ready'] },
    checks: {
      type: 'object',
      required: READINESS_CHECKS,
      additionalProperties: false,
      properties: { started: bool, engine: bool, database: bool, migrated: bool, config: bool },
    },
  },
} as const;

export const Problem = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status', 'detail'],
  additionalProperties: false,
  properties: {
    type: str,
    title: str,
    status: int,
    detail: str,
    instance: str,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        additionalProperties: false,
        properties: { field: str, message: str, file: str, line: int },
      },
    },
  },
} as const;

/** Every shared schema, in an order where each is registered before those that refer to it. */
export const ALL_SCHEMAS = [
  ArtifactManifest, SourceInfo, BuildEvent, PlanRequest, ManualDeploymentRequest, CloneRequest, CancelRequest, ApprovalRequest,
  ChangeCaseTransition, FreezeRequest, NotificationSettings, ConfigReloadRequest, SessionRequest,
  TargetSpec, Target, CheckSpec, WindowSpec, EnvironmentPolicy, Plan, Release, CheckResult, Prerequisites, Phase, ScanFindings,
  Deployment, DeploymentList, Event, EventList, ChangeCase, Freeze, Team, Service, Strategies, ConfigImport, Session, Readiness, Problem,
] as const;

/** The shared schemas as the type provider resolves `$ref: 'Name#'` (api/context.ts). */
export type SchemaReferences = [
  typeof ArtifactManifest, typeof SourceInfo, typeof BuildEvent, typeof PlanRequest, typeof ManualDeploymentRequest, typeof CloneRequest,
  typeof CancelRequest, typeof ApprovalRequest, typeof ChangeCaseTransition, typeof FreezeRequest, typeof NotificationSettings,
  typeof ConfigReloadRequest, typeof SessionRequest, typeof TargetSpec, typeof Target, typeof CheckSpec, typeof WindowSpec,
  typeof EnvironmentPolicy, typeof Plan, typeof Release, typeof CheckResult, typeof Prerequisites, typeof Phase, typeof ScanFindings,
  typeof Deployment, typeof DeploymentList, typeof Event, typeof EventList, typeof ChangeCase, typeof Freeze, typeof Team, typeof Service,
  typeof Strategies, typeof ConfigImport, typeof Session, typeof Readiness, typeof Problem,
];

const problem = { $ref: 'Problem#' } as const;
/** The problem+json answers every /api/v1 route may give. */
export const problemResponses = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem } as const;

/** `{ items: [...] }` of a shared schema. */
export function itemsOf<const Ref extends string>(ref: Ref) {
  return { type: 'object', required: ['items'], additionalProperties: false, properties: { items: { type: 'array', items: { $ref: ref } } } } as const;
}

export const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: str } } as const;

export const listQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', description: 'The `nextCursor` of the previous page.' },
} as const;
