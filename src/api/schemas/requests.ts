/** What clients send: request bodies (contract §3, §7). */
import { CHANGE_CASE_STATUSES } from '../../core/lifecycle.ts';
import { dateTime, longText, MAX_NAME, MAX_TEXT, name, shortText, strMap, timeWindow } from './primitives.ts';

const SEVERITY = '(low|medium|high|critical)';
/** The simulator's knobs, checked at intake: a value the simulator could not use is a 400, not a deployment that never moves. */
const SIMULATOR_ANNOTATIONS = {
  'dcp.simulator/release-ms': { type: 'string', pattern: '^[0-9]{1,13}$', description: 'Milliseconds a simulated release takes (whole, at most 13 digits).' },
  'dcp.simulator/scan-ms': { type: 'string', pattern: '^[0-9]{1,13}$', description: 'Milliseconds until the simulated scan is done (whole, at most 13 digits).' },
  'dcp.simulator/fail-targets': { type: 'string', maxLength: MAX_TEXT, pattern: '^[ ]*([A-Za-z0-9][A-Za-z0-9._-]*)?([ ]*,[ ]*[A-Za-z0-9][A-Za-z0-9._-]*)*[ ]*$', description: 'Comma-separated clusters whose simulated release fails.' },
  'dcp.simulator/scan-findings': { type: 'string', pattern: `^([ ]*${SEVERITY}[ ]*:[ ]*[0-9]{1,6}([ ]*,[ ]*${SEVERITY}[ ]*:[ ]*[0-9]{1,6})*[ ]*)?$`, description: 'What the simulated scan finds, e.g. `critical:1,high:3`.' },
} as const;

export const ArtifactManifest = {
  $id: 'ArtifactManifest',
  type: 'object',
  required: ['name', 'version', 'images', 'charts'],
  additionalProperties: false,
  properties: {
    name,
    version: name,
    images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { ...name, maxLength: MAX_TEXT }, digest: shortText, tag: shortText },
      },
    },
    charts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'version'],
        additionalProperties: false,
        properties: { name, version: name, repository: longText },
      },
    },
    annotations: {
      type: 'object',
      description: 'Free-form (values up to 2,000 characters, at most 100); the simulator reads the dcp.simulator/* ones (contract §8).',
      maxProperties: 100,
      propertyNames: { type: 'string', minLength: 1, maxLength: 253 },
      additionalProperties: longText,
      properties: SIMULATOR_ANNOTATIONS,
      default: {},
    },
  },
} as const;

export const SourceInfo = {
  $id: 'SourceInfo',
  type: 'object',
  additionalProperties: false,
  properties: { repository: longText, commit: shortText, branch: { type: 'string', maxLength: 255 } },
} as const;

/** The BuildCompleted event (contract §3). */
export const BuildEvent = {
  $id: 'BuildEvent',
  type: 'object',
  required: ['buildId', 'component', 'channel', 'strategy', 'artifactManifest'],
  additionalProperties: false,
  properties: {
    buildId: { ...name, description: `Unique per build; ${MAX_NAME} characters at most.` },
    component: name,
    channel: name,
    strategy: name,
    artifactManifest: { $ref: 'ArtifactManifest#' },
    source: { $ref: 'SourceInfo#' },
    triggeredBy: name,
  },
} as const;

const environmentsSubset = {
  type: 'array',
  items: name,
  maxItems: 100,
  uniqueItems: true,
  description: 'A subset of the planned environments; all when absent.',
} as const;

export const PlanRequest = {
  $id: 'PlanRequest',
  type: 'object',
  description: 'What to plan: a build event or a manual deployment request (other fields are ignored).',
  required: ['component', 'channel', 'strategy'],
  properties: { component: name, channel: name, strategy: name, environments: environmentsSubset },
} as const;

export const ManualDeploymentRequest = {
  $id: 'ManualDeploymentRequest',
  type: 'object',
  required: ['component', 'channel', 'strategy', 'artifactManifest'],
  additionalProperties: false,
  properties: {
    component: name,
    channel: name,
    strategy: name,
    artifactManifest: { $ref: 'ArtifactManifest#' },
    environments: environmentsSubset,
    source: { $ref: 'SourceInfo#' },
    reason: longText,
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
  properties: { reason: longText },
} as const;

export const ApprovalRequest = {
  $id: 'ApprovalRequest',
  type: 'object',
  required: ['decision'],
  additionalProperties: false,
  properties: { decision: { type: 'string', enum: ['approve', 'reject'] }, comment: longText },
} as const;

export const ChangeCaseTransition = {
  $id: 'ChangeCaseTransition',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: CHANGE_CASE_STATUSES.filter((s) => s !== 'new') },
    deployWindow: { ...timeWindow, description: 'Required to move to scheduled-approved.' },
    comment: longText,
  },
} as const;

export const FreezeRequest = {
  $id: 'FreezeRequest',
  type: 'object',
  required: ['environments', 'startsAt', 'reason'],
  additionalProperties: false,
  properties: {
    environments: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: name, description: 'Freezable environments only.' },
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
    workspace: { type: ['string', 'null'], minLength: 1, maxLength: MAX_NAME },
    channel: { type: ['string', 'null'], minLength: 1, maxLength: MAX_NAME, pattern: '^[#@]?[a-z0-9][a-z0-9._-]*$' },
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
  properties: { token: { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;
