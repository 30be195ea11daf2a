/**
 * Property-based tests of `decide` with gates: a random deployment (1–4 phases of 1–3 releases)
 * whose phases carry random policies (checks, approvals, a change case, freezable, a bake time on
 * an earlier or an unplanned environment), and a random run of signals folded over it, with the
 * facts the prerequisites read changing between signals (approvals and rejections, the change
 * case moving through its lifecycle, freezes added and lifted) and the time moving forward.
 *
 * The test plays the engine: it applies the moves, and the effects that feed facts back
 * (`phase.record` with checks, `changeCase.create`). After every step:
 *   (a) decide never throws (and never mutates its input);
 *   (b) every move is legal per lifecycle.ts and starts where its entity is;
 *   (c) terminal states (deployment, phase, release) never change;
 *   (d) the deployment is consistent (`invariantViolations` is empty; so a Cancelled phase has
 *       no Pending release);
 *   (e) no release moves to Deploying unless its phase is Deploying at that moment;
 *   (f) a phase moves to Deploying only if its prerequisites are met on the facts of that moment
 *       (or it has none) and the latest round of its checks all Passed (or it has no checks);
 *   (g) a phase that waited on its prerequisites and then deploys went through Checking again,
 *       and ran a new round of checks if it has any;
 *   (h) every `gates.wake` with a date is in the future of `now`;
 *   (i) what the test rebuilt from the moves and effects is what decide says the view became;
 *   (j) the prerequisites a phase records show its change case with a status of the case
 *       lifecycle, or null — never a made-up status such as "creating" (contract §7).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Decision, type DeploymentView, type PhaseView, type ReleaseOutcome, type Signal } from './decide.ts';
import { evaluatePrerequisites, hasPrerequisites, type ChangeCaseFact, type GateFacts } from './gates.ts';
import { invariantViolations } from './invariants.ts';
import { canMoveChangeCase, CHANGE_CASE_STATUSES, isTerminalPhase } from './lifecycle.ts';
import type { CheckResult, CheckSpec, EnvironmentPolicy, PhaseStatus } from './types.ts';
import { checkTerminalsUnchanged, decideSafely, findEntity, isLegal } from './decide.testkit.ts';
import { newDeployment, policyFor } from './fixtures.testkit.ts';

const START = new Date('2026-01-05T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NUM_RUNS = 200;

// ---------------------------------------------------------------------------------------------
// Generators

const ENVIRONMENTS = ['dev', 'qa', 'stage', 'prod', 'gov-prod'];
const PEOPLE = ['alice', 'bob', 'carol', 'dave'];

const checkArb: fc.Arbitrary<CheckSpec> = fc.oneof(
  fc.constant<CheckSpec>({ name: 'scan', type: 'scan', maxSeverity: 'high' }),
  fc.constant<CheckSpec>({ name: 'health', type: 'http', url: 'https://svc.example/health', expectStatus: 200 }),
);

/** The policy of phase `index`: its bake time names an earlier phase, or an unplanned environment. */
function policyArb(environment: string, index: number): fc.Arbitrary<EnvironmentPolicy> {
  const bakeTargets = [...ENVIRONMENTS.slice(0, index), 'perf'];
  return fc
    .record({
      checks: fc.uniqueArray(checkArb, { maxLength: 2, selector: (c) => c.name }),
      approvals: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2 }),
      changeCase: fc.option(fc.constantFrom(HOUR, 4 * HOUR, DAY), { freq: 2 }),
      freezable: fc.boolean(),
      bakeTime: fc.option(fc.record({ environment: fc.constantFrom(...bakeTargets), durationMs: fc.constantFrom(30 * MINUTE, 2 * HOUR) }), { freq: 2 }),
    })
    .map((g): EnvironmentPolicy => {
      const policy = policyFor(environment, { checks: g.checks, freezable: g.freezable });
      if (g.approvals !== null) policy.approvals = { required: g.approvals, approvers: PEOPLE };
      if (g.changeCase !== null) policy.changeCase = { required: true, timeoutMs: g.changeCase };
      if (g.bakeTime !== null) policy.bakeTime = g.bakeTime;
      return policy;
    });
}

/** 1–4 phases of 1–3 releases, everything Pending, as a new deployment is. */
const deploymentArb: fc.Arbitrary<DeploymentView> = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
  .chain((sizes) => fc.tuple(fc.constant(sizes), fc.tuple(...sizes.map((_, p) => policyArb(ENVIRONMENTS[p], p)))))
  .map(([sizes, policies]) => newDeployment(ENVIRONMENTS, sizes, policies));

const outcomeArb: fc.Arbitrary<ReleaseOutcome> = fc.oneof(
  { arbitrary: fc.constant('Succeeded' as const), weight: 30 },
  { arbitrary: fc.constant('Failed' as const), weight: 1 },
  { arbitrary: fc.constant('Cancelled' as const), weight: 1 },
);

/** Small steps, some hours, and jumps of days (past any case's timeout or window). */
const tickArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 30 }).map((m) => m * MINUTE), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 6 }).map((h) => h * HOUR), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 3 }).map((d) => d * DAY), weight: 1 },
);

type CaseMove =
  | { to: 'submitted' | 'rejected' | 'closed' }
  /** Approved with a deploy window opening `startMin` from now (maybe already open), `lengthMin` long. */
  | { to: 'scheduled-approved'; startMin: number; lengthMin: number };

/**
 * A command becomes a fact change (maybe), a signal and a time against the deployment as it is at
 * that step. Fact changes apply to the deployment's current phase (its first one not ended).
 */
type Command =
  /** What the engine would send next, nudging the facts toward met when the phase waits. */
  | { kind: 'drive'; pick: number; outcome: ReleaseOutcome; pass: boolean; wait: boolean }
  /** A round of checks ends for the current phase (a stale round when `stale`). */
  | { kind: 'checks'; passes: boolean[]; stale: boolean }
  | { kind: 'approval'; who: number; reject: boolean }
  | { kind: 'case'; move: CaseMove }
  | { kind: 'freeze'; startMin: number; lengthMin: number | null }
  | { kind: 'unfreeze' }
  | { kind: 'tick'; ms: number }
  | { kind: 'cancel' };

const caseMoveArb: fc.Arbitrary<CaseMove> = fc.oneof(
  { arbitrary: fc.constant({ to: 'submitted' as const }), weight: 4 },
  { arbitrary: fc.record({ startMin: fc.integer({ min: -60, max: 240 }), lengthMin: fc.integer({ min: 1, max: 300 }) }).map((w) => ({ to: 'scheduled-approved' as const, ...w })), weight: 4 },
  { arbitrary: fc.constant({ to: 'rejected' as const }), weight: 1 },
  { arbitrary: fc.constant({ to: 'closed' as const }), weight: 1 },
);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc
      .record({ pick: fc.nat(), outcome: outcomeArb, pass: fc.nat({ max: 29 }).map((n) => n > 0), wait: fc.nat({ max: 3 }).map((n) => n === 0) })
      .map((c) => ({ kind: 'drive' as const, ...c })),
    weight: 40,
  },
  {
    arbitrary: fc
      .record({ passes: fc.array(fc.nat({ max: 5 }).map((n) => n > 0), { minLength: 2, maxLength: 2 }), stale: fc.nat({ max: 4 }).map((n) => n === 0) })
      .map((c) => ({ kind: 'checks' as const, ...c })),
    weight: 3,
  },
  { arbitrary: fc.record({ who: fc.nat(), reject: fc.nat({ max: 3 }).map((n) => n === 0) }).map((c) => ({ kind: 'approval' as const, ...c })), weight: 3 },
  { arbitrary: caseMoveArb.map((move) => ({ kind: 'case' as const, move })), weight: 3 },
  {
    arbitrary: fc
      .record({ startMin: fc.integer({ min: -60, max: 120 }), lengthMin: fc.option(fc.integer({ min: 1, max: 240 })) })
      .map((c) => ({ kind: 'freeze' as const, ...c })),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'unfreeze' as const }), weight: 1 },
  { arbitrary: tickArb.map((ms) => ({ kind: 'tick' as const, ms })), weight: 3 },
  { arbitrary: fc.constant({ kind: 'cancel' as const }), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Facts, as the engine gathers them

function bakeReference(view: DeploymentView, phase: PhaseView): GateFacts['bakeReference'] {
  const bake = phase.policy.bakeTime;
  if (!bake) return null;
  const reference = view.phases.find((p) => p.environment === bake.environment);
  return { planned: reference !== undefined, completedAt: reference?.completedAt ?? null };
}

function factsOf(view: DeploymentView, phase: PhaseView): GateFacts {
  return { ...phase.gates, bakeReference: bakeReference(view, phase) };
}

function currentPhase(view: DeploymentView): PhaseView | undefined {
  return view.phases.find((p) => !isTerminalPhase(p.status));
}

function moveCase(c: ChangeCaseFact, move: CaseMove, now: Date): void {
  if (!canMoveChangeCase(c.status, move.to)) return;
  c.status = move.to;
  if (move.to === 'submitted') c.number = `CHG${c.id.slice(3)}`;
  if (move.to === 'scheduled-approved') {
    const start = now.getTime() + move.startMin * MINUTE;
    c.deployWindow = { start: new Date(start).toISOString(), end: new Date(start + move.lengthMin * MINUTE).toISOString() };
  }
}

const results = (phase: PhaseView, passes: boolean[]): CheckResult[] =>
  phase.policy.checks.map((c, i) => ({ name: c.name, type: c.type, status: passes[i % passes.length] ? 'Passed' : 'Failed', detail: passes[i % passes.length] ? null : 'boom' }));

/**
 * The engine's next signal. A phase awaiting its prerequisites gets one step closer to them: the
 * timer fires at its wake time, or one missing fact arrives (an approval, the case moving on, the
 * freeze lifted).
 */
function drive(command: Extract<Command, { kind: 'drive' }>, view: DeploymentView, now: Date): { signal: Signal; now: Date } {
  const releases = view.phases.flatMap((p) => p.releases);
  if (view.status === 'Pending') return { signal: { type: 'start' }, now };
  if (view.status === 'Scanning') return { signal: { type: 'scan.completed', findings: { counts: {} } }, now };
  const phase = currentPhase(view);
  if (phase?.status === 'Checking' && phase.checks.some((c) => c.status === 'Pending')) {
    return { signal: { type: 'checks.completed', phaseId: phase.id, round: phase.checkRound, results: results(phase, [command.pass]) }, now };
  }
  if (phase?.status === 'AwaitingPrerequisites') {
    const evaluation = evaluatePrerequisites(phase.policy, factsOf(view, phase), now);
    const changed: Signal = { type: 'gates.changed', phaseId: phase.id };
    if (evaluation.verdict === 'wait' && evaluation.wakeAt && command.wait) return { signal: changed, now: evaluation.wakeAt };
    const p = evaluation.prerequisites;
    const c = phase.gates.changeCase;
    if (p.approvals && !p.approvals.met && !p.approvals.rejectedBy) {
      const who = PEOPLE.find((person) => !phase.gates.approvals.some((a) => a.by === person))!;
      phase.gates.approvals.push({ by: who, decision: 'approve', comment: null, at: now.toISOString() });
    } else if (c && c.status === 'new') {
      moveCase(c, { to: 'submitted' }, now);
    } else if (c && c.status === 'submitted') {
      moveCase(c, { to: 'scheduled-approved', startMin: -1, lengthMin: 120 }, now);
    } else if (c?.deployWindow && c.status === 'scheduled-approved' && now < new Date(c.deployWindow.start)) {
      return { signal: changed, now: new Date(c.deployWindow.start) };
    } else if (p.freeze && !p.freeze.met) {
      phase.gates.freezes = [];
    } else if (p.bakeTime?.readyAt && !p.bakeTime.met) {
      return { signal: changed, now: new Date(p.bakeTime.readyAt) };
    }
    return { signal: changed, now };
  }
  const waiting = view.phases.filter((p) => p.status === 'Deploying').flatMap((p) => p.releases.filter((r) => r.status === 'Pending'));
  const running = releases.filter((r) => r.status === 'Deploying');
  const finished = (releaseId: string): Signal => ({ type: 'release.finished', releaseId, outcome: command.outcome, detail: `outcome ${command.outcome}` });
  const next: Signal[] = [...waiting.map((r) => ({ type: 'release.started' as const, releaseId: r.id })), ...running.map((r) => finished(r.id))];
  return { signal: next.length > 0 ? next[command.pick % next.length] : { type: 'gates.changed' }, now };
}

/** Changes the facts (in place, on the view the engine would read) and says what to signal and when. */
function step(command: Command, view: DeploymentView, now: Date): { signal: Signal; now: Date } {
  const phase = currentPhase(view);
  const changed: Signal = { type: 'gates.changed', ...(phase ? { phaseId: phase.id } : {}) };
  switch (command.kind) {
    case 'drive':
      return drive(command, view, now);
    case 'checks': {
      const target = phase ?? view.phases[0];
      const round = command.stale ? target.checkRound - 1 : target.checkRound;
      return { signal: { type: 'checks.completed', phaseId: target.id, round, results: results(target, command.passes) }, now };
    }
    case 'approval':
      phase?.gates.approvals.push({ by: PEOPLE[command.who % PEOPLE.length], decision: command.reject ? 'reject' : 'approve', comment: command.reject ? 'not now' : null, at: now.toISOString() });
      return { signal: changed, now };
    case 'case':
      if (phase?.gates.changeCase) moveCase(phase.gates.changeCase, command.move, now);
      return { signal: changed, now };
    case 'freeze':
      phase?.gates.freezes.push({
        id: `f${phase.gates.freezes.length}`,
        reason: 'incident',
        startsAt: new Date(now.getTime() + command.startMin * MINUTE).toISOString(),
        endsAt: command.lengthMin === null ? null : new Date(now.getTime() + (command.startMin + command.lengthMin) * MINUTE).toISOString(),
      });
      return { signal: changed, now };
    case 'unfreeze':
      phase?.gates.freezes.pop();
      return { signal: changed, now };
    case 'tick':
      return { signal: changed, now: new Date(now.getTime() + command.ms) };
    case 'cancel':
      return { signal: { type: 'cancel', by: 'prop' }, now };
  }
}

// ---------------------------------------------------------------------------------------------
// Playing the engine

function apply(view: DeploymentView, decision: Decision, now: Date): DeploymentView {
  const next = structuredClone(view);
  for (const move of decision.moves) {
    const line = `${move.entity} ${move.id}: ${move.from} → ${move.to}`;
    assert.ok(isLegal(move), `(b) illegal move ${line}`);
    const found = findEntity(next, move);
    assert.ok(found, `(b) ${line} names no entity of the deployment`);
    assert.equal(found.entity.status, move.from, `(b) ${line}, but it is ${found.entity.status}`);
    if (move.entity === 'release' && move.to === 'Deploying') {
      assert.equal(found.phase?.status, 'Deploying', `(e) ${line} while its phase is ${found.phase?.status}`);
    }
    found.entity.status = move.to;
    found.entity.statusDetail = move.detail;
    if (move.entity === 'phase' && move.to === 'Completed') (found.entity as PhaseView).completedAt = now.toISOString();
  }
  for (const effect of decision.effects) {
    if (effect.type === 'phase.record') {
      const phase = next.phases.find((p) => p.id === effect.phaseId);
      assert.ok(phase, `phase.record names no phase: ${effect.phaseId}`);
      if (effect.checks) phase.checks = structuredClone(effect.checks);
      if (effect.checkRound !== undefined) phase.checkRound = effect.checkRound;
      if (effect.statusDetail !== undefined) phase.statusDetail = effect.statusDetail;
      const shown = effect.prerequisites?.changeCase;
      if (effect.prerequisites && phase.gates.changeCase === null) assert.equal(shown, null, `(j) ${phase.id} shows a change case it does not have`);
      if (shown) {
        assert.ok((CHANGE_CASE_STATUSES as readonly string[]).includes(shown.status), `(j) ${phase.id} shows change-case status "${shown.status}"`);
        assert.equal(shown.id, phase.gates.changeCase?.id, `(j) ${phase.id} shows another case`);
      }
    }
    if (effect.type === 'changeCase.create') {
      const phase = next.phases.find((p) => p.id === effect.phaseId);
      assert.ok(phase, `changeCase.create names no phase: ${effect.phaseId}`);
      assert.ok(phase.policy.changeCase?.required, `changeCase.create for ${phase.id}, whose policy needs no case`);
      assert.equal(phase.gates.changeCase, null, `changeCase.create for ${phase.id}, which has a case`);
      phase.gates.changeCase = { id: `cc-${phase.id}`, number: null, status: 'new', deployWindow: null, createdAt: now.toISOString() };
    }
  }
  return next;
}

/** Per run: each phase's statuses in order, and the check round it had when it last began to wait. */
interface History {
  statuses: Map<string, PhaseStatus[]>;
  roundWhenWaiting: Map<string, number>;
}

function checkGates(next: DeploymentView, decision: Decision, now: Date, history: History): void {
  for (const move of decision.moves) {
    if (move.entity !== 'phase') continue;
    const phase = next.phases.find((p) => p.id === move.id)!;
    const statuses = history.statuses.get(phase.id) ?? ['Pending'];
    statuses.push(move.to);
    history.statuses.set(phase.id, statuses);
    if (move.to === 'AwaitingPrerequisites') history.roundWhenWaiting.set(phase.id, phase.checkRound);
    if (move.to !== 'Deploying') continue;
    // (f) prerequisites met on the facts of this moment
    if (hasPrerequisites(phase.policy)) {
      const evaluation = evaluatePrerequisites(phase.policy, factsOf(next, phase), now);
      assert.equal(evaluation.verdict, 'met', `(f) phase ${phase.id} deploys at ${now.toISOString()} but its prerequisites say ${evaluation.verdict}: ${evaluation.detail}`);
    }
    // (f) the latest round of checks all passed
    assert.equal(phase.checks.length, phase.policy.checks.length, `(f) phase ${phase.id} deploys with ${phase.checks.length} of ${phase.policy.checks.length} check results`);
    assert.ok(
      phase.checks.every((c) => c.status === 'Passed'),
      `(f) phase ${phase.id} deploys with checks ${JSON.stringify(phase.checks.map((c) => c.status))}`,
    );
    // (g) after waiting: through Checking again, with a new round of checks
    const waitedAt = statuses.lastIndexOf('AwaitingPrerequisites');
    if (waitedAt >= 0) {
      coverage.set('deployed after waiting', (coverage.get('deployed after waiting') ?? 0) + 1);
      if (phase.policy.checks.length > 0) coverage.set('…with checks re-run', (coverage.get('…with checks re-run') ?? 0) + 1);
      assert.ok(statuses.slice(waitedAt).includes('Checking'), `(g) phase ${phase.id} deploys after waiting without Checking again: ${statuses.join(' → ')}`);
      if (phase.policy.checks.length > 0) {
        const round = history.roundWhenWaiting.get(phase.id)!;
        assert.ok(phase.checkRound > round, `(g) phase ${phase.id} deploys after waiting in round ${round} without a new round (now ${phase.checkRound})`);
      }
    }
  }
  // (h) timers only in the future
  for (const effect of decision.effects) {
    if (effect.type === 'gates.wake' && effect.at !== null) {
      assert.ok(effect.at.getTime() > now.getTime(), `(h) gates.wake at ${effect.at.toISOString()} is not after now ${now.toISOString()}`);
    }
  }
  // (i) the view rebuilt from moves and effects is decide's own
  assert.equal(next.status, decision.view.status, '(i) deployment status');
  next.phases.forEach((phase, p) => {
    const theirs = decision.view.phases[p];
    const line = `(i) phase ${phase.id}`;
    assert.deepEqual(
      { status: phase.status, statusDetail: phase.statusDetail, checks: phase.checks, checkRound: phase.checkRound, completedAt: phase.completedAt, releases: phase.releases },
      { status: theirs.status, statusDetail: theirs.statusDetail, checks: theirs.checks, checkRound: theirs.checkRound, completedAt: theirs.completedAt, releases: theirs.releases },
      line,
    );
  });
}

/** How runs ended: Completed, Failed, Cancelled by a gate (and which), by a user, or still running. */
const endings = new Map<string, number>();
/** How often the rarer paths were taken. */
const coverage = new Map<string, number>();

function ending(view: DeploymentView): string {
  if (view.status !== 'Cancelled') return view.status;
  const cancelled = view.phases.find((p) => p.status === 'Cancelled');
  if (!cancelled || cancelled.statusDetail.startsWith('Cancelled by')) return 'Cancelled by a user';
  const why = cancelled.statusDetail;
  if (why.startsWith('Check ')) return 'Cancelled: check failed';
  if (why.startsWith('Rejected by')) return 'Cancelled: approval rejected';
  if (why.includes('timed out')) return 'Cancelled: change case timed out';
  if (why.includes('deploy window')) return 'Cancelled: change case window ended';
  return 'Cancelled: change case rejected or closed';
}

test('decide keeps every rule of contract §5 with gates, changing facts and moving time', (t) => {
  const started = Date.now();
  endings.clear();
  coverage.clear();
  fc.assert(
    fc.property(deploymentArb, fc.array(commandArb, { minLength: 1, maxLength: 120, size: 'max' }), (initial, commands) => {
      assert.deepEqual(invariantViolations(initial), []);
      let view = initial;
      let now = START;
      const history: History = { statuses: new Map(), roundWhenWaiting: new Map() };
      for (const command of commands) {
        const facts = structuredClone(view);
        const { signal, now: at } = step(command, facts, now);
        assert.ok(at.getTime() >= now.getTime(), 'time only moves forward');
        now = at;
        const decision = decideSafely(facts, signal, now); // (a)
        const next = apply(facts, decision, now); // (b), (e)
        checkTerminalsUnchanged(view, next); // (c)
        assert.deepEqual(invariantViolations(next), [], `(d) after ${JSON.stringify(signal)}`);
        for (const phase of next.phases) {
          if (phase.status === 'Cancelled') assert.ok(phase.releases.every((r) => r.status !== 'Pending'), `(d) phase ${phase.id} is Cancelled with a Pending release`);
        }
        checkGates(next, decision, now, history); // (f), (g), (h), (i)
        view = next;
      }
      endings.set(ending(view), (endings.get(ending(view)) ?? 0) + 1);
    }),
    { numRuns: NUM_RUNS },
  );
  t.diagnostic(`endings: ${JSON.stringify(Object.fromEntries(endings))}; ${JSON.stringify(Object.fromEntries(coverage))}; ${Date.now() - started} ms`);
  // Not vacuous: runs reach the end, and gates cancel some (shrinking may add a few more).
  const gateCancels = [...endings].filter(([k]) => k.startsWith('Cancelled:')).reduce((n, [, v]) => n + v, 0);
  assert.ok((endings.get('Completed') ?? 0) >= NUM_RUNS / 20, `only ${endings.get('Completed') ?? 0} runs Completed: ${JSON.stringify([...endings])}`);
  assert.ok(gateCancels >= NUM_RUNS / 20, `only ${gateCancels} runs Cancelled by a gate: ${JSON.stringify([...endings])}`);
  assert.ok((coverage.get('…with checks re-run') ?? 0) >= NUM_RUNS / 20, `only ${coverage.get('…with checks re-run') ?? 0} phases deployed after waiting with checks re-run`);
});
