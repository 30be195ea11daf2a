/**
 * Shared by the tests that fold `decide` over runs of signals (the property tests, the lifecycle
 * tests): finding the entity a move names, whether a move is legal, deciding with the checks
 * every step needs, and "terminal states never change". The deployments they start from come
 * from fixtures.testkit.ts.
 */
import assert from 'node:assert/strict';
import { decide, type Decision, type DeploymentView, type Move, type PhaseView, type ReleaseView, type Signal } from './decide.ts';
import { canMoveDeployment, canMovePhase, canMoveRelease, isTerminalDeployment, isTerminalPhase, isTerminalRelease } from './lifecycle.ts';

export type Entity = DeploymentView | PhaseView | ReleaseView;

export function findEntity(view: DeploymentView, move: Move): { entity: Entity; phase?: PhaseView } | undefined {
  if (move.entity === 'deployment') return move.id === view.id ? { entity: view } : undefined;
  for (const phase of view.phases) {
    if (move.entity === 'phase' && phase.id === move.id) return { entity: phase };
    const release = phase.releases.find((r) => r.id === move.id);
    if (move.entity === 'release' && release) return { entity: release, phase };
  }
  return undefined;
}

export function isLegal(move: Move): boolean {
  switch (move.entity) {
    case 'deployment':
      return canMoveDeployment(move.from, move.to);
    case 'phase':
      return canMovePhase(move.from, move.to);
    case 'release':
      return canMoveRelease(move.from, move.to);
  }
}

/** decide, asserting that it neither throws nor mutates its input. */
export function decideSafely(view: DeploymentView, signal: Signal, now: Date): Decision {
  const before = structuredClone(view);
  let decision: Decision;
  try {
    decision = decide(view, signal, now);
  } catch (error) {
    assert.fail(`decide threw on ${JSON.stringify(signal)} at ${now.toISOString()}: ${String(error)}`);
  }
  assert.deepEqual(view, before, 'decide mutated its input');
  return decision;
}

export function checkTerminalsUnchanged(before: DeploymentView, after: DeploymentView): void {
  if (isTerminalDeployment(before.status)) assert.equal(after.status, before.status, `the deployment left ${before.status}`);
  before.phases.forEach((phase, p) => {
    if (isTerminalPhase(phase.status)) assert.equal(after.phases[p].status, phase.status, `phase ${phase.id} left ${phase.status}`);
    phase.releases.forEach((release, r) => {
      if (isTerminalRelease(release.status)) assert.deepEqual(after.phases[p].releases[r], release, `release ${release.id} left ${release.status}`);
    });
  });
}
