/**
 * Prerequisites (contract §2.2, §5): `evaluatePrerequisites` for each prerequisite alone and in
 * combination, at a fixed `now`, checking the verdict, the detail, `wakeAt` and the
 * `prerequisites` object the API shows (contract §7), and `hasPrerequisites`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluatePrerequisites,
  hasPrerequisites,
  NO_PREREQUISITES,
  type ApprovalFact,
  type ChangeCaseFact,
  type FreezeFact,
  type GateEvaluation,
  type GateFacts,
  type Prerequisites,
} from './gates.ts';
import { gateFacts, policyFor } from './fixtures.testkit.ts';
import type { EnvironmentPolicy, WindowSpec } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Wednesday 2026-03-04 12:00 PST: inside the LA mon–thu 06:00-16:00 window. */
const NOW = new Date('2026-03-04T20:00:00Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

const LA_WORKDAYS: WindowSpec = { timezone: 'America/Los_Angeles', days: ['mon', 'tue', 'wed', 'thu'], hours: '06:00-16:00' };
/** Friday 2026-03-06 10:00 PST: outside it; it next opens Monday 06:00 PDT. */
const FRIDAY = new Date('2026-03-06T18:00:00Z');
const MONDAY_OPENS = '2026-03-09T13:00:00.000Z';
/** Where the window open at NOW closes: Wednesday 16:00 PST. */
const WEDNESDAY_CLOSES = '2026-03-05T00:00:00.000Z';

const policy = (gates: Partial<EnvironmentPolicy> = {}): EnvironmentPolicy => policyFor('prod', gates);
const facts = gateFacts;

const approve = (by: string, minutesAgo = 5): ApprovalFact => ({ by, decision: 'approve', comment: null, at: at(-minutesAgo * MINUTE) });
const reject = (by: string, comment: string | null): ApprovalFact => ({ by, decision: 'reject', comment, at: at(-MINUTE) });

const TIMEOUT = 14 * HOUR;
const CHANGE_CASE = { changeCase: { required: true, timeoutMs: TIMEOUT } };

function changeCase(c: Partial<ChangeCaseFact> = {}): ChangeCaseFact {
  return { id: 'cc-1', number: 'CHG0001', status: 'new', deployWindow: null, createdAt: at(-HOUR), ...c };
}

function freeze(f: Partial<FreezeFact> = {}): FreezeFact {
  return { id: 'fz-1', reason: 'quarter close', startsAt: at(-HOUR), endsAt: at(2 * HOUR), ...f };
}

const BAKE = { bakeTime: { environment: 'stage', durationMs: 2 * MINUTE } };

/** The evaluation without the parts a case does not pin, in a shape deepEqual can compare. */
function summary(e: GateEvaluation): { verdict: string; detail: string; wakeAt?: string | null } {
  return e.verdict === 'wait' ? { verdict: e.verdict, detail: e.detail, wakeAt: e.wakeAt?.toISOString() ?? null } : { verdict: e.verdict, detail: e.detail };
}

interface Case {
  name: string;
  policy: EnvironmentPolicy;
  facts: GateFacts;
  now?: Date;
  expect: { verdict: 'met' | 'wait' | 'cancel'; detail: string; wakeAt?: string | null };
  /** The prerequisites the API shows; checked whole when given. */
  prerequisites?: Prerequisites;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const evaluation = evaluatePrerequisites(c.policy, c.facts, c.now ?? NOW);
      assert.deepEqual(summary(evaluation), c.expect);
      if (c.prerequisites) assert.deepEqual(evaluation.prerequisites, c.prerequisites);
    });
  }
}

const MET = { verdict: 'met', detail: 'Prerequisites met' } as const;

describe('approvals', () => {
  const one = policy({ approvals: { required: 1, approvers: ['team'] } });
  const two = policy({ approvals: { required: 2, approvers: ['team', 'sre'] } });
  run([
    {
      name: '0 of 1: wait for 1 more approval, with nothing to wake for',
      policy: one, facts: facts(),
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: null },
      prerequisites: { ...NO_PREREQUISITES, approvals: { required: 1, approvers: ['team'], received: [], rejectedBy: null, met: false } },
    },
    {
      name: '1 of 1: met',
      policy: one, facts: facts({ approvals: [approve('alice')] }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, approvals: { required: 1, approvers: ['team'], received: [approve('alice')], rejectedBy: null, met: true } },
    },
    {
      name: '0 of 2: wait for 2 more approvals (plural)',
      policy: two, facts: facts(),
      expect: { verdict: 'wait', detail: 'Waiting for 2 more approvals', wakeAt: null },
    },
    {
      name: '1 of 2: wait for 1 more approval',
      policy: two, facts: facts({ approvals: [approve('alice')] }),
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: null },
    },
    {
      name: '2 distinct approvers of 2: met',
      policy: two, facts: facts({ approvals: [approve('alice', 10), approve('bob')] }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, approvals: { required: 2, approvers: ['team', 'sre'], received: [approve('alice', 10), approve('bob')], rejectedBy: null, met: true } },
    },
    {
      name: 'the same person twice counts once',
      policy: two, facts: facts({ approvals: [approve('alice', 10), approve('alice')] }),
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: null },
      prerequisites: { ...NO_PREREQUISITES, approvals: { required: 2, approvers: ['team', 'sre'], received: [approve('alice', 10), approve('alice')], rejectedBy: null, met: false } },
    },
    {
      name: 'more approvals than required: met',
      policy: one, facts: facts({ approvals: [approve('alice'), approve('bob'), approve('carol')] }),
      expect: MET,
    },
    {
      name: 'one rejection cancels, naming who and why',
      policy: one, facts: facts({ approvals: [reject('bob', 'the canary is red')] }),
      expect: { verdict: 'cancel', detail: 'Rejected by bob: the canary is red' },
      prerequisites: { ...NO_PREREQUISITES, approvals: { required: 1, approvers: ['team'], received: [reject('bob', 'the canary is red')], rejectedBy: 'bob', met: false } },
    },
    {
      name: 'a rejection without a comment: just the name',
      policy: one, facts: facts({ approvals: [reject('bob', null)] }),
      expect: { verdict: 'cancel', detail: 'Rejected by bob' },
    },
    {
      name: 'a rejection cancels even when enough people approved',
      policy: two, facts: facts({ approvals: [approve('alice'), approve('carol'), reject('bob', 'no')] }),
      expect: { verdict: 'cancel', detail: 'Rejected by bob: no' },
    },
    {
      name: 'an approver who approves then rejects: cancelled',
      policy: one, facts: facts({ approvals: [approve('alice'), reject('alice', 'changed my mind')] }),
      expect: { verdict: 'cancel', detail: 'Rejected by alice: changed my mind' },
    },
  ]);
});

describe('change case', () => {
  const p = policy(CHANGE_CASE);
  const timesOutAt = at(TIMEOUT - HOUR);
  const window = (startMs: number, endMs: number) => ({ start: at(startMs), end: at(endMs) });
  run([
    {
      // Contract §7: `changeCase: { id, status, deployWindow } | null`, and the statuses are the
      // case lifecycle's: until the case exists there is none to show (the phase's statusDetail
      // says what it waits for), never a made-up status such as "creating".
      name: 'none yet: wait for it to be created; prerequisites show no case (null) until it exists',
      policy: p, facts: facts(),
      expect: { verdict: 'wait', detail: 'Waiting for the change case to be created', wakeAt: null },
      prerequisites: { ...NO_PREREQUISITES },
    },
    {
      name: 'new: wait until it times out (createdAt + timeout)',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'new' }) }),
      expect: { verdict: 'wait', detail: `Waiting for change case CHG0001 to be scheduled-approved (it is new; times out at ${timesOutAt})`, wakeAt: timesOutAt },
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'new', deployWindow: null, timesOutAt, met: false } },
    },
    {
      name: 'submitted: the same',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'submitted' }) }),
      expect: { verdict: 'wait', detail: `Waiting for change case CHG0001 to be scheduled-approved (it is submitted; times out at ${timesOutAt})`, wakeAt: timesOutAt },
    },
    {
      name: 'without a number yet: named by its id',
      policy: p, facts: facts({ changeCase: changeCase({ number: null }) }),
      expect: { verdict: 'wait', detail: `Waiting for change case cc-1 to be scheduled-approved (it is new; times out at ${timesOutAt})`, wakeAt: timesOutAt },
    },
    {
      name: 'a custom timeout counts from the case’s creation',
      policy: policy({ changeCase: { required: true, timeoutMs: 2 * HOUR } }), facts: facts({ changeCase: changeCase({ status: 'submitted' }) }),
      expect: { verdict: 'wait', detail: `Waiting for change case CHG0001 to be scheduled-approved (it is submitted; times out at ${at(HOUR)})`, wakeAt: at(HOUR) },
    },
    {
      name: 'submitted, one millisecond before the timeout: still waits',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'submitted', createdAt: at(-TIMEOUT + 1) }) }),
      expect: { verdict: 'wait', detail: `Waiting for change case CHG0001 to be scheduled-approved (it is submitted; times out at ${at(1)})`, wakeAt: at(1) },
    },
    {
      name: 'submitted, at the timeout: cancelled (timed out)',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'submitted', createdAt: at(-TIMEOUT) }) }),
      expect: { verdict: 'cancel', detail: `Change case CHG0001 was not approved within 14h (timed out at ${NOW.toISOString()})` },
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'submitted', deployWindow: null, timesOutAt: NOW.toISOString(), met: false } },
    },
    {
      name: 'new, long past the timeout: cancelled (timed out)',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'new', createdAt: at(-20 * HOUR) }) }),
      expect: { verdict: 'cancel', detail: `Change case CHG0001 was not approved within 14h (timed out at ${at(-6 * HOUR)})` },
    },
    {
      name: 'approved, its window in the future: wait until the window starts',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', deployWindow: window(3 * HOUR, 5 * HOUR) }) }),
      expect: { verdict: 'wait', detail: `Waiting for the deploy window of change case CHG0001 to open at ${at(3 * HOUR)}`, wakeAt: at(3 * HOUR) },
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'scheduled-approved', deployWindow: window(3 * HOUR, 5 * HOUR), timesOutAt, met: false } },
    },
    {
      name: 'approved, inside its window: met',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', deployWindow: window(-HOUR, HOUR) }) }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'scheduled-approved', deployWindow: window(-HOUR, HOUR), timesOutAt, met: true } },
    },
    {
      name: 'approved, at its window’s start exactly: met',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', deployWindow: window(0, HOUR) }) }),
      expect: MET,
    },
    {
      name: 'approved, its window ended (end is exclusive): cancelled',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', deployWindow: window(-2 * HOUR, 0) }) }),
      expect: { verdict: 'cancel', detail: `The deploy window of change case CHG0001 ended at ${NOW.toISOString()} before the phase could deploy` },
    },
    {
      name: 'approved past its timeout but inside its window: still met (the timeout is for approval)',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', createdAt: at(-20 * HOUR), deployWindow: window(-HOUR, HOUR) }) }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'scheduled-approved', deployWindow: window(-HOUR, HOUR), timesOutAt: at(-6 * HOUR), met: true } },
    },
    {
      name: 'approved past its timeout, window in the future: waits for the window (no timeout)',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', createdAt: at(-20 * HOUR), deployWindow: window(HOUR, 2 * HOUR) }) }),
      expect: { verdict: 'wait', detail: `Waiting for the deploy window of change case CHG0001 to open at ${at(HOUR)}`, wakeAt: at(HOUR) },
    },
    {
      name: 'approved without a deploy window: cancelled',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'scheduled-approved', deployWindow: null }) }),
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 is approved without a deploy window' },
    },
    {
      name: 'rejected: cancelled',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'rejected' }) }),
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 was rejected' },
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'rejected', deployWindow: null, timesOutAt, met: false } },
    },
    {
      name: 'rejected after its timeout: reported as rejected, not as timed out',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'rejected', createdAt: at(-20 * HOUR) }) }),
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 was rejected' },
    },
    {
      name: 'closed: cancelled',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'closed' }) }),
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 was closed before the phase deployed' },
    },
    {
      name: 'closed while inside its deploy window: still cancelled',
      policy: p, facts: facts({ changeCase: changeCase({ status: 'closed', deployWindow: window(-HOUR, HOUR) }) }),
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 was closed before the phase deployed' },
      prerequisites: { ...NO_PREREQUISITES, changeCase: { id: 'cc-1', number: 'CHG0001', status: 'closed', deployWindow: window(-HOUR, HOUR), timesOutAt, met: false } },
    },
    {
      name: 'changeCase.required false: ignored, even with a rejected case in the facts',
      policy: policy({ changeCase: { required: false, timeoutMs: TIMEOUT } }), facts: facts({ changeCase: changeCase({ status: 'rejected' }) }),
      expect: MET,
      prerequisites: NO_PREREQUISITES,
    },
  ]);
});

describe('freezes', () => {
  const p = policy({ freezable: true });
  run([
    {
      name: 'no freeze: met',
      policy: p, facts: facts(),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, freeze: { met: true, freezes: [] } },
    },
    {
      name: 'an active freeze with an end: wait, naming its reason and until when; wake at its end',
      policy: p, facts: facts({ freezes: [freeze()] }),
      expect: { verdict: 'wait', detail: `Waiting for the change freeze (quarter close) until ${at(2 * HOUR)}`, wakeAt: at(2 * HOUR) },
      prerequisites: { ...NO_PREREQUISITES, freeze: { met: false, freezes: [freeze()] } },
    },
    {
      name: 'an active freeze without an end: wait until it is lifted, nothing to wake for',
      policy: p, facts: facts({ freezes: [freeze({ endsAt: null })] }),
      expect: { verdict: 'wait', detail: 'Waiting for the change freeze (quarter close) until it is lifted', wakeAt: null },
    },
    {
      name: 'a freeze starting exactly now is active',
      policy: p, facts: facts({ freezes: [freeze({ startsAt: at(0) })] }),
      expect: { verdict: 'wait', detail: `Waiting for the change freeze (quarter close) until ${at(2 * HOUR)}`, wakeAt: at(2 * HOUR) },
    },
    {
      name: 'two active freezes: both reasons; until the later end; wake at the earlier end',
      policy: p,
      facts: facts({ freezes: [freeze({ id: 'a', reason: 'quarter close', endsAt: at(3 * HOUR) }), freeze({ id: 'b', reason: 'incident 42', endsAt: at(HOUR) })] }),
      expect: { verdict: 'wait', detail: `Waiting for the change freeze (quarter close; incident 42) until ${at(3 * HOUR)}`, wakeAt: at(HOUR) },
    },
    {
      name: 'two active freezes, one without an end: until it is lifted',
      policy: p,
      facts: facts({ freezes: [freeze({ id: 'a', reason: 'quarter close' }), freeze({ id: 'b', reason: 'incident 42', endsAt: null })] }),
      expect: { verdict: 'wait', detail: 'Waiting for the change freeze (quarter close; incident 42) until it is lifted', wakeAt: at(2 * HOUR) },
    },
    {
      name: 'a scheduled future freeze: met now (it is not listed as active)',
      policy: p, facts: facts({ freezes: [freeze({ startsAt: at(HOUR), endsAt: at(3 * HOUR) })] }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, freeze: { met: true, freezes: [] } },
    },
    {
      name: 'a freeze that ended exactly now (endsAt <= now) is not active',
      policy: p, facts: facts({ freezes: [freeze({ startsAt: at(-2 * HOUR), endsAt: at(0) })] }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, freeze: { met: true, freezes: [] } },
    },
    {
      name: 'a freeze that ended earlier is not active',
      policy: p, facts: facts({ freezes: [freeze({ startsAt: at(-2 * HOUR), endsAt: at(-HOUR) })] }),
      expect: MET,
    },
    {
      name: 'an active and a scheduled freeze: only the active one is shown; wake at the earliest of its end and the other’s start',
      policy: p,
      facts: facts({ freezes: [freeze({ id: 'a', reason: 'now', endsAt: at(2 * HOUR) }), freeze({ id: 'b', reason: 'later', startsAt: at(HOUR), endsAt: null })] }),
      expect: { verdict: 'wait', detail: `Waiting for the change freeze (now) until ${at(2 * HOUR)}`, wakeAt: at(HOUR) },
      prerequisites: { ...NO_PREREQUISITES, freeze: { met: false, freezes: [freeze({ id: 'a', reason: 'now', endsAt: at(2 * HOUR) })] } },
    },
    {
      name: 'not freezable: freezes are ignored and freeze is null',
      policy: policy(), facts: facts({ freezes: [freeze()] }),
      expect: MET,
      prerequisites: NO_PREREQUISITES,
    },
  ]);
});

describe('deploy windows', () => {
  const p = policy({ windows: [LA_WORKDAYS] });
  run([
    {
      name: 'closed: wait, waking when the next window opens',
      policy: p, facts: facts(), now: FRIDAY,
      expect: { verdict: 'wait', detail: `Waiting for the deploy window to open at ${MONDAY_OPENS}`, wakeAt: MONDAY_OPENS },
      prerequisites: { ...NO_PREREQUISITES, window: { met: false, windows: [LA_WORKDAYS], changesAt: MONDAY_OPENS } },
    },
    {
      name: 'open: met, and the API shows when it closes',
      policy: p, facts: facts(),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, window: { met: true, windows: [LA_WORKDAYS], changesAt: WEDNESDAY_CLOSES } },
    },
    {
      name: 'open while something else waits: wake when the window closes',
      policy: policy({ windows: [LA_WORKDAYS], approvals: { required: 1, approvers: ['team'] } }), facts: facts(),
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: WEDNESDAY_CLOSES },
    },
    {
      name: 'windows: [] is no restriction (window null)',
      policy: policy({ windows: [] }), facts: facts(), now: FRIDAY,
      expect: MET,
      prerequisites: NO_PREREQUISITES,
    },
  ]);
});

describe('bake time', () => {
  const p = policy(BAKE);
  run([
    {
      name: 'reference completed 1 minute ago, 2m duration: wait until completedAt + 2m',
      policy: p, facts: facts({ bakeReference: { planned: true, completedAt: at(-MINUTE) } }),
      expect: { verdict: 'wait', detail: `Waiting for bake time: 2m after stage, until ${at(MINUTE)}`, wakeAt: at(MINUTE) },
      prerequisites: { ...NO_PREREQUISITES, bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: true, readyAt: at(MINUTE), met: false } },
    },
    {
      name: 'reference completed exactly 2 minutes ago: met',
      policy: p, facts: facts({ bakeReference: { planned: true, completedAt: at(-2 * MINUTE) } }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: true, readyAt: at(0), met: true } },
    },
    {
      name: 'reference completed long ago: met',
      policy: p, facts: facts({ bakeReference: { planned: true, completedAt: at(-HOUR) } }),
      expect: MET,
    },
    {
      name: 'reference planned, not completed yet: wait, nothing to wake for',
      policy: p, facts: facts({ bakeReference: { planned: true, completedAt: null } }),
      expect: { verdict: 'wait', detail: 'Waiting for stage to complete and bake 2m', wakeAt: null },
      prerequisites: { ...NO_PREREQUISITES, bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: true, readyAt: null, met: false } },
    },
    {
      name: 'reference not planned: does not apply, met',
      policy: p, facts: facts({ bakeReference: { planned: false, completedAt: null } }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: false, readyAt: null, met: true } },
    },
    {
      name: 'no reference at all: does not apply, met',
      policy: p, facts: facts({ bakeReference: null }),
      expect: MET,
      prerequisites: { ...NO_PREREQUISITES, bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: false, readyAt: null, met: true } },
    },
    {
      name: 'a 30m bake is shown as 30m',
      policy: policy({ bakeTime: { environment: 'stage', durationMs: 30 * MINUTE } }), facts: facts({ bakeReference: { planned: true, completedAt: at(-MINUTE) } }),
      expect: { verdict: 'wait', detail: `Waiting for bake time: 30m after stage, until ${at(29 * MINUTE)}`, wakeAt: at(29 * MINUTE) },
    },
  ]);
});

describe('in combination', () => {
  const ALL = policy({
    approvals: { required: 1, approvers: ['team'] },
    ...CHANGE_CASE,
    freezable: true,
    windows: [LA_WORKDAYS],
    ...BAKE,
  });
  const approvedInWindow = (endMs: number) => changeCase({ status: 'scheduled-approved', deployWindow: { start: at(-HOUR), end: at(endMs) } });
  const allMet = facts({
    approvals: [approve('alice')],
    changeCase: approvedInWindow(HOUR),
    freezes: [],
    bakeReference: { planned: true, completedAt: at(-HOUR) },
  });
  run([
    {
      name: 'all five met: met, each part says so',
      policy: ALL, facts: allMet,
      expect: MET,
      prerequisites: {
        approvals: { required: 1, approvers: ['team'], received: [approve('alice')], rejectedBy: null, met: true },
        changeCase: { id: 'cc-1', number: 'CHG0001', status: 'scheduled-approved', deployWindow: { start: at(-HOUR), end: at(HOUR) }, timesOutAt: at(TIMEOUT - HOUR), met: true },
        freeze: { met: true, freezes: [] },
        window: { met: true, windows: [LA_WORKDAYS], changesAt: WEDNESDAY_CLOSES },
        bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: true, readyAt: at(-HOUR + 2 * MINUTE), met: true },
      },
    },
    {
      name: 'everything waits: the details in order; wakeAt is the earliest future instant (the bake, in 1 minute)',
      policy: ALL,
      facts: facts({
        changeCase: changeCase({ status: 'submitted' }),
        freezes: [freeze({ endsAt: at(30 * MINUTE) })],
        bakeReference: { planned: true, completedAt: at(-MINUTE) },
      }),
      expect: {
        verdict: 'wait',
        detail: [
          'Waiting for 1 more approval',
          `change case CHG0001 to be scheduled-approved (it is submitted; times out at ${at(TIMEOUT - HOUR)})`,
          `the change freeze (quarter close) until ${at(30 * MINUTE)}`,
          `bake time: 2m after stage, until ${at(MINUTE)}`,
        ].join('; '),
        wakeAt: at(MINUTE),
      },
    },
    {
      name: 'wakeAt: the freeze end when it comes before the change case timeout and the window close',
      policy: ALL,
      facts: facts({ approvals: [approve('alice')], changeCase: changeCase({ status: 'submitted' }), freezes: [freeze({ endsAt: at(30 * MINUTE) })], bakeReference: null }),
      expect: {
        verdict: 'wait',
        detail: `Waiting for change case CHG0001 to be scheduled-approved (it is submitted; times out at ${at(TIMEOUT - HOUR)}); the change freeze (quarter close) until ${at(30 * MINUTE)}`,
        wakeAt: at(30 * MINUTE),
      },
    },
    {
      name: 'wakeAt: the change case timeout when it comes before the window opens',
      policy: ALL, now: FRIDAY,
      facts: facts({ approvals: [approve('alice')], changeCase: changeCase({ status: 'submitted', createdAt: new Date(FRIDAY.getTime() - 13 * HOUR).toISOString() }) }),
      expect: {
        verdict: 'wait',
        detail: `Waiting for change case CHG0001 to be scheduled-approved (it is submitted; times out at 2026-03-06T19:00:00.000Z); the deploy window to open at ${MONDAY_OPENS}`,
        wakeAt: '2026-03-06T19:00:00.000Z',
      },
    },
    {
      name: 'wakeAt: the deploy window opening when it is the only time to wake for',
      policy: ALL, now: FRIDAY,
      facts: facts({ approvals: [approve('alice')], changeCase: changeCase({ status: 'scheduled-approved', deployWindow: { start: '2026-03-06T17:00:00Z', end: '2026-03-10T00:00:00Z' } }) }),
      expect: { verdict: 'wait', detail: `Waiting for the deploy window to open at ${MONDAY_OPENS}`, wakeAt: MONDAY_OPENS },
    },
    {
      name: 'wakeAt: the change case window’s end, when it comes before the deploy window opens (then it cancels)',
      policy: ALL, now: FRIDAY,
      facts: facts({ approvals: [approve('alice')], changeCase: changeCase({ status: 'scheduled-approved', deployWindow: { start: '2026-03-06T17:00:00Z', end: '2026-03-06T21:00:00Z' } }) }),
      expect: { verdict: 'wait', detail: `Waiting for the deploy window to open at ${MONDAY_OPENS}`, wakeAt: '2026-03-06T21:00:00.000Z' },
    },
    {
      name: 'only approvals wait: wake at the earliest of the window close and the change case window end',
      policy: ALL, facts: { ...allMet, approvals: [], changeCase: approvedInWindow(2 * HOUR) },
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: at(2 * HOUR) },
    },
    {
      name: 'only approvals wait, a scheduled freeze starts first: wake at its start',
      policy: ALL, facts: { ...allMet, approvals: [], freezes: [freeze({ startsAt: at(10 * MINUTE), endsAt: null })] },
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: at(10 * MINUTE) },
    },
    {
      name: 'only approvals wait (no timed prerequisites): wakeAt null',
      policy: policy({ approvals: { required: 1, approvers: ['team'] }, freezable: true }), facts: facts(),
      expect: { verdict: 'wait', detail: 'Waiting for 1 more approval', wakeAt: null },
    },
    {
      name: 'a scheduled freeze alone does not hold a phase whose other prerequisites are met',
      policy: ALL, facts: { ...allMet, freezes: [freeze({ startsAt: at(10 * MINUTE) })] },
      expect: MET,
    },
    {
      name: 'a cancel wins over waits (approval rejected, window closed, frozen)',
      policy: ALL, now: FRIDAY,
      facts: facts({ approvals: [reject('bob', 'not today')], freezes: [freeze({ startsAt: '2026-03-06T00:00:00Z', endsAt: null })] }),
      expect: { verdict: 'cancel', detail: 'Rejected by bob: not today' },
    },
    {
      name: 'two reasons to cancel: the approval rejection is reported (the first found)',
      policy: ALL, facts: { ...allMet, approvals: [reject('bob', 'no')], changeCase: changeCase({ status: 'rejected' }) },
      expect: { verdict: 'cancel', detail: 'Rejected by bob: no' },
    },
    {
      name: 'a change case timeout cancels although the approvals are missing',
      policy: ALL, facts: { ...allMet, approvals: [], changeCase: changeCase({ createdAt: at(-TIMEOUT) }) },
      expect: { verdict: 'cancel', detail: `Change case CHG0001 was not approved within 14h (timed out at ${NOW.toISOString()})` },
    },
    {
      name: 'the prerequisites of a cancel still show every part',
      policy: ALL, facts: { ...allMet, changeCase: changeCase({ status: 'closed' }) },
      expect: { verdict: 'cancel', detail: 'Change case CHG0001 was closed before the phase deployed' },
      prerequisites: {
        approvals: { required: 1, approvers: ['team'], received: [approve('alice')], rejectedBy: null, met: true },
        changeCase: { id: 'cc-1', number: 'CHG0001', status: 'closed', deployWindow: null, timesOutAt: at(TIMEOUT - HOUR), met: false },
        freeze: { met: true, freezes: [] },
        window: { met: true, windows: [LA_WORKDAYS], changesAt: WEDNESDAY_CLOSES },
        bakeTime: { environment: 'stage', durationMs: 2 * MINUTE, applies: true, readyAt: at(-HOUR + 2 * MINUTE), met: true },
      },
    },
  ]);
});

describe('prerequisites shape', () => {
  test('a policy without prerequisites: met, every part null', () => {
    const e = evaluatePrerequisites(policy({ checks: [{ name: 'scan', type: 'scan', maxSeverity: 'critical' }] }), facts(), NOW);
    assert.deepEqual(summary(e), MET);
    assert.deepEqual(e.prerequisites, { approvals: null, changeCase: null, freeze: null, window: null, bakeTime: null });
  });

  test('only the parts the policy has are filled in', () => {
    const cases: [Partial<EnvironmentPolicy>, keyof Prerequisites, GateFacts?][] = [
      [{ approvals: { required: 1, approvers: ['team'] } }, 'approvals'],
      // Shown once the case exists (null until then: see "none yet" above).
      [CHANGE_CASE, 'changeCase', facts({ changeCase: changeCase() })],
      [{ freezable: true }, 'freeze'],
      [{ windows: [LA_WORKDAYS] }, 'window'],
      [BAKE, 'bakeTime'],
    ];
    for (const [gates, key, given] of cases) {
      const { prerequisites } = evaluatePrerequisites(policy(gates), given ?? facts(), NOW);
      for (const other of Object.keys(NO_PREREQUISITES) as (keyof Prerequisites)[]) {
        if (other === key) assert.notEqual(prerequisites[other], null, `${key} filled in`);
        else assert.equal(prerequisites[other], null, `${other} null when the policy has only ${key}`);
      }
    }
  });

  test('evaluating does not change NO_PREREQUISITES, the policy or the facts', () => {
    const p = policy({ approvals: { required: 1, approvers: ['team'] }, ...CHANGE_CASE, freezable: true, windows: [LA_WORKDAYS], ...BAKE });
    const f = facts({ approvals: [approve('alice')], changeCase: changeCase(), freezes: [freeze()], bakeReference: { planned: true, completedAt: at(-MINUTE) } });
    const [pBefore, fBefore] = [structuredClone(p), structuredClone(f)];
    evaluatePrerequisites(p, f, NOW);
    assert.deepEqual(NO_PREREQUISITES, { approvals: null, changeCase: null, freeze: null, window: null, bakeTime: null });
    assert.deepEqual(p, pBefore);
    assert.deepEqual(f, fBefore);
  });

  test('the same inputs give the same evaluation', () => {
    const p = policy({ freezable: true, windows: [LA_WORKDAYS], ...BAKE });
    const f = facts({ freezes: [freeze()], bakeReference: { planned: true, completedAt: at(-MINUTE) } });
    assert.deepEqual(evaluatePrerequisites(p, f, NOW), evaluatePrerequisites(p, f, new Date(NOW)));
  });
});

describe('hasPrerequisites', () => {
  const cases: [string, Partial<EnvironmentPolicy>, boolean][] = [
    ['no gates', {}, false],
    ['checks only (checks are not prerequisites)', { checks: [{ name: 'scan', type: 'scan', maxSeverity: 'high' }] }, false],
    ['a gov counterpart only', { gov: 'gov-prod' }, false],
    ['approvals', { approvals: { required: 1, approvers: ['team'] } }, true],
    ['a required change case', CHANGE_CASE, true],
    ['a change case that is not required', { changeCase: { required: false, timeoutMs: TIMEOUT } }, false],
    ['freezable', { freezable: true }, true],
    ['windows', { windows: [LA_WORKDAYS] }, true],
    ['an empty windows list', { windows: [] }, false],
    ['bake time', BAKE, true],
    ['everything', { approvals: { required: 2, approvers: ['a'] }, ...CHANGE_CASE, freezable: true, windows: [LA_WORKDAYS], ...BAKE }, true],
  ];
  for (const [name, gates, expected] of cases) {
    test(`${name}: ${expected}`, () => assert.equal(hasPrerequisites(policy(gates)), expected));
  }
});
