/** What clients send: request bodies (contract §3, §7). */
import { CHANGE_CASE_STATUSES } from '../../core/lifecycle.ts';
import { dateTime, nonEmpty, str, strMap, timeWindow } from './primitives.ts';

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

export const ChangeCaseTransition = {
  $id: 'ChangeCaseTransition',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: CHANGE_CASE_STATUSES.filter((s) => s !== 'new') },
    deployWindow: { ...timeWindow, description: 'Required to move to scheduled-approved.' },
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
