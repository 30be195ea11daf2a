/**
 * Which CloudEvent type records a move (contract §6). Named types for the moves people watch;
 * any other move is a generic *StatusChanged event.
 *
 * Two more types are about DCP itself, not a deployment (docs/decisions.md, "Events out"): a
 * BuildCompleted from the bus that DCP terminated (`BuildRejected`, subject `builds/{buildId}`,
 * or `builds` when the message names none), and a webhook subscription disabled after a day of
 * failures (`WebhookSubscriptionDisabled`, subject `webhooks/{id}`).
 */
import type { Move } from './decide.ts';

export const DEPLOYMENT_EVENT_TYPES = [
  'DeploymentCreated',
  'DeploymentScanned',
  'DeploymentPhaseStarted',
  'DeploymentPhaseAwaitingPrerequisites',
  'DeploymentPhaseCompleted',
  'DeploymentPhaseFailed',
  'DeploymentPhaseCancelled',
  'ReleaseStarted',
  'ReleaseSucceeded',
  'ReleaseFailed',
  'DeploymentCompleted',
  'DeploymentFailed',
  'DeploymentCancelled',
  'ChangeCaseCreated',
  'ChangeCaseUpdated',
  'DeploymentStatusChanged',
  'DeploymentPhaseStatusChanged',
  'ReleaseStatusChanged',
] as const;
export type DeploymentEventType = (typeof DEPLOYMENT_EVENT_TYPES)[number];

export const PLATFORM_EVENT_TYPES = ['BuildRejected', 'WebhookSubscriptionDisabled'] as const;
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

export const EVENT_TYPES = [...DEPLOYMENT_EVENT_TYPES, ...PLATFORM_EVENT_TYPES] as const;
export type EventType = DeploymentEventType | PlatformEventType;

export function eventTypeFor(move: Move): DeploymentEventType {
  switch (move.entity) {
    case 'deployment':
      if (move.from === 'Scanning' && move.to === 'Scanned') return 'DeploymentScanned';
      if (move.to === 'Completed') return 'DeploymentCompleted';
      if (move.to === 'Failed') return 'DeploymentFailed';
      if (move.to === 'Cancelled') return 'DeploymentCancelled';
      return 'DeploymentStatusChanged';
    case 'phase':
      if (move.from === 'Pending' && move.to === 'Checking') return 'DeploymentPhaseStarted';
      if (move.to === 'AwaitingPrerequisites') return 'DeploymentPhaseAwaitingPrerequisites';
      if (move.to === 'Completed') return 'DeploymentPhaseCompleted';
      if (move.to === 'Failed') return 'DeploymentPhaseFailed';
      if (move.to === 'Cancelled') return 'DeploymentPhaseCancelled';
      return 'DeploymentPhaseStatusChanged';
    case 'release':
      if (move.to === 'Deploying') return 'ReleaseStarted';
      if (move.to === 'Succeeded') return 'ReleaseSucceeded';
      if (move.to === 'Failed') return 'ReleaseFailed';
      return 'ReleaseStatusChanged';
  }
}

/** The `data` of a CloudEvent about a deployment. */
export interface DeploymentEventData {
  deploymentId: string;
  phaseId?: string;
  releaseId?: string;
  environment?: string;
  target?: string;
  from?: string;
  to?: string;
  statusDetail?: string;
  [key: string]: unknown;
}

/** `BuildRejected`: a BuildCompleted from the bus terminated, never to be redelivered. */
export interface BuildRejectedData {
  /** The build's id, when the message had a readable one. */
  buildId?: string;
  /** The bus subject it came on, and its sequence in the stream. */
  busSubject: string;
  streamSequence: number;
  /** Why, naming the field (what the HTTP API would have answered). */
  reason: string;
  [key: string]: unknown;
}

/** `WebhookSubscriptionDisabled`: DCP stopped delivering to a subscription failing for a day. */
export interface WebhookDisabledData {
  subscriptionId: string;
  /** The subscriber's origin (scheme, host, port): a URL's path and query may carry a secret. */
  origin: string;
  reason: string;
  [key: string]: unknown;
}

export interface PlatformEventData {
  BuildRejected: BuildRejectedData;
  WebhookSubscriptionDisabled: WebhookDisabledData;
}

interface CloudEventFields {
  specversion: '1.0';
  id: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Its place in the log (the cursor). */
  position: number;
}

/** A CloudEvent 1.0 about a deployment. */
export interface DeploymentEvent extends CloudEventFields {
  type: DeploymentEventType;
  data: DeploymentEventData;
}

/** A CloudEvent 1.0 about DCP itself. */
export type PlatformEvent = {
  [T in PlatformEventType]: CloudEventFields & { type: T; data: PlatformEventData[T] };
}[PlatformEventType];

/** A CloudEvent 1.0 as DCP writes it. */
export type DcpEvent = DeploymentEvent | PlatformEvent;

const PLATFORM = new Set<string>(PLATFORM_EVENT_TYPES);
export const isDeploymentEvent = (event: DcpEvent): event is DeploymentEvent => !PLATFORM.has(event.type);
