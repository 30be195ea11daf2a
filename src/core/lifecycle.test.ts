/**
 * The lifecycle tables of lifecycle.ts, tested against the code that uses them rather than
 * against a copy of themselves.
 *
 * Deployment, phase and release: `decide` is driven over every state it can reach from a few
 * seed deployments (built with the fixture kit) under every signal that can apply, and every
 * move it makes is recorded. Then for every (from, to) pair of statuses:
 *   - the guard (`canMoveX`) says exactly what the table says;
 *   - decide makes the move for some state and signal if and only if the table allows it: an
 *     illegal move fails, and so does a table row nothing produces (a dead row);
 * and terminal states never move, and every state is reachable and can end.
 *
 * Change cases are moved by people through the built-in provider (`canMoveChangeCase` guards the
 * transition API), not by decide: the guard is checked over every pair against contract §5.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeploymentView, Move, ReleaseOutcome, Signal } from './decide.ts';
import { checkTerminalsUnchanged, decideSafely, findEntity } from './decide.testkit.ts';
import { deploymentView, phaseView, policyFor } from './fixtures.testkit.ts';
import { invariantViolations } from './invariants.ts';
import {
  canMoveChangeCase,
  canMoveDeployment,
  canMovePhase,
  canMoveRelease,
  CHANGE_CASE_MOVES,
  CHANGE_CASE_STATUSES,
  DEPLOYMENT_MOVES,
  isTerminalDeployment,
  isTerminalPhase,
  isTerminalRelease,
  PHASE_MOVES,
  RELEASE_MOVES,
  type ChangeCaseStatus,
} from './lifecycle.ts';
import { DEPLOYMENT_STATUSES, PHASE_STATUSES, RELEASE_STATUSES } from './types.ts';

const NOW = new Date('2026-01-05T09:00:00Z');
const OUTCOMES: ReleaseOutcome[] = ['Succeeded', 'Failed', 'Cancelled'];

// ---------------------------------------------------------------------------------------------
// Exploring decide

/**
 * Seeds: dev (no gates, two releases, so one can fail while the other waits) then prod (a check
 * and one approval: it waits, is approved or rejected, and runs its checks again). The second
 * seed starts Scanned: decide passes through Scanned within one signal, but a stored deployment
 * may be read there (and cancelled there).
 */
function seeds(): DeploymentView[] {
  const gated = policyFor('prod', { checks: [{ name: 'no-critical', type: 'scan', maxSeverity: 'critical' }], approvals: { required: 1, approvers: ['team'] } });
  const fresh = (): DeploymentView =>
    deploymentView('Pending', phaseView('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending' }), phaseView('prod', 'Pending', { 'prod-1': 'Pending' }, { policy: gated }));
  return [fresh(), { ...fresh(), status: 'Scanned' }];
}

interface Step {
  name: string;
  /** The deployment the signal is decided on (facts may have changed first). */
  view: DeploymentView;
  signal: Signal;
}

/** Every signal that can apply to `view`, with the fact changes the engine would see first. */
function stepsFrom(view: DeploymentView): Step[] {
  const steps: Step[] = [
    { name: 'start', view, signal: { type: 'start' } },
    { name: 'scan.completed', view, signal: { type: 'scan.completed', findings: { counts: {} } } },
    { name: 'cancel', view, signal: { type: 'cancel', by: 'alice' } },
  ];
  for (const release of view.phases.flatMap((p) => p.releases)) {
    steps.push({ name: `release.started ${release.id}`, view, signal: { type: 'release.started', releaseId: release.id } });
    for (const outcome of OUTCOMES) {
      steps.push({ name: `release.finished ${release.id} ${outcome}`, view, signal: { type: 'release.finished', releaseId: release.id, outcome, detail: outcome } });
    }
  }
  for (const phase of view.phases) {
    if (phase.status !== 'Checking' || !phase.checks.some((c) => c.status === 'Pending')) continue;
    for (const pass of [true, false]) {
      const results = phase.policy.checks.map((c, i) => ({ name: c.name, type: c.type, status: pass || i > 0 ? ('Passed' as const) : ('Failed' as const), detail: null }));
      steps.push({ name: `checks.completed ${phase.id} ${pass ? 'passed' : 'failed'}`, view, signal: { type: 'checks.completed', phaseId: phase.id, round: phase.checkRound, results } });
    }
  }
  const current = view.phases.find((p) => !isTerminalPhase(p.status));
  steps.push({ name: 'gates.changed', view, signal: { type: 'gates.changed' } });
  if (current?.policy.approvals && current.gates.approvals.length === 0) {
    for (const decision of ['approve', 'reject'] as const) {
      const changed = structuredClone(view);
      changed.phases.find((p) => p.id === current.id)!.gates.approvals.push({ by: 'bob', decision, comment: null, at: NOW.toISOString() });
      steps.push({ name: `${decision} ${current.id}, gates.changed`, view: changed, signal: { type: 'gates.changed', phaseId: current.id } });
    }
  }
  return steps;
}

/** A state, without the words (statusDetail) that do not change what decide can do next. */
function stateKey(view: DeploymentView): string {
  return JSON.stringify(view, (key, value) => (key === 'statusDetail' ? undefined : value));
}

interface Exploration {
  /** `entity: from → to` → the first state and signal that made it. */
  moves: Map<string, string>;
  states: number;
}

const moveKey = (m: { entity: string; from: string; to: string }): string => `${m.entity}: ${m.from} → ${m.to}`;

/** Breadth-first over every reachable state; each step's checks are asserted as it goes. */
function explore(): Exploration {
  const moves = new Map<string, string>();
  const queue = seeds();
  const seen = new Set(queue.map(stateKey));
  for (let view = queue.shift(); view !== undefined; view = queue.shift()) {
    for (const step of stepsFrom(view)) {
      const decision = decideSafely(step.view, step.signal, NOW);
      // Each move starts where its entity is at that point of the decision (a deployment may pass
      // Scanning → Scanned → InProgress in one signal).
      const working = structuredClone(step.view);
      for (const move of decision.moves) {
        const found = findEntity(working, move);
        assert.ok(found, `${step.name} moved an unknown ${move.entity} ${move.id}`);
        assert.equal(found.entity.status, move.from, `${step.name}: ${moveKey(move)} but the ${move.entity} is ${found.entity.status}`);
        found.entity.status = move.to as never;
        if (!moves.has(moveKey(move))) moves.set(moveKey(move), `${step.name} on ${describeState(step.view)}`);
      }
      checkTerminalsUnchanged(step.view, decision.view);
      assert.deepEqual(invariantViolations(decision.view), [], `inconsistent after ${step.name} on ${describeState(step.view)}`);
      const key = stateKey(decision.view);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(decision.view);
      }
      assert.ok(seen.size < 50_000, 'the state space is unexpectedly large');
    }
  }
  return { moves, states: seen.size };
}

function describeState(view: DeploymentView): string {
  return [view.status, ...view.phases.map((p) => `${p.id}:${p.status}[${p.releases.map((r) => r.status).join(' ')}]`)].join(' ');
}

const exploration = explore();

// ---------------------------------------------------------------------------------------------

interface Lifecycle<S extends string> {
  entity: Move['entity'];
  statuses: readonly S[];
  moves: Readonly<Record<S, readonly S[]>>;
  canMove: (from: S, to: S) => boolean;
  isTerminal: (status: S) => boolean;
  /** Where every entity of this kind starts. */
  initial: S;
}

describeLifecycle({ entity: 'deployment', statuses: DEPLOYMENT_STATUSES, moves: DEPLOYMENT_MOVES, canMove: canMoveDeployment, isTerminal: isTerminalDeployment, initial: 'Pending' });
describeLifecycle({ entity: 'phase', statuses: PHASE_STATUSES, moves: PHASE_MOVES, canMove: canMovePhase, isTerminal: isTerminalPhase, initial: 'Pending' });
describeLifecycle({ entity: 'release', statuses: RELEASE_STATUSES, moves: RELEASE_MOVES, canMove: canMoveRelease, isTerminal: isTerminalRelease, initial: 'Pending' });

function describeLifecycle<S extends string>(lifecycle: Lifecycle<S>): void {
  describe(`${lifecycle.entity} lifecycle: the table, its guard and decide agree`, () => {
    test('the table has a row for every status and names no other', () => {
      assert.deepEqual(Object.keys(lifecycle.moves).sort(), [...lifecycle.statuses].sort());
      for (const targets of Object.values<readonly S[]>(lifecycle.moves)) {
        for (const to of targets) assert.ok(lifecycle.statuses.includes(to), `unknown status ${to}`);
      }
    });

    for (const from of lifecycle.statuses) {
      for (const to of lifecycle.statuses) {
        const legal = lifecycle.moves[from].includes(to);
        const key = moveKey({ entity: lifecycle.entity, from, to });
        test(`${from} → ${to}: ${legal ? 'legal, and decide makes it' : 'illegal, and decide never makes it'}`, () => {
          assert.equal(lifecycle.canMove(from, to), legal, `the guard disagrees with the table on ${from} → ${to}`);
          const madeBy = exploration.moves.get(key);
          if (legal) assert.ok(madeBy, `${from} → ${to} is in the table, but no signal in ${exploration.states} states makes it (a dead row?)`);
          else assert.equal(madeBy, undefined, `decide made the illegal move ${from} → ${to} (${madeBy})`);
        });
      }
    }

    for (const status of lifecycle.statuses) {
      const terminal = lifecycle.moves[status].length === 0;
      test(`${status} is ${terminal ? 'terminal: decide never moves it' : 'not terminal'}`, () => {
        assert.equal(lifecycle.isTerminal(status), terminal);
        if (terminal) {
          const out = [...exploration.moves.keys()].filter((k) => k.startsWith(`${lifecycle.entity}: ${status} → `));
          assert.deepEqual(out, [], `terminal ${status} moved`);
        }
      });
    }

    test(`every status is reachable from ${lifecycle.initial}, and every status can reach a terminal one`, () => {
      const reachable = closure([lifecycle.initial], lifecycle.moves);
      for (const status of lifecycle.statuses) assert.ok(reachable.has(status), `${status} is unreachable`);
      for (const status of lifecycle.statuses) {
        const ends = closure([status], lifecycle.moves);
        assert.ok([...ends].some((s) => lifecycle.isTerminal(s)), `${status} can never end`);
      }
    });
  });
}

function closure<S extends string>(start: S[], moves: Readonly<Record<S, readonly S[]>>): Set<S> {
  const seen = new Set(start);
  const queue = [...start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const to of moves[state]) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Change cases (contract §5): "new → submitted → scheduled-approved | rejected, and closed from
// any state". Written out here from the contract: decide does not move cases, so there is no
// second use of the table to derive them from.

describe('change case lifecycle: the guard against contract §5', () => {
  const contract = new Set<string>([
    'new → submitted',
    'submitted → scheduled-approved',
    'submitted → rejected',
    // closed from any state (closed itself is where a case ends: nothing leaves it)
    'new → closed',
    'submitted → closed',
    'scheduled-approved → closed',
    'rejected → closed',
  ]);

  test('the contract’s statuses, each with a row in the table', () => {
    assert.deepEqual([...CHANGE_CASE_STATUSES].sort(), ['closed', 'new', 'rejected', 'scheduled-approved', 'submitted']);
    assert.deepEqual(Object.keys(CHANGE_CASE_MOVES).sort(), [...CHANGE_CASE_STATUSES].sort());
  });

  for (const from of CHANGE_CASE_STATUSES) {
    for (const to of CHANGE_CASE_STATUSES) {
      const legal = contract.has(`${from} → ${to}`);
      test(`${from} → ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
        assert.equal(canMoveChangeCase(from, to), legal);
        assert.equal(CHANGE_CASE_MOVES[from].includes(to), legal);
      });
    }
  }

  test('closed is the only terminal status, and every status can reach it', () => {
    const terminal = CHANGE_CASE_STATUSES.filter((s) => CHANGE_CASE_MOVES[s].length === 0);
    assert.deepEqual(terminal, ['closed'] satisfies ChangeCaseStatus[]);
    for (const status of CHANGE_CASE_STATUSES) assert.ok(closure([status], CHANGE_CASE_MOVES).has('closed'), `${status} can never be closed`);
  });
});
