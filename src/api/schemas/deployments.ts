/** Plans and deployments with their phases, releases, checks and prerequisites (contract §4, §7). */
import { CHANGE_CASE_STATUSES } from '../../core/lifecycle.ts';
import { CHECK_STATUSES, CHECK_TYPES, DEPLOYMENT_STATUSES, PHASE_STATUSES, RELEASE_STATUSES, SEVERITIES } from '../../core/types.ts';
import { bool, dateTime, int, nullableDateTime, nullableStr, statusTimes, history, str, strings, timeWindow } from './primitives.ts';

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
  required: ['id', 'target', 'region', 'status', 'statusDetail', 'createdAt', 'updatedAt', 'statusTimes', 'history'],
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
    history,
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
          description: 'The phase\'s change case (null until it exists: the phase\'s statusDetail says it is being created).',
          required: ['id', 'number', 'status', 'deployWindow', 'timesOutAt', 'met'],
          additionalProperties: false,
          properties: {
            id: str,
            number: nullableStr,
            status: { type: 'string', enum: CHANGE_CASE_STATUSES },
            deployWindow: { anyOf: [{ type: 'null' }, timeWindow] },
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
  required: ['id', 'environment', 'isGov', 'status', 'statusDetail', 'checks', 'prerequisites', 'policy', 'createdAt', 'updatedAt', 'statusTimes', 'history', 'releases'],
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
    history,
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
    'clonedFrom', 'status', 'statusDetail', 'scanFindings', 'createdAt', 'updatedAt', 'statusTimes', 'history', 'omittedEnvironments', 'phases'],
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
    history,
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
