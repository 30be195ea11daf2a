/**
 * The consistency rules between a deployment's status and the statuses of its phases and
 * releases, as contract §5 implies them. `decide` must only ever produce deployments that pass;
 * the property tests fold it over random signals and check these after every step.
 *
 * Deployment status → the phases, read in order:
 * - Pending, Scanning, Scanned: every phase Pending (nothing has started).
 * - InProgress: Completed phases, then at most one active phase (Checking,
 *   AwaitingPrerequisites, Deploying), then Pending phases.
 * - Completed: every phase Completed.
 * - Failed: Completed phases, exactly one Failed phase, then Skipped phases.
 * - Cancelled: every phase Skipped (cancelled before a phase started), or Completed phases,
 *   exactly one Cancelled phase, then Skipped phases.
 *
 * Phase status → its releases: see RELEASES_IN_PHASE below.
 */
import type { DeploymentView, PhaseView } from './decide.ts';
import type { PhaseStatus, ReleaseStatus } from './types.ts';

const ACTIVE_PHASE: readonly PhaseStatus[] = ['Checking', 'AwaitingPrerequisites', 'Deploying'];

/**
 * Which release statuses a phase in a given status may hold.
 * - A phase that has not reached Deploying has only Pending releases (no release starts before
 *   its phase deploys).
 * - A Deploying phase has no Failed or Cancelled release (the first one fails the phase at once)
 *   and no Skipped one (releases are skipped only when their phase ends).
 * - A Failed or Cancelled phase has no Pending release (those were Skipped when it ended), but may
 *   still have Deploying ones: releases in flight finish after their phase ended.
 * - A Completed phase has only Succeeded releases; a Skipped phase only Skipped ones.
 */
const RELEASES_IN_PHASE: Readonly<Record<PhaseStatus, readonly ReleaseStatus[]>> = {
  Pending: ['Pending'],
  Checking: ['Pending'],
  AwaitingPrerequisites: ['Pending'],
  Deploying: ['Pending', 'Deploying', 'Succeeded'],
  Completed: ['Succeeded'],
  Failed: ['Deploying', 'Succeeded', 'Failed', 'Cancelled', 'Skipped'],
  Cancelled: ['Deploying', 'Succeeded', 'Failed', 'Cancelled', 'Skipped'],
  Skipped: ['Skipped'],
};

/** The rules the deployment breaks, one readable sentence each; empty when it is consistent. */
export function invariantViolations(d: DeploymentView): string[] {
  const violations = phaseShapeViolations(d);
  d.phases.forEach((phase, i) => violations.push(...releaseViolations(phase, i)));
  return violations;
}

function phaseShapeViolations(d: DeploymentView): string[] {
  const statuses = d.phases.map((p) => p.status);
  const every = (status: PhaseStatus): string[] =>
    statuses.every((s) => s === status) ? [] : [`deployment is ${d.status} but its phases are ${list(d)}: expected every phase ${status}`];
  switch (d.status) {
    case 'Pending':
    case 'Scanning':
    case 'Scanned':
      return every('Pending');
    case 'InProgress':
      return sequence(d, 'Completed', ACTIVE_PHASE, 'at most one', 'Pending');
    case 'Completed':
      return every('Completed');
    case 'Failed':
      return sequence(d, 'Completed', ['Failed'], 'exactly one', 'Skipped');
    case 'Cancelled':
      if (statuses.every((s) => s === 'Skipped')) return [];
      return sequence(d, 'Completed', ['Cancelled'], 'exactly one', 'Skipped');
  }
}

/** Phases must read: `head`*, then `pivot` (exactly one, or at most one), then `tail`*. */
function sequence(d: DeploymentView, head: PhaseStatus, pivot: readonly PhaseStatus[], count: 'exactly one' | 'at most one', tail: PhaseStatus): string[] {
  const expected = `expected ${head} phases, then ${count} ${pivot.join('/')} phase, then ${tail} phases`;
  const broken = [`deployment is ${d.status} but its phases are ${list(d)}: ${expected}`];
  let stage: 'head' | 'tail' = 'head';
  let pivots = 0;
  for (const { status } of d.phases) {
    if (stage === 'head' && status === head) continue;
    if (stage === 'head' && pivot.includes(status)) {
      pivots++;
      stage = 'tail';
      continue;
    }
    if (status === tail) {
      stage = 'tail';
      continue;
    }
    return broken;
  }
  return count === 'exactly one' && pivots === 0 ? broken : [];
}

function releaseViolations(phase: PhaseView, index: number): string[] {
  const allowed = RELEASES_IN_PHASE[phase.status];
  const name = `phase ${index + 1} (${phase.environment})`;
  const violations = phase.releases
    .filter((r) => !allowed.includes(r.status))
    .map((r) => `${name} is ${phase.status} but its release ${r.id} (${r.target}) is ${r.status}: expected one of ${allowed.join(', ')}`);
  if (phase.status === 'Failed' && !phase.releases.some((r) => r.status === 'Failed' || r.status === 'Cancelled')) {
    violations.push(`${name} is Failed but none of its releases failed or was cancelled`);
  }
  return violations;
}

function list(d: DeploymentView): string {
  return d.phases.length === 0 ? '(none)' : d.phases.map((p) => `${p.environment}:${p.status}`).join(', ');
}
