/**
 * The lifecycles of contract §5, each as one table of legal moves.
 *
 * Deployment: Pending → Scanning → Scanned → InProgress → Completed | Failed | Cancelled
 *             (Cancelled from any non-terminal state)
 * Phase:      Pending → Checking → (AwaitingPrerequisites → Checking) → Deploying → Completed | Failed | Cancelled,
 *             or Skipped (from Pending: never started). Checking and AwaitingPrerequisites may also end
 *             Cancelled (a failed check, a rejection, a timeout, a user's cancel).
 * Release:    Pending → Deploying → Succeeded | Failed | Cancelled, or Skipped (from Pending).
 *
 * Change case (built-in provider): new → submitted → scheduled-approved | rejected, and closed
 *             from any state.
 *
 * Terminal states have no moves out: they never change again.
 */
import type { DeploymentStatus, PhaseStatus, ReleaseStatus } from './types.ts';

type Moves<S extends string> = Readonly<Record<S, readonly S[]>>;

export const DEPLOYMENT_MOVES: Moves<DeploymentStatus> = {
  Pending: ['Scanning', 'Cancelled'],
  Scanning: ['Scanned', 'Cancelled'],
  Scanned: ['InProgress', 'Cancelled'],
  InProgress: ['Completed', 'Failed', 'Cancelled'],
  Completed: [],
  Failed: [],
  Cancelled: [],
};

export const PHASE_MOVES: Moves<PhaseStatus> = {
  Pending: ['Checking', 'Skipped'],
  Checking: ['AwaitingPrerequisites', 'Deploying', 'Cancelled'],
  AwaitingPrerequisites: ['Checking', 'Cancelled'],
  Deploying: ['Completed', 'Failed', 'Cancelled'],
  Completed: [],
  Failed: [],
  Cancelled: [],
  Skipped: [],
};

export const RELEASE_MOVES: Moves<ReleaseStatus> = {
  Pending: ['Deploying', 'Skipped'],
  Deploying: ['Succeeded', 'Failed', 'Cancelled'],
  Succeeded: [],
  Failed: [],
  Cancelled: [],
  Skipped: [],
};

export function canMoveDeployment(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return DEPLOYMENT_MOVES[from].includes(to);
}
export function canMovePhase(from: PhaseStatus, to: PhaseStatus): boolean {
  return PHASE_MOVES[from].includes(to);
}
export function canMoveRelease(from: ReleaseStatus, to: ReleaseStatus): boolean {
  return RELEASE_MOVES[from].includes(to);
}

export function isTerminalDeployment(status: DeploymentStatus): boolean {
  return DEPLOYMENT_MOVES[status].length === 0;
}
export function isTerminalPhase(status: PhaseStatus): boolean {
  return PHASE_MOVES[status].length === 0;
}
export function isTerminalRelease(status: ReleaseStatus): boolean {
  return RELEASE_MOVES[status].length === 0;
}

export const CHANGE_CASE_STATUSES = ['new', 'submitted', 'scheduled-approved', 'rejected', 'closed'] as const;
export type ChangeCaseStatus = (typeof CHANGE_CASE_STATUSES)[number];

export const CHANGE_CASE_MOVES: Moves<ChangeCaseStatus> = {
  new: ['submitted', 'closed'],
  submitted: ['scheduled-approved', 'rejected', 'closed'],
  'scheduled-approved': ['closed'],
  rejected: ['closed'],
  closed: [],
};

export function canMoveChangeCase(from: ChangeCaseStatus, to: ChangeCaseStatus): boolean {
  return CHANGE_CASE_MOVES[from].includes(to);
}
