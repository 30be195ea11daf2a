/**
 * Which CloudEvent type records a move (contract §6). Named types for the moves people watch;
 * any other move is a generic *StatusChanged event.
 */
import type { Move } from './decide.ts';

export const EVENT_TYPES = [
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
export type EventType = (typeof EVENT_TYPES)[number];

export function eventTypeFor(move: Move): EventType {
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

/** A CloudEvent 1.0 as DCP writes it; `position` is its place in the log (the cursor). */
export interface DcpEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: DeploymentEventData;
  position: number;
}
