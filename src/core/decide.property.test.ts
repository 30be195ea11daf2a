/**
 * Property-based tests of `decide`: a random deployment (1–5 phases of 1–4 releases), a random
 * run of signals folded over it, and after every step the rules of contract §5:
 *   (a) terminal states (deployment, phase, release) never change;
 *   (b) the deployment is consistent (`invariantViolations` is empty);
 *   (c) no release moves to Deploying unless its phase is Deploying at that moment;
 *   (d) every move is legal per lifecycle.ts and starts where its entity is;
 *   (e) decide never throws (and never mutates its input);
 *   (f) decide settles: an InProgress deployment always has exactly one active phase, never a
 *       Deploying phase whose releases all succeeded;
 *   (g) locks: a release that is Deploying is never told to free its lock; `release.run` goes
 *       exactly with a move to Deploying; `release.stop` only to a release in flight.
 *
 * Signals are biased toward ones that apply: most pick a release of the deployment, and a
 * "driver" picks among the signals the engine would send next (a lock granted, a release ending).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Decision, type DeploymentView, type Move, type ReleaseOutcome, type Signal } from './decide.ts';
import { invariantViolations } from './invariants.ts';
import { isTerminalDeployment, isTerminalPhase, isTerminalRelease } from './lifecycle.ts';
import { checkTerminalsUnchanged, decideSafely, findEntity, isLegal } from './decide.testkit.ts';
import { newDeployment } from './fixtures.testkit.ts';

const NOW = new Date('2026-01-05T09:00:00Z');

const NUM_RUNS = 300;

// ---------------------------------------------------------------------------------------------
// Generators

const ENVIRONMENTS = ['dev', 'qa', 'stage', 'prod', 'gov-prod'];

/** 1–5 phases of 1–4 releases, everything Pending, as a new deployment is. */
const deploymentArb: fc.Arbitrary<DeploymentView> = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 })
  .map((sizes) => newDeployment(ENVIRONMENTS, sizes));

const outcomeArb: fc.Arbitrary<ReleaseOutcome> = fc.oneof(
  { arbitrary: fc.constant('Succeeded' as const), weight: 18 },
  { arbitrary: fc.constant('Failed' as const), weight: 1 },
  { arbitrary: fc.constant('Cancelled' as const), weight: 1 },
);

/**
 * A command is turned into a signal against the deployment as it is at that step, so that
 * release ids come from the deployment (`pick` indexes its releases; a few name no release).
 */
type Command =
  | { kind: 'start' }
  | { kind: 'scan'; high: number }
  | { kind: 'cancel' }
  | { kind: 'started'; pick: number }
  | { kind: 'finished'; pick: number; outcome: ReleaseOutcome }
  | { kind: 'unknown release'; finish: boolean; outcome: ReleaseOutcome }
  /** What the engine would send next: a lock granted to a waiting release, or a release ending. */
  | { kind: 'drive'; pick: number; outcome: ReleaseOutcome };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'start' as const }), weight: 1 },
  { arbitrary: fc.nat({ max: 3 }).map((high) => ({ kind: 'scan' as const, high })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'cancel' as const }), weight: 1 },
  { arbitrary: fc.nat().map((pick) => ({ kind: 'started' as const, pick })), weight: 6 },
  { arbitrary: fc.record({ pick: fc.nat(), outcome: outcomeArb }).map((c) => ({ kind: 'finished' as const, ...c })), weight: 6 },
  { arbitrary: fc.record({ finish: fc.boolean(), outcome: outcomeArb }).map((c) => ({ kind: 'unknown release' as const, ...c })), weight: 1 },
  { arbitrary: fc.record({ pick: fc.nat(), outcome: outcomeArb }).map((c) => ({ kind: 'drive' as const, ...c })), weight: 30 },
);

function toSignal(command: Command, view: DeploymentView): Signal {
  const releases = view.phases.flatMap((p) => p.releases);
  const finishedSignal = (releaseId: string, outcome: ReleaseOutcome): Signal => ({ type: 'release.finished', releaseId, outcome, detail: `outcome ${outcome}` });
  switch (command.kind) {
    case 'start':
      return { type: 'start' };
    case 'scan':
      return { type: 'scan.completed', findings: { counts: { high: command.high } } };
    case 'cancel':
      return { type: 'cancel', by: 'prop' };
    case 'started':
      return { type: 'release.started', releaseId: releases[command.pick % releases.length].id };
    case 'finished':
      return finishedSignal(releases[command.pick % releases.length].id, command.outcome);
    case 'unknown release':
      return command.finish ? finishedSignal('nope', command.outcome) : { type: 'release.started', releaseId: 'nope' };
    case 'drive': {
      if (view.status === 'Pending') return { type: 'start' };
      if (view.status === 'Scanning') return { type: 'scan.completed', findings: { counts: {} } };
      const waiting = view.phases.filter((p) => p.status === 'Deploying').flatMap((p) => p.releases.filter((r) => r.status === 'Pending'));
      const running = releases.filter((r) => r.status === 'Deploying');
      const next = [...waiting.map((r) => ({ type: 'release.started' as const, releaseId: r.id })), ...running.map((r) => finishedSignal(r.id, command.outcome))];
      return next.length > 0 ? next[command.pick % next.length] : { type: 'release.finished', releaseId: releases[command.pick % releases.length].id, outcome: command.outcome, detail: 'late' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Folding decide

function applyMoves(view: DeploymentView, moves: Move[]): DeploymentView {
  const next = structuredClone(view);
  for (const move of moves) {
    const line = `${move.entity} ${move.id}: ${move.from} → ${move.to}`;
    assert.ok(isLegal(move), `(d) illegal move ${line}`);
    const found = findEntity(next, move);
    assert.ok(found, `(d) ${line} names no entity of the deployment`);
    assert.equal(found.entity.status, move.from, `(d) ${line}, but it is ${found.entity.status}`);
    if (move.entity === 'release' && move.to === 'Deploying') {
      assert.equal(found.phase?.status, 'Deploying', `(c) ${line} while its phase is ${found.phase?.status}`);
    }
    found.entity.status = move.to;
    found.entity.statusDetail = move.detail;
  }
  return next;
}

function checkSettled(view: DeploymentView): void {
  if (view.status !== 'InProgress') return;
  const active = view.phases.filter((p) => p.status === 'Checking' || p.status === 'AwaitingPrerequisites' || p.status === 'Deploying');
  assert.equal(active.length, 1, `(f) InProgress with ${active.length} active phases`);
  assert.ok(!(active[0].status === 'Deploying' && active[0].releases.every((r) => r.status === 'Succeeded')), `(f) phase ${active[0].id} deployed everything but is not Completed`);
}

function checkEffects(before: DeploymentView, after: DeploymentView, decision: Decision): void {
  const releaseAfter = new Map(after.phases.flatMap((p) => p.releases).map((r) => [r.id, r]));
  const releaseBefore = new Map(before.phases.flatMap((p) => p.releases).map((r) => [r.id, r]));
  const startedNow = decision.moves.filter((m) => m.entity === 'release' && m.to === 'Deploying').map((m) => m.id);
  const runs = decision.effects.flatMap((e) => (e.type === 'release.run' ? [e.releaseId] : []));
  assert.deepEqual(runs, startedNow, '(g) release.run goes exactly with a move to Deploying');
  for (const effect of decision.effects) {
    if (effect.type === 'lock.free') {
      assert.notEqual(releaseAfter.get(effect.releaseId)?.status, 'Deploying', `(g) lock.free for ${effect.releaseId}, which is Deploying`);
    }
    if (effect.type === 'release.stop') {
      assert.equal(releaseBefore.get(effect.releaseId)?.status, 'Deploying', `(g) release.stop for ${effect.releaseId}, which is not in flight`);
    }
  }
}

/** Final deployment statuses seen, to show the runs reach every ending (not a vacuous pass). */
const endings = new Map<string, number>();

test('decide keeps every rule of contract §5 over random signal runs', () => {
  fc.assert(
    fc.property(deploymentArb, fc.array(commandArb, { minLength: 1, maxLength: 80, size: 'max' }), (initial, commands) => {
      assert.deepEqual(invariantViolations(initial), []);
      let view = initial;
      for (const command of commands) {
        const signal = toSignal(command, view);
        const decision = decideSafely(view, signal, NOW); // (e)
        const next = applyMoves(view, decision.moves); // (c), (d)
        checkTerminalsUnchanged(view, next); // (a)
        assert.deepEqual(invariantViolations(next), [], `(b) after ${JSON.stringify(signal)}`);
        checkSettled(next); // (f)
        checkEffects(view, next, decision); // (g)
        view = next;
      }
      endings.set(view.status, (endings.get(view.status) ?? 0) + 1);
    }),
    { numRuns: NUM_RUNS },
  );
  // Every ending is reached by a fair share of the runs (shrinking may add a few more).
  for (const status of ['Completed', 'Failed', 'Cancelled']) {
    assert.ok((endings.get(status) ?? 0) >= NUM_RUNS / 20, `only ${endings.get(status) ?? 0} runs ended ${status}: ${JSON.stringify([...endings])}`);
  }
});

test('a deployment run to its end by the engine’s own signals always ends, consistently', () => {
  fc.assert(
    fc.property(deploymentArb, fc.array(fc.record({ pick: fc.nat(), outcome: outcomeArb }), { minLength: 60, maxLength: 60 }), (initial, drives) => {
      let view = initial;
      for (const drive of drives) {
        if (isTerminalDeployment(view.status) && view.phases.every((p) => p.releases.every((r) => r.status !== 'Deploying'))) break;
        const decision = decideSafely(view, toSignal({ kind: 'drive', ...drive }, view), NOW);
        view = applyMoves(view, decision.moves);
        assert.deepEqual(invariantViolations(view), []);
      }
      // 5 phases × 4 releases need at most 2 + 40 signals: the deployment has ended, nothing runs.
      assert.ok(isTerminalDeployment(view.status), `still ${view.status}`);
      assert.ok(view.phases.every((p) => isTerminalPhase(p.status) && p.releases.every((r) => isTerminalRelease(r.status))), 'an entity never ended');
      if (view.status === 'Completed') assert.ok(view.phases.every((p) => p.releases.every((r) => r.status === 'Succeeded')));
    }),
    { numRuns: NUM_RUNS },
  );
});
