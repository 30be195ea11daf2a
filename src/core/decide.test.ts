/**
 * `decide` over every deployment status × signal, then the scenarios of contract §5 step by step.
 * Moves are compared as `entity id: from → to` lines and effects as `type releaseId` lines, in
 * the order decide emits them (the engine writes one outbox event per move, in that order).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, type Decision, type DeploymentView, type Move, type PhaseView, type ReleaseOutcome, type Signal } from './decide.ts';
import { deploymentView, phaseView } from './fixtures.testkit.ts';
import { invariantViolations } from './invariants.ts';
import type { DeploymentStatus, PhaseStatus, ReleaseStatus } from './types.ts';

const NOW = new Date('2026-01-05T09:00:00Z');

// Builders (fixtures.testkit.ts): `deployment('InProgress', phase('dev', 'Deploying', { 'dev-1': 'Deploying' }), …)`.
// Phase ids are their environment's name; release ids name their target (`dev-1` → `dev-1.cluster`).
const deployment = deploymentView;
const phase = (environment: string, status: PhaseStatus, releases: Record<string, ReleaseStatus>): PhaseView => phaseView(environment, status, releases);

const start: Signal = { type: 'start' };
const scanned: Signal = { type: 'scan.completed', findings: { counts: { high: 2, low: 0 } } };
const started = (releaseId: string): Signal => ({ type: 'release.started', releaseId });
const finished = (releaseId: string, outcome: ReleaseOutcome = 'Succeeded'): Signal => ({ type: 'release.finished', releaseId, outcome, detail: `helm said ${outcome}` });
const cancel: Signal = { type: 'cancel', by: 'alice', reason: 'wrong build' };

const moveLine = (m: Move): string => `${m.entity} ${m.id}: ${m.from} → ${m.to}`;
const effectLine = (e: Decision['effects'][number]): string =>
  'releaseId' in e ? `${e.type} ${e.releaseId}` : e.type === 'phase.run' ? `${e.type} ${e.phaseId}` : e.type;

interface Step {
  view: DeploymentView;
  moves: string[];
  effects: string[];
  decision: Decision;
}

/** Decide, then apply the moves to a copy of the view (each move must start where the entity is). */
function step(view: DeploymentView, signal: Signal): Step {
  const before = structuredClone(view);
  const decision = decide(view, signal, NOW);
  assert.deepEqual(view, before, 'decide must not mutate its input');
  const next = structuredClone(view);
  for (const move of decision.moves) {
    const entity =
      move.entity === 'deployment'
        ? next
        : move.entity === 'phase'
          ? next.phases.find((p) => p.id === move.id)
          : next.phases.flatMap((p) => p.releases).find((r) => r.id === move.id);
    assert.ok(entity, `move names an unknown ${move.entity} ${move.id}`);
    assert.equal(entity.status, move.from, `${moveLine(move)}: the ${move.entity} is ${entity.status}`);
    entity.status = move.to;
    entity.statusDetail = move.detail;
  }
  assert.deepEqual(invariantViolations(next), [], `inconsistent after ${signal.type}`);
  return { view: next, moves: decision.moves.map(moveLine), effects: decision.effects.map(effectLine), decision };
}

/** Runs signals one after another from `view`; returns every step. */
function run(view: DeploymentView, ...signals: Signal[]): Step[] {
  const steps: Step[] = [];
  for (const signal of signals) steps.push(step(steps.at(-1)?.view ?? view, signal));
  return steps;
}

function statuses(view: DeploymentView): string {
  return [view.status, ...view.phases.map((p) => `${p.id}:${p.status}[${p.releases.map((r) => `${r.id}:${r.status}`).join(' ')}]`)].join(' ');
}

// ---------------------------------------------------------------------------------------------
// One representative deployment per status: phases dev (dev-1, dev-2) and prod (prod-1). The
// release signals name dev-2 (started) and dev-1 (finished).

const VIEWS: Record<DeploymentStatus, DeploymentView> = {
  Pending: deployment('Pending', phase('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending' }), phase('prod', 'Pending', { 'prod-1': 'Pending' })),
  Scanning: deployment('Scanning', phase('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending' }), phase('prod', 'Pending', { 'prod-1': 'Pending' })),
  Scanned: deployment('Scanned', phase('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending' }), phase('prod', 'Pending', { 'prod-1': 'Pending' })),
  InProgress: deployment('InProgress', phase('dev', 'Deploying', { 'dev-1': 'Deploying', 'dev-2': 'Pending' }), phase('prod', 'Pending', { 'prod-1': 'Pending' })),
  Completed: deployment('Completed', phase('dev', 'Completed', { 'dev-1': 'Succeeded', 'dev-2': 'Succeeded' }), phase('prod', 'Completed', { 'prod-1': 'Succeeded' })),
  Failed: deployment('Failed', phase('dev', 'Failed', { 'dev-1': 'Deploying', 'dev-2': 'Failed' }), phase('prod', 'Skipped', { 'prod-1': 'Skipped' })),
  Cancelled: deployment('Cancelled', phase('dev', 'Cancelled', { 'dev-1': 'Deploying', 'dev-2': 'Skipped' }), phase('prod', 'Skipped', { 'prod-1': 'Skipped' })),
};

const SIGNALS = {
  start,
  'scan.completed': scanned,
  'release.started': started('dev-2'),
  'release.finished Succeeded': finished('dev-1', 'Succeeded'),
  'release.finished Failed': finished('dev-1', 'Failed'),
  'release.finished Cancelled': finished('dev-1', 'Cancelled'),
  cancel,
} satisfies Record<string, Signal>;

type Expected = { moves: string[]; effects: string[] };
const NOTHING: Expected = { moves: [], effects: [] };
/** A release.started that no longer applies: no move, the lock it may hold goes back. */
const GIVE_LOCK_BACK: Expected = { moves: [], effects: ['lock.free dev-2'] };

const cancelBeforeAnyPhase = (from: DeploymentStatus, effects: string[]): Expected => ({
  moves: [
    'phase dev: Pending → Skipped',
    'release dev-1: Pending → Skipped',
    'release dev-2: Pending → Skipped',
    'phase prod: Pending → Skipped',
    'release prod-1: Pending → Skipped',
    `deployment d1: ${from} → Cancelled`,
  ],
  effects,
});

const failFirstPhase = (outcome: ReleaseOutcome): Expected => ({
  moves: [
    `release dev-1: Deploying → ${outcome}`,
    'phase dev: Deploying → Failed',
    'release dev-2: Pending → Skipped',
    'phase prod: Pending → Skipped',
    'release prod-1: Pending → Skipped',
    'deployment d1: InProgress → Failed',
  ],
  effects: ['lock.free dev-1', 'lock.free dev-2'],
});

/** An in-flight release of an ended phase records its real end and frees its lock; nothing else moves. */
const recordLateEnd = (outcome: ReleaseOutcome): Expected => ({ moves: [`release dev-1: Deploying → ${outcome}`], effects: ['lock.free dev-1'] });

const TABLE: Record<DeploymentStatus, Record<keyof typeof SIGNALS, Expected>> = {
  Pending: {
    start: { moves: ['deployment d1: Pending → Scanning'], effects: ['scan.poll'] },
    'scan.completed': NOTHING,
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': NOTHING,
    'release.finished Failed': NOTHING,
    'release.finished Cancelled': NOTHING,
    cancel: cancelBeforeAnyPhase('Pending', ['scan.stop']),
  },
  Scanning: {
    start: NOTHING,
    'scan.completed': {
      moves: ['deployment d1: Scanning → Scanned', 'deployment d1: Scanned → InProgress', 'phase dev: Pending → Checking', 'phase dev: Checking → Deploying'],
      effects: ['release.acquire dev-1', 'release.acquire dev-2'],
    },
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': NOTHING,
    'release.finished Failed': NOTHING,
    'release.finished Cancelled': NOTHING,
    cancel: cancelBeforeAnyPhase('Scanning', ['scan.stop']),
  },
  Scanned: {
    start: NOTHING,
    'scan.completed': NOTHING,
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': NOTHING,
    'release.finished Failed': NOTHING,
    'release.finished Cancelled': NOTHING,
    cancel: cancelBeforeAnyPhase('Scanned', []),
  },
  InProgress: {
    start: NOTHING,
    'scan.completed': NOTHING,
    // The last release of dev to hold its target: a workflow executor may run the phase now.
    'release.started': { moves: ['release dev-2: Pending → Deploying'], effects: ['release.run dev-2', 'phase.run dev'] },
    'release.finished Succeeded': { moves: ['release dev-1: Deploying → Succeeded'], effects: ['lock.free dev-1'] },
    'release.finished Failed': failFirstPhase('Failed'),
    // A release cancelled outside a deployment cancel (by an operator on the cluster) fails its phase.
    'release.finished Cancelled': failFirstPhase('Cancelled'),
    cancel: {
      moves: [
        'phase dev: Deploying → Cancelled',
        'release dev-2: Pending → Skipped',
        'phase prod: Pending → Skipped',
        'release prod-1: Pending → Skipped',
        'deployment d1: InProgress → Cancelled',
      ],
      effects: ['lock.free dev-2', 'release.stop dev-1'],
    },
  },
  Completed: {
    start: NOTHING,
    'scan.completed': NOTHING,
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': NOTHING,
    'release.finished Failed': NOTHING,
    'release.finished Cancelled': NOTHING,
    cancel: NOTHING,
  },
  Failed: {
    start: NOTHING,
    'scan.completed': NOTHING,
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': recordLateEnd('Succeeded'),
    'release.finished Failed': recordLateEnd('Failed'),
    'release.finished Cancelled': recordLateEnd('Cancelled'),
    cancel: NOTHING,
  },
  Cancelled: {
    start: NOTHING,
    'scan.completed': NOTHING,
    'release.started': GIVE_LOCK_BACK,
    'release.finished Succeeded': recordLateEnd('Succeeded'),
    'release.finished Failed': recordLateEnd('Failed'),
    'release.finished Cancelled': recordLateEnd('Cancelled'),
    cancel: NOTHING,
  },
};

describe('decide: every deployment status × signal', () => {
  for (const [status, row] of Object.entries(TABLE) as [DeploymentStatus, Record<keyof typeof SIGNALS, Expected>][]) {
    for (const [name, expected] of Object.entries(row) as [keyof typeof SIGNALS, Expected][]) {
      test(`${status} + ${name}`, () => {
        assert.deepEqual(invariantViolations(VIEWS[status]), [], 'the representative view itself is consistent');
        const { moves, effects } = step(VIEWS[status], SIGNALS[name]);
        assert.deepEqual({ moves, effects }, expected);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------

const fresh = (): DeploymentView =>
  deployment('Pending', phase('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending' }), phase('prod', 'Pending', { 'prod-1': 'Pending' }));

describe('decide: happy path', () => {
  test('start → Scanning; scan → InProgress with phase 1 Deploying; releases hand over phase by phase → Completed', () => {
    const [s1, s2, s3, s4, s5, s6, s7, s8] = run(
      fresh(),
      start,
      scanned,
      started('dev-1'),
      started('dev-2'),
      finished('dev-1'),
      finished('dev-2'),
      started('prod-1'),
      finished('prod-1'),
    );
    assert.deepEqual([s1.moves, s1.effects], [['deployment d1: Pending → Scanning'], ['scan.poll']]);
    assert.equal(s1.view.statusDetail, "Waiting for the artifact's security scan");

    assert.deepEqual(s2.moves, ['deployment d1: Scanning → Scanned', 'deployment d1: Scanned → InProgress', 'phase dev: Pending → Checking', 'phase dev: Checking → Deploying']);
    assert.deepEqual(s2.effects, ['release.acquire dev-1', 'release.acquire dev-2']);
    assert.equal(s2.decision.moves[0].detail, 'Scan complete: 2 high');
    assert.equal(s2.view.phases[0].statusDetail, 'Deploying to 2 targets');

    assert.deepEqual([s3.moves, s3.effects], [['release dev-1: Pending → Deploying'], ['release.run dev-1']]);
    assert.equal(s3.view.phases[0].releases[0].statusDetail, 'Releasing to dev-1.cluster');
    assert.deepEqual([s4.moves, s4.effects], [['release dev-2: Pending → Deploying'], ['release.run dev-2', 'phase.run dev']]);
    assert.deepEqual([s5.moves, s5.effects], [['release dev-1: Deploying → Succeeded'], ['lock.free dev-1']], 'dev-2 still runs: the phase waits');

    // The last release of dev completes the phase, and prod starts at once.
    assert.deepEqual(s6.moves, ['release dev-2: Deploying → Succeeded', 'phase dev: Deploying → Completed', 'phase prod: Pending → Checking', 'phase prod: Checking → Deploying']);
    assert.deepEqual(s6.effects, ['lock.free dev-2', 'release.acquire prod-1']);
    assert.equal(s6.view.phases[0].statusDetail, 'Released to dev-1.cluster, dev-2.cluster');

    assert.deepEqual([s7.moves, s7.effects], [['release prod-1: Pending → Deploying'], ['release.run prod-1', 'phase.run prod']]);
    assert.deepEqual(s8.moves, ['release prod-1: Deploying → Succeeded', 'phase prod: Deploying → Completed', 'deployment d1: InProgress → Completed']);
    assert.deepEqual(s8.effects, ['lock.free prod-1']);
    assert.equal(statuses(s8.view), 'Completed dev:Completed[dev-1:Succeeded dev-2:Succeeded] prod:Completed[prod-1:Succeeded]');
    assert.equal(s8.view.statusDetail, 'All 2 phases completed');
  });

  test('a scan without findings says so', () => {
    const [, s2] = run(fresh(), start, { type: 'scan.completed', findings: { counts: {} } });
    assert.equal(s2.decision.moves[0].detail, 'Scan complete: no findings');
  });
});

describe('decide: a failing release', () => {
  const threePhases = (): DeploymentView =>
    deployment(
      'Pending',
      phase('dev', 'Pending', { 'dev-1': 'Pending', 'dev-2': 'Pending', 'dev-3': 'Pending' }),
      phase('stage', 'Pending', { 'stage-1': 'Pending' }),
      phase('prod', 'Pending', { 'prod-1': 'Pending' }),
    );

  test('fails its phase at once: Pending releases Skipped, in-flight ones keep running, later phases Skipped, deployment Failed', () => {
    const steps = run(threePhases(), start, scanned, started('dev-1'), started('dev-2'), finished('dev-1', 'Failed'));
    const failure = steps.at(-1)!;
    assert.deepEqual(failure.moves, [
      'release dev-1: Deploying → Failed',
      'phase dev: Deploying → Failed',
      'release dev-3: Pending → Skipped',
      'phase stage: Pending → Skipped',
      'release stage-1: Pending → Skipped',
      'phase prod: Pending → Skipped',
      'release prod-1: Pending → Skipped',
      'deployment d1: InProgress → Failed',
    ]);
    // dev-2 is not told to stop: it finishes and keeps its own outcome. dev-3 may be queued for its lock.
    assert.deepEqual(failure.effects, ['lock.free dev-1', 'lock.free dev-3']);
    assert.equal(statuses(failure.view), 'Failed dev:Failed[dev-1:Failed dev-2:Deploying dev-3:Skipped] stage:Skipped[stage-1:Skipped] prod:Skipped[prod-1:Skipped]');
    assert.equal(failure.view.phases[0].statusDetail, 'Release to dev-1.cluster failed: helm said Failed');
    assert.equal(failure.view.statusDetail, 'Phase dev failed: Release to dev-1.cluster failed: helm said Failed');
    assert.equal(failure.view.phases[1].statusDetail, 'Not started: an earlier phase failed');
    assert.equal(failure.view.phases[0].releases[2].statusDetail, 'Not started: the phase failed');
  });

  for (const outcome of ['Succeeded', 'Failed', 'Cancelled'] as const) {
    test(`the release still in flight records its own outcome later (${outcome}); nothing else moves`, () => {
      const steps = run(threePhases(), start, scanned, started('dev-1'), started('dev-2'), finished('dev-1', 'Failed'), finished('dev-2', outcome));
      const late = steps.at(-1)!;
      assert.deepEqual([late.moves, late.effects], [[`release dev-2: Deploying → ${outcome}`], ['lock.free dev-2']]);
      assert.equal(late.view.status, 'Failed');
      assert.equal(late.view.phases[0].status, 'Failed');
    });
  }

  test('a release whose lock arrives after its phase failed gives the lock back and does not start', () => {
    const steps = run(threePhases(), start, scanned, started('dev-1'), finished('dev-1', 'Failed'), started('dev-3'));
    assert.deepEqual([steps.at(-1)!.moves, steps.at(-1)!.effects], [[], ['lock.free dev-3']]);
    assert.equal(steps.at(-1)!.view.phases[0].releases[2].status, 'Skipped');
  });
});

describe('decide: cancel', () => {
  test('while scanning: every phase Skipped, the scan stops; a late scan result changes nothing', () => {
    const [, cancelled, late] = run(fresh(), start, cancel, scanned);
    assert.deepEqual(cancelled.moves, cancelBeforeAnyPhase('Scanning', []).moves);
    assert.deepEqual(cancelled.effects, ['scan.stop']);
    assert.equal(cancelled.view.statusDetail, 'Cancelled by alice: wrong build');
    assert.equal(cancelled.view.phases[0].statusDetail, 'Not started: the deployment was cancelled');
    assert.deepEqual([late.moves, late.effects], [[], []]);
  });

  test('mid-phase: the phase Cancelled, Pending releases Skipped, in-flight ones told to stop, later phases Skipped', () => {
    const view = deployment(
      'InProgress',
      phase('dev', 'Completed', { 'dev-1': 'Succeeded' }),
      phase('prod', 'Deploying', { 'prod-1': 'Deploying', 'prod-2': 'Pending', 'prod-3': 'Succeeded', 'prod-4': 'Deploying' }),
      phase('gov-prod', 'Pending', { 'gov-1': 'Pending' }),
    );
    const { moves, effects, view: after } = step(view, { type: 'cancel', by: 'bob' });
    assert.deepEqual(moves, [
      'phase prod: Deploying → Cancelled',
      'release prod-2: Pending → Skipped',
      'phase gov-prod: Pending → Skipped',
      'release gov-1: Pending → Skipped',
      'deployment d1: InProgress → Cancelled',
    ]);
    assert.deepEqual(effects, ['lock.free prod-2', 'release.stop prod-1', 'release.stop prod-4']);
    assert.equal(after.statusDetail, 'Cancelled by bob');
    assert.equal(after.phases[1].statusDetail, 'Cancelled by bob');
  });

  for (const outcome of ['Cancelled', 'Succeeded', 'Failed'] as const) {
    test(`a stopped release records its real end (${outcome}) without touching the cancelled phase`, () => {
      const [cancelled, ended] = run(VIEWS.InProgress, cancel, finished('dev-1', outcome));
      assert.equal(cancelled.view.status, 'Cancelled');
      assert.deepEqual([ended.moves, ended.effects], [[`release dev-1: Deploying → ${outcome}`], ['lock.free dev-1']]);
      assert.equal(ended.view.phases[0].status, 'Cancelled');
    });
  }

  for (const waiting of ['Checking', 'AwaitingPrerequisites'] as const) {
    test(`cancels the running phase while it is ${waiting}`, () => {
      const view = deployment('InProgress', phase('prod', waiting, { 'prod-1': 'Pending' }), phase('gov-prod', 'Pending', { 'gov-1': 'Pending' }));
      const { moves, effects } = step(view, cancel);
      assert.deepEqual(moves, [
        `phase prod: ${waiting} → Cancelled`,
        'release prod-1: Pending → Skipped',
        'phase gov-prod: Pending → Skipped',
        'release gov-1: Pending → Skipped',
        'deployment d1: InProgress → Cancelled',
      ]);
      // Leaving AwaitingPrerequisites also clears the phase's gate timer.
      assert.deepEqual(effects, waiting === 'AwaitingPrerequisites' ? ['gates.wake', 'lock.free prod-1'] : ['lock.free prod-1']);
    });
  }
});

describe('decide: duplicate signals are no-ops', () => {
  const cases: [string, DeploymentView, Signal][] = [
    ['start', fresh(), start],
    ['scan.completed', run(fresh(), start).at(-1)!.view, scanned],
    // A redelivered release.started must not free the lock of a release that is running.
    ['release.started', run(fresh(), start, scanned).at(-1)!.view, started('dev-1')],
    ['release.finished', run(fresh(), start, scanned, started('dev-1'), started('dev-2')).at(-1)!.view, finished('dev-1')],
    ['release.finished (failure)', run(fresh(), start, scanned, started('dev-1'), started('dev-2')).at(-1)!.view, finished('dev-1', 'Failed')],
    ['cancel', run(fresh(), start, scanned).at(-1)!.view, cancel],
  ];
  for (const [name, view, signal] of cases) {
    test(name, () => {
      const [first, second] = run(view, signal, signal);
      assert.notDeepEqual(first.moves, [], 'the first delivery moves something');
      assert.deepEqual([second.moves, second.effects], [[], []]);
      assert.deepEqual(second.view, first.view);
    });
  }
});

describe('decide: release.started that no longer applies', () => {
  for (const status of ['Failed', 'Cancelled'] as const) {
    test(`for a phase that ${status === 'Failed' ? 'failed' : 'was cancelled'} while the release waited for its lock: lock.free, no move`, () => {
      const { moves, effects, view } = step(VIEWS[status], started('dev-2'));
      assert.deepEqual([moves, effects], [[], ['lock.free dev-2']]);
      assert.deepEqual(view, VIEWS[status]);
    });
  }
  test('for a phase that has not started deploying: lock.free, no move', () => {
    const view = deployment('InProgress', phase('dev', 'AwaitingPrerequisites', { 'dev-1': 'Pending' }));
    const { moves, effects } = step(view, started('dev-1'));
    assert.deepEqual([moves, effects], [[], ['lock.free dev-1']]);
  });
  test('for an unknown release: lock.free, no move', () => {
    const { moves, effects } = step(VIEWS.InProgress, started('nope'));
    assert.deepEqual([moves, effects], [[], ['lock.free nope']]);
  });
  test('release.finished for an unknown or never-started release: nothing', () => {
    assert.deepEqual(step(VIEWS.InProgress, finished('nope', 'Failed')).moves, []);
    assert.deepEqual(step(VIEWS.InProgress, finished('dev-2', 'Failed')).moves, []);
  });
});

// ---------------------------------------------------------------------------------------------
// invariantViolations (src/core/invariants.ts) must reject what decide must never produce; the
// property tests rely on it. It accepts every representative view above (checked in the table).

describe('invariantViolations rejects inconsistent deployments', () => {
  const p = (status: PhaseStatus, releases: ReleaseStatus[] = ['Pending'], environment = status.toLowerCase()): PhaseView =>
    phase(environment, status, Object.fromEntries(releases.map((r, i) => [`${environment}-${i + 1}`, r])));
  const cases: [string, DeploymentView, RegExp][] = [
    ['Scanning with a started phase', deployment('Scanning', p('Checking')), /expected every phase Pending/],
    ['InProgress with two active phases', deployment('InProgress', p('Deploying'), p('Checking')), /at most one/],
    ['InProgress with a Pending phase before the active one', deployment('InProgress', p('Pending'), p('Deploying')), /at most one/],
    ['InProgress with a Skipped phase', deployment('InProgress', p('Completed', ['Succeeded']), p('Skipped', ['Skipped'])), /InProgress/],
    ['Completed with a Skipped phase', deployment('Completed', p('Completed', ['Succeeded']), p('Skipped', ['Skipped'])), /every phase Completed/],
    ['Failed without a Failed phase', deployment('Failed', p('Completed', ['Succeeded']), p('Skipped', ['Skipped'])), /exactly one Failed/],
    ['Failed with two Failed phases', deployment('Failed', p('Failed', ['Failed'], 'a'), p('Failed', ['Failed'], 'b')), /exactly one Failed/],
    ['Failed with a Pending phase after the Failed one', deployment('Failed', p('Failed', ['Failed']), p('Pending')), /then Skipped/],
    ['Cancelled with a Completed phase but no Cancelled one', deployment('Cancelled', p('Completed', ['Succeeded']), p('Skipped', ['Skipped'])), /exactly one Cancelled/],
    ['Cancelled with a Cancelled phase after a Skipped one', deployment('Cancelled', p('Skipped', ['Skipped']), p('Cancelled', ['Skipped'])), /exactly one Cancelled/],
    ['a Deploying release in a Checking phase', deployment('InProgress', p('Checking', ['Deploying'])), /is Deploying/],
    ['a Succeeded release in a Pending phase', deployment('InProgress', p('Deploying', ['Deploying']), p('Pending', ['Succeeded'])), /is Succeeded/],
    ['a Failed release in a still Deploying phase', deployment('InProgress', p('Deploying', ['Failed', 'Deploying'])), /is Failed/],
    ['a Pending release in a Completed phase', deployment('InProgress', p('Completed', ['Succeeded', 'Pending']), p('Deploying', ['Pending'])), /is Pending/],
    ['a Pending release left in a Cancelled phase', deployment('Cancelled', p('Cancelled', ['Pending'])), /is Pending/],
    ['a Succeeded release in a Skipped phase', deployment('Cancelled', p('Cancelled', ['Skipped']), p('Skipped', ['Succeeded'])), /is Succeeded/],
    ['a Skipped release in a Deploying phase', deployment('InProgress', p('Deploying', ['Skipped', 'Deploying'])), /is Skipped/],
    ['a Failed phase none of whose releases failed', deployment('Failed', p('Failed', ['Succeeded', 'Skipped'])), /none of its releases failed/],
  ];
  for (const [name, view, message] of cases) {
    test(name, () => {
      const violations = invariantViolations(view);
      assert.ok(violations.length > 0, 'no violation reported');
      assert.ok(violations.some((v) => message.test(v)), violations.join('\n'));
    });
  }

  test('accepts a deployment cancelled before any phase started, and one whose in-flight releases outlive their phase', () => {
    assert.deepEqual(invariantViolations(deployment('Cancelled', p('Skipped', ['Skipped']), p('Skipped', ['Skipped'], 'other'))), []);
    assert.deepEqual(invariantViolations(deployment('Cancelled', p('Completed', ['Succeeded']), p('Cancelled', ['Deploying', 'Succeeded', 'Skipped']), p('Skipped', ['Skipped'], 'x'))), []);
    assert.deepEqual(invariantViolations(deployment('Failed', p('Failed', ['Failed', 'Deploying', 'Cancelled', 'Skipped']), p('Skipped', ['Skipped']))), []);
  });
});

// ---------------------------------------------------------------------------------------------
// A workflow executor (Argo) runs a phase as one workflow and reports through callbacks.

describe('decide: phases run as workflows', () => {
  const deploying = (releases: Record<string, ReleaseStatus>, touched: string[] = []): DeploymentView => {
    const view = deployment('InProgress', phase('dev', 'Deploying', releases), phase('prod', 'Pending', { 'prod-1': 'Pending' }));
    for (const r of view.phases[0].releases) r.touched = touched.includes(r.id);
    return view;
  };

  test('phase.run once, when the last release of the phase holds its target', () => {
    const [first, second, repeat] = run(deploying({ 'dev-1': 'Pending', 'dev-2': 'Pending' }), started('dev-1'), started('dev-2'), started('dev-2'));
    assert.deepEqual(first.effects, ['release.run dev-1']);
    assert.deepEqual(second.effects, ['release.run dev-2', 'phase.run dev']);
    assert.deepEqual(repeat.effects, [], 'a redelivered lock signal starts nothing again');
  });

  test('progress records the detail and that the release touched its target, without a move; a repeat records nothing', () => {
    const progress: Signal = { type: 'release.progress', releaseId: 'dev-1', detail: 'Running (workflow w1)' };
    const [s1] = run(deploying({ 'dev-1': 'Deploying', 'dev-2': 'Deploying' }), progress);
    assert.deepEqual([s1.moves, s1.effects], [[], ['release.record dev-1']]);
    assert.deepEqual(s1.decision.effects[0], { type: 'release.record', releaseId: 'dev-1', statusDetail: 'Running (workflow w1)', touched: true });
    const again = step(s1.decision.view, progress);
    assert.deepEqual([again.moves, again.effects], [[], []]);
    const late = step(VIEWS.Completed, { type: 'release.progress', releaseId: 'dev-1', detail: 'late' });
    assert.deepEqual([late.moves, late.effects], [[], []], 'progress of a release that ended changes nothing');
  });

  test('the workflow succeeded: the releases it did not report succeed, the phase completes, the next one starts', () => {
    const view = deploying({ 'dev-1': 'Succeeded', 'dev-2': 'Deploying' });
    const s = step(view, { type: 'workflow.ended', phaseId: 'dev', outcome: 'Succeeded', detail: 'workflow w1 succeeded' });
    assert.deepEqual(s.moves, ['release dev-2: Deploying → Succeeded', 'phase dev: Deploying → Completed', 'phase prod: Pending → Checking', 'phase prod: Checking → Deploying']);
  });

  test('the workflow failed: its unreported releases fail with its message, and the phase and deployment fail', () => {
    const s = step(deploying({ 'dev-1': 'Deploying', 'dev-2': 'Deploying' }), { type: 'workflow.ended', phaseId: 'dev', outcome: 'Failed', detail: 'workflow w1: step dev-2 failed' });
    assert.deepEqual(s.moves.slice(0, 3), ['release dev-1: Deploying → Failed', 'phase dev: Deploying → Failed', 'phase prod: Pending → Skipped']);
    assert.ok(s.moves.includes('release dev-2: Deploying → Failed'));
    assert.equal(s.view.status, 'Failed');
  });

  test('the workflow was stopped: releases that had not touched their target end Cancelled, those that had end Failed (outcome unknown)', () => {
    const cancelled = deployment('Cancelled', phase('dev', 'Cancelled', { 'dev-1': 'Deploying', 'dev-2': 'Deploying' }), phase('prod', 'Skipped', { 'prod-1': 'Skipped' }));
    cancelled.phases[0].releases[0].touched = true;
    const s = step(cancelled, { type: 'workflow.ended', phaseId: 'dev', outcome: 'Cancelled', detail: 'workflow w1 stopped' });
    assert.deepEqual(s.moves, ['release dev-1: Deploying → Failed', 'release dev-2: Deploying → Cancelled']);
    assert.match(s.view.phases[0].releases[0].statusDetail, /outcome there is unknown/);
    assert.match(s.view.phases[0].releases[1].statusDetail, /^Stopped before it touched the target/);
    assert.equal(step(s.view, { type: 'workflow.ended', phaseId: 'dev', outcome: 'Cancelled', detail: 'again' }).moves.length, 0, 'a repeat changes nothing');
  });
});
