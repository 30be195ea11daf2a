/**
 * JSON Schemas of the v1 API: the one source for request validation, response serialisation and
 * the OpenAPI document (`/openapi.json`). Shared shapes are registered with `$id` and referenced
 * as `{ $ref: 'Name#' }`; they appear under `components.schemas`.
 */

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const strMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

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

const omitted = {
  type: 'array',
  items: { type: 'object', required: ['environment', 'reason'], properties: { environment: str, reason: str } },
} as const;

const target = {
  type: 'object',
  required: ['cluster', 'region'],
  properties: { cluster: str, region: str, kubeContext: str, namespace: str, cpcEndpoint: str, labels: strMap },
} as const;

export const Plan = {
  $id: 'Plan',
  type: 'object',
  required: ['service', 'team', 'channel', 'strategy', 'phases', 'omittedEnvironments'],
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
        properties: { environment: str, isGov: { type: 'boolean' }, policy: anyObject, targets: { type: 'array', items: target } },
      },
    },
    omittedEnvironments: omitted,
  },
} as const;

const statusTimes = { ...strMap, description: 'When each status was first reached.' } as const;
const history = {
  type: 'array',
  description: 'Every move, in order (a phase that waited enters Checking again).',
  items: {
    type: 'object',
    required: ['status', 'at', 'detail'],
    additionalProperties: false,
    properties: { status: { type: 'string' }, at: { type: 'string', format: 'date-time' }, detail: { type: ['string', 'null'] } },
  },
} as const;

export const Release = {
  $id: 'Release',
  type: 'object',
  required: ['id', 'target', 'region', 'status', 'statusDetail'],
  properties: {
    id: str,
    target: { type: 'string', description: 'The cluster name.' },
    region: str,
    status: { type: 'string', enum: ['Pending', 'Deploying', 'Succeeded', 'Failed', 'Cancelled', 'Skipped'] },
    statusDetail: str,
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
    history,
  },
} as const;

export const Phase = {
  $id: 'Phase',
  type: 'object',
  required: ['id', 'environment', 'isGov', 'status', 'statusDetail', 'checks', 'prerequisites', 'releases'],
  properties: {
    id: str,
    environment: str,
    isGov: { type: 'boolean' },
    status: {
      type: 'string',
      enum: ['Pending', 'Checking', 'AwaitingPrerequisites', 'Deploying', 'Completed', 'Failed', 'Cancelled', 'Skipped'],
    },
    statusDetail: str,
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type', 'status'],
        properties: { name: str, type: str, status: str, detail: { type: ['string', 'null'] } },
      },
    },
    prerequisites: {
      type: 'object',
      properties: {
        approvals: {},
        changeCase: { anyOf: [{ type: 'null' }, anyObject] },
        freeze: {},
        window: {},
        bakeTime: {},
      },
    },
    policy: { ...anyObject, description: "The environment's policy as planned." },
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
    history,
    releases: { type: 'array', items: { $ref: 'Release#' } },
  },
} as const;

export const Deployment = {
  $id: 'Deployment',
  type: 'object',
  required: ['id', 'buildId', 'service', 'team', 'channel', 'strategy', 'artifactManifest', 'triggeredBy', 'clonedFrom', 'status',
    'statusDetail', 'createdAt', 'updatedAt', 'omittedEnvironments', 'phases'],
  properties: {
    id: str,
    buildId: { type: ['string', 'null'] },
    service: str,
    team: str,
    channel: str,
    strategy: str,
    version: str,
    artifactManifest: { $ref: 'ArtifactManifest#' },
    source: { anyOf: [{ type: 'null' }, { $ref: 'SourceInfo#' }] },
    reason: { type: ['string', 'null'] },
    triggeredBy: str,
    clonedFrom: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['Pending', 'Scanning', 'Scanned', 'InProgress', 'Completed', 'Failed', 'Cancelled'] },
    statusDetail: str,
    scanFindings: { anyOf: [{ type: 'null' }, anyObject] },
    createdAt: dateTime,
    updatedAt: dateTime,
    statusTimes,
    history,
    omittedEnvironments: omitted,
    phases: { type: 'array', items: { $ref: 'Phase#' } },
  },
} as const;

export const DeploymentList = {
  $id: 'DeploymentList',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: { $ref: 'Deployment#' } }, nextCursor: { type: ['string', 'null'] } },
} as const;

export const Event = {
  $id: 'Event',
  type: 'object',
  description: 'A CloudEvent 1.0; `position` is its place in the log, the cursor of /events and the id of /stream.',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'data', 'position'],
  properties: {
    specversion: str,
    id: str,
    source: str,
    type: str,
    subject: str,
    time: dateTime,
    datacontenttype: str,
    data: anyObject,
    position: { type: 'integer' },
  },
} as const;

export const Problem = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status'],
  properties: {
    type: str,
    title: str,
    status: { type: 'integer' },
    detail: str,
    instance: str,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: str, message: str, file: str, line: { type: 'integer' } },
      },
    },
  },
} as const;

export const Team = {
  $id: 'Team',
  type: 'object',
  required: ['name', 'changeCaseQueue', 'slack', 'notifications', 'services'],
  properties: {
    name: str,
    title: str,
    changeCaseQueue: str,
    members: { type: 'array', items: str },
    slack: { type: 'object', properties: { workspace: str, channel: str }, description: 'As imported from the catalog.' },
    notifications: {
      type: 'object',
      description: 'The Slack settings in force: an override set in the app, else the catalog.',
      properties: {
        workspace: { type: ['string', 'null'] },
        channel: { type: ['string', 'null'] },
        source: { type: 'string', enum: ['catalog', 'override'] },
        updatedAt: { type: ['string', 'null'] },
        updatedBy: { type: ['string', 'null'] },
      },
    },
    services: { type: 'array', items: str },
  },
} as const;

export const Service = {
  $id: 'Service',
  type: 'object',
  required: ['name', 'team', 'isGov'],
  properties: { name: str, team: str, isGov: { type: 'boolean' }, lifecycle: str, annotations: strMap },
} as const;

export const Target = {
  $id: 'Target',
  type: 'object',
  required: ['channel', 'environment', 'cluster', 'region'],
  properties: { channel: str, environment: str, ...target.properties },
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

export const ConfigImport = {
  $id: 'ConfigImport',
  type: 'object',
  required: ['changed', 'importId', 'source', 'counts'],
  properties: {
    changed: { type: 'boolean' },
    importId: { type: 'integer' },
    source: str,
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
  },
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

export const ChangeCase = {
  $id: 'ChangeCase',
  type: 'object',
  required: ['id', 'provider', 'deploymentId', 'phaseId', 'queue', 'environment', 'status', 'deployWindow', 'createdAt'],
  properties: {
    id: str,
    provider: str,
    externalId: { type: ['string', 'null'] },
    number: { type: ['string', 'null'] },
    deploymentId: str,
    phaseId: str,
    queue: str,
    service: str,
    environment: str,
    isGov: { type: 'boolean' },
    summary: str,
    description: str,
    status: { type: 'string', enum: ['new', 'submitted', 'scheduled-approved', 'rejected', 'closed'] },
    statusDetail: { type: ['string', 'null'] },
    deployWindow: { anyOf: [{ type: 'null' }, window] },
    outcome: { type: ['string', 'null'] },
    createdAt: dateTime,
    updatedAt: dateTime,
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: { from: { type: ['string', 'null'] }, to: str, by: str, at: dateTime, comment: { type: ['string', 'null'] } },
      },
    },
  },
} as const;

export const ChangeCaseTransition = {
  $id: 'ChangeCaseTransition',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['submitted', 'scheduled-approved', 'rejected', 'closed'] },
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

export const Freeze = {
  $id: 'Freeze',
  type: 'object',
  required: ['id', 'environments', 'startsAt', 'endsAt', 'reason', 'createdBy', 'liftedAt'],
  properties: {
    id: str,
    environments: { type: 'array', items: str },
    startsAt: dateTime,
    endsAt: { type: ['string', 'null'] },
    reason: str,
    createdBy: str,
    createdAt: dateTime,
    liftedAt: { type: ['string', 'null'] },
    liftedBy: { type: ['string', 'null'] },
  },
} as const;

export const ALL_SCHEMAS = [
  ApprovalRequest, ChangeCase, ChangeCaseTransition, FreezeRequest, Freeze,
  ArtifactManifest, SourceInfo, BuildEvent, ManualDeploymentRequest, CloneRequest, CancelRequest, Plan, Release, Phase,
  Deployment, DeploymentList, Event, Problem, Team, Service, Target, NotificationSettings, ConfigImport,
];

export const problemResponses = {
  400: { $ref: 'Problem#' },
  401: { $ref: 'Problem#' },
  404: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
} as const;
