/**
 * Phase gates over HTTP on PGlite and PostgreSQL, with a controllable clock: the example config's
 * prod path (scan check, bake time, approval, change case), rejections, the 14 h timeout, deploy
 * windows of cases, freezes set, expiring and lifted, restarts while waiting, and the API's errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto, PhaseDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const phaseOf = (d: DeploymentDto, environment: string): PhaseDto => d.phases.find((p) => p.environment === environment)!;
const waitingIn = (environment: string) => (d: DeploymentDto) => phaseOf(d, environment).status === 'AwaitingPrerequisites';

for (const backend of BACKENDS) {
  describe(`gates (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({ backend, clock, configDir: DEFAULT_CONFIG_DIR });
    });
    after(() => t.stop());
    /** Approvals are a person's: alice is in payments, which owns ledger-worker (a fresh session per call: the clock jumps). */
    const asAlice: TestDcp['api'] = async (...args) => (await t.as('alice'))(...args);

    /** A ledger-worker build (not GOV) through the standard strategy, waiting in prod. */
    async function toProd(annotations: Record<string, string> = {}): Promise<DeploymentDto> {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', annotations }));
      assert.equal(res.status, 201);
      const stage = await t.waitFor(res.body.id, waitingIn('stage'), 'stage waiting for its bake time');
      assert.match(phaseOf(stage, 'stage').statusDetail, /bake time: 1m after qa/);
      clock.advance(MINUTE);
      return t.waitFor(res.body.id, waitingIn('prod'), 'prod waiting');
    }

    async function caseOf(d: DeploymentDto, environment = 'prod') {
      const id = phaseOf(d, environment).prerequisites.changeCase!.id as string;
      return (await t.api('GET', `/api/v1/change-cases/${id}`)).body;
    }

    async function approveCase(id: string, window: { start: Date; end: Date }) {
      assert.equal((await t.api('POST', `/api/v1/change-cases/${id}/transition`, { status: 'submitted' })).status, 200);
      const res = await t.api('POST', `/api/v1/change-cases/${id}/transition`, {
        status: 'scheduled-approved', deployWindow: { start: window.start.toISOString(), end: window.end.toISOString() }, comment: 'CAB approved',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    }

    test('the prod path completes when a person approves and moves the change case', async () => {
      const prod = await toProd();
      const phase = phaseOf(prod, 'prod');
      assert.deepEqual(phase.checks.map((c) => [c.name, c.status]), [['no-critical-vulns', 'Passed']]);
      assert.match(phase.statusDetail, /1 more approval/);
      assert.match(phase.statusDetail, /change case .* to be scheduled-approved/);
      assert.match(phase.statusDetail, /bake time: 2m after stage/);
      assert.equal(phase.prerequisites.approvals!.met, false);
      assert.equal(phase.prerequisites.freeze!.met, true);
      assert.equal(phase.prerequisites.bakeTime!.applies, true);

      const changeCase = await caseOf(prod);
      assert.equal(changeCase.status, 'new');
      assert.equal(changeCase.queue, 'PAYMENTS-CHG');
      assert.match(changeCase.summary, /ledger-worker 1\.42\.0 to prod/);
      const events = await t.api('GET', `/api/v1/events?deployment=${prod.id}&after=0&limit=500`);
      assert.ok(events.body.items.some((e: any) => e.type === 'ChangeCaseCreated' && e.data.changeCaseId === changeCase.id));
      assert.ok(events.body.items.some((e: any) => e.type === 'DeploymentPhaseAwaitingPrerequisites' && e.data.environment === 'prod'));

      const approved = await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'approve', comment: 'ship it' });
      assert.equal(approved.status, 201);
      const received = phaseOf(approved.body, 'prod').prerequisites.approvals!.received;
      assert.deepEqual(received.map((a: any) => [a.by, a.decision, a.comment]), [['alice', 'approve', 'ship it']]);
      await approveCase(changeCase.id, { start: clock.now(), end: new Date(clock.now().getTime() + 2 * HOUR) });

      const stillBaking = await t.api('GET', `/api/v1/deployments/${prod.id}`);
      assert.equal(phaseOf(stillBaking.body, 'prod').status, 'AwaitingPrerequisites');
      assert.match(phaseOf(stillBaking.body, 'prod').statusDetail, /^Waiting for bake time/);

      clock.advance(2 * MINUTE); // the bake time's durable timer fires
      const done = await t.waitFor(prod.id, ended, 'the deployment to end');
      assert.equal(done.status, 'Completed');
      const prodDone = phaseOf(done, 'prod');
      assert.deepEqual(Object.keys(prodDone.statusTimes).sort(), ['AwaitingPrerequisites', 'Checking', 'Completed', 'Deploying', 'Pending']);
      // The phase entered Checking twice: the history keeps both, statusTimes the first.
      assert.deepEqual(prodDone.history.map((h) => h.status), ['Pending', 'Checking', 'AwaitingPrerequisites', 'Checking', 'Deploying', 'Completed']);
      assert.equal(prodDone.statusTimes.Checking, prodDone.history[1].at);
      assert.ok(prodDone.history[3].at > prodDone.history[1].at);
      assert.equal(prodDone.history[3].detail, 'Prerequisites met; running the checks again before releasing');
      const log = await t.api('GET', `/api/v1/events?deployment=${prod.id}&after=0&limit=500`);
      const prodMoves = log.body.items.filter((e: any) => e.data.environment === 'prod' && !e.data.releaseId && e.data.from).map((e: any) => `${e.data.from}→${e.data.to}`);
      assert.deepEqual(prodMoves.filter((m: string) => !m.startsWith('new') && !m.includes('submitted') && !m.includes('approved') && !m.includes('closed')),
        ['Pending→Checking', 'Checking→AwaitingPrerequisites', 'AwaitingPrerequisites→Checking', 'Checking→Deploying', 'Deploying→Completed']);
      const closed = await caseOf(done);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.outcome, 'Completed');
    });

    test('a rejected approval cancels the phase and the deployment', async () => {
      const prod = await toProd();
      const phase = phaseOf(prod, 'prod');
      const res = await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'reject', comment: 'not this week' });
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'Cancelled');
      assert.equal(phaseOf(res.body, 'prod').status, 'Cancelled');
      assert.equal(phaseOf(res.body, 'prod').statusDetail, 'Rejected by alice: not this week');
      assert.equal((await caseOf(res.body)).status, 'closed', 'the open case is closed with the outcome');
    });

    test('approvals mean four eyes: named approvers only, distinct people, never the trigger, never a token of nobody', async () => {
      const prod = await toProd();
      const path = `/api/v1/deployments/${prod.id}/phases/${phaseOf(prod, 'prod').id}/approvals`;
      const carol = await t.as('carol'); // identity, not payments
      const refused = await carol('POST', path, { decision: 'approve' });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.match(refused.body.detail, /you are not an approver of prod for team payments/);
      const rejectedByOutsider = await carol('POST', path, { decision: 'reject' });
      assert.equal(rejectedByOutsider.status, 403, 'a non-approver cannot reject either');
      const byToken = await t.api('POST', path, { decision: 'approve' });
      assert.equal(byToken.status, 403, 'the admin token belongs to nobody');
      assert.match(byToken.body.detail, /belongs to nobody/);
      const approved = await asAlice('POST', path, { decision: 'approve' });
      assert.equal(approved.status, 201);
      assert.equal((await asAlice('POST', path, { decision: 'approve' })).status, 409, 'one decision per person');
      const still = (await t.api('GET', `/api/v1/deployments/${prod.id}`)).body;
      assert.deepEqual(phaseOf(still, 'prod').prerequisites.approvals!.received.map((a: any) => a.by), ['alice']);
      await t.api('POST', `/api/v1/deployments/${prod.id}/cancel`);
    });

    test('the person who triggered a manual deployment cannot approve it; a teammate can', async () => {
      const alice = await t.as('alice');
      const original = await toProd();
      const manual = await alice('POST', '/api/v1/deployments', {
        component: 'ledger-worker', channel: 'stable', strategy: 'fast', artifactManifest: original.artifactManifest,
      });
      assert.equal(manual.status, 201, JSON.stringify(manual.body));
      assert.equal(manual.body.triggeredBy, 'alice');
      await t.api('POST', `/api/v1/deployments/${original.id}/cancel`);
      const waiting = await t.waitFor(manual.body.id, waitingIn('prod'), 'prod waiting');
      const path = `/api/v1/deployments/${waiting.id}/phases/${phaseOf(waiting, 'prod').id}/approvals`;
      const self = await alice('POST', path, { decision: 'approve' });
      assert.equal(self.status, 403);
      assert.match(self.body.detail, /you triggered this deployment: someone else must approve prod/);
      const bob = await t.as('bob');
      assert.equal((await bob('POST', path, { decision: 'approve' })).status, 201);
      await t.api('POST', `/api/v1/deployments/${waiting.id}/cancel`);
    });

    test('a rejected change case cancels the phase', async () => {
      const prod = await toProd();
      const c = await caseOf(prod);
      await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'submitted' });
      await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'rejected', comment: 'risky' });
      const done = await t.waitFor(prod.id, ended);
      assert.equal(done.status, 'Cancelled');
      assert.match(phaseOf(done, 'prod').statusDetail, /Change case .* was rejected/);
    });

    test('a change case not approved within 14 h times out, even across a restart', async () => {
      const prod = await toProd();
      await t.restart();
      clock.advance(14 * HOUR);
      const done = await t.waitFor(prod.id, ended, 'the timeout');
      assert.equal(done.status, 'Cancelled');
      assert.match(phaseOf(done, 'prod').statusDetail, /not approved within 14h \(timed out/);
    });

    test('an approved case waits for its window to open; approving after a restart still counts', async () => {
      const prod = await toProd();
      const phase = phaseOf(prod, 'prod');
      const opens = new Date(clock.now().getTime() + 3 * HOUR);
      await approveCase((await caseOf(prod)).id, { start: opens, end: new Date(opens.getTime() + HOUR) });
      await t.restart();
      const approved = await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'approve' });
      assert.equal(approved.status, 201);
      clock.advance(2 * MINUTE);
      const waiting = await t.waitFor(prod.id, (d) => /deploy window of change case .* to open at/.test(phaseOf(d, 'prod').statusDetail), 'waiting for the window');
      assert.match(phaseOf(waiting, 'prod').statusDetail, new RegExp(opens.toISOString()));
      clock.set(opens);
      const done = await t.waitFor(prod.id, ended);
      assert.equal(done.status, 'Completed');
    });

    test('a case window that ends before the phase could deploy cancels it', async () => {
      const prod = await toProd();
      const c = await caseOf(prod);
      await approveCase(c.id, { start: clock.now(), end: new Date(clock.now().getTime() + MINUTE) });
      clock.advance(MINUTE); // no approval yet, and now the window is over
      const done = await t.waitFor(prod.id, ended);
      assert.equal(done.status, 'Cancelled');
      assert.match(phaseOf(done, 'prod').statusDetail, /deploy window of change case .* ended/);
    });

    test('a freeze blocks case approval and releases; lifting it lets the phase carry on', async () => {
      const prod = await toProd();
      const phase = phaseOf(prod, 'prod');
      const c = await caseOf(prod);
      await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'submitted' });
      const freeze = await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: clock.now().toISOString(), reason: 'holiday freeze' });
      assert.equal(freeze.status, 201);
      const blocked = await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, {
        status: 'scheduled-approved', deployWindow: { start: clock.now().toISOString(), end: new Date(clock.now().getTime() + 5 * HOUR).toISOString() },
      });
      assert.equal(blocked.status, 409);
      assert.match(blocked.body.detail, new RegExp(`${freeze.body.id}: holiday freeze`));

      const current = await t.api('GET', '/api/v1/freezes?current=true');
      assert.ok(current.body.items.some((f: any) => f.id === freeze.body.id));
      const lifted = await t.api('DELETE', `/api/v1/freezes/${freeze.body.id}`);
      assert.equal(lifted.status, 200);
      assert.equal(lifted.body.liftedBy, 'admin');
      assert.equal((await t.api('DELETE', `/api/v1/freezes/${freeze.body.id}`)).status, 409);

      const approved = await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, {
        status: 'scheduled-approved', deployWindow: { start: clock.now().toISOString(), end: new Date(clock.now().getTime() + 5 * HOUR).toISOString() },
      });
      assert.equal(approved.status, 200, 'the freeze is lifted');
      await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'approve' });

      // A freeze set while everything else is met holds the releases, and ends on its own.
      const ends = new Date(clock.now().getTime() + HOUR);
      const second = await t.api('POST', '/api/v1/freezes', { environments: ['prod', 'gov-prod'], startsAt: clock.now().toISOString(), endsAt: ends.toISOString(), reason: 'incident' });
      assert.equal(second.status, 201);
      clock.advance(2 * MINUTE); // bake time over; the freeze still holds the phase
      const frozen = await t.waitFor(prod.id, (d) => /change freeze \(incident\)/.test(phaseOf(d, 'prod').statusDetail), 'held by the freeze');
      assert.equal(phaseOf(frozen, 'prod').prerequisites.freeze!.met, false);
      clock.set(ends);
      const done = await t.waitFor(prod.id, ended);
      assert.equal(done.status, 'Completed');
    });

    test('a failed scan check cancels the phase at once, naming the check', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'fast', annotations: { 'dcp.simulator/scan-findings': 'critical:1,high:3' } }));
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Cancelled');
      const prod = phaseOf(done, 'prod');
      assert.equal(prod.status, 'Cancelled');
      assert.match(prod.statusDetail, /^Check no-critical-vulns failed: 1 critical/);
      assert.ok(prod.releases.every((r) => r.status === 'Skipped'), 'its releases never started');
      assert.equal(prod.checks[0].status, 'Failed');
      assert.equal(prod.prerequisites.bakeTime, null, 'not evaluated: the check failed first');
    });

    test('GOV phases get a change case of their own; a bake time on an unplanned phase does not apply', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'payments-api', strategy: 'fast' }));
      const prod = await t.waitFor(res.body.id, waitingIn('prod'));
      assert.equal(phaseOf(prod, 'prod').prerequisites.bakeTime!.applies, false);
      const phase = phaseOf(prod, 'prod');
      await approveCase((await caseOf(prod)).id, { start: clock.now(), end: new Date(clock.now().getTime() + HOUR) });
      await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'approve' });
      const gov = await t.waitFor(res.body.id, waitingIn('gov-prod'));
      const govCase = await caseOf(gov, 'gov-prod');
      const prodCase = await caseOf(gov, 'prod');
      assert.notEqual(govCase.id, prodCase.id);
      assert.equal(govCase.isGov, true);
      assert.match(govCase.summary, /gov-prod \(GOV\)/);
      await approveCase(govCase.id, { start: clock.now(), end: new Date(clock.now().getTime() + HOUR) });
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Completed');
      assert.equal((await caseOf(done, 'gov-prod')).status, 'closed');
    });

    test('gate API errors: 404, 409, 400, nothing stored', async () => {
      const prod = await toProd();
      const phase = phaseOf(prod, 'prod');
      const dev = phaseOf(prod, 'dev');
      const path = `/api/v1/deployments/${prod.id}/phases`;
      assert.equal((await asAlice('POST', `/api/v1/deployments/nope/phases/x/approvals`, { decision: 'approve' })).status, 404);
      assert.equal((await asAlice('POST', `${path}/nope/approvals`, { decision: 'approve' })).status, 404);
      const noPolicy = await asAlice('POST', `${path}/${dev.id}/approvals`, { decision: 'approve' });
      assert.equal(noPolicy.status, 409);
      const bad = await asAlice('POST', `${path}/${phase.id}/approvals`, { decision: 'maybe' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, 'decision');
      assert.equal((await asAlice('POST', `${path}/${phase.id}/approvals`, { decision: 'approve' })).status, 201);
      assert.equal((await asAlice('POST', `${path}/${phase.id}/approvals`, { decision: 'approve' })).status, 409, 'one decision per person');

      const c = await caseOf(prod);
      assert.equal((await t.api('GET', '/api/v1/change-cases/nope')).status, 404);
      assert.equal((await t.api('POST', '/api/v1/change-cases/nope/transition', { status: 'submitted' })).status, 404);
      const illegal = await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'scheduled-approved', deployWindow: { start: clock.now().toISOString(), end: new Date(clock.now().getTime() + HOUR).toISOString() } });
      assert.equal(illegal.status, 409, 'new → scheduled-approved skips submitted');
      await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'submitted' });
      const noWindow = await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'scheduled-approved' });
      assert.equal(noWindow.status, 400);
      assert.equal(noWindow.body.errors[0].field, 'deployWindow');
      const backwards = await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'scheduled-approved', deployWindow: { start: clock.now().toISOString(), end: clock.now().toISOString() } });
      assert.equal(backwards.status, 400);
      assert.equal(backwards.body.errors[0].field, 'deployWindow.end');
      assert.equal((await t.api('POST', `/api/v1/change-cases/${c.id}/transition`, { status: 'bogus' })).status, 400);
      assert.equal((await caseOf(prod)).status, 'submitted', 'nothing stored by the failed moves');

      const before = (await t.api('GET', '/api/v1/freezes')).body.items.length;
      const notFreezable = await t.api('POST', '/api/v1/freezes', { environments: ['prod', 'dev'], startsAt: clock.now().toISOString(), reason: 'x' });
      assert.equal(notFreezable.status, 400);
      assert.equal(notFreezable.body.errors[0].field, 'environments[1]');
      const missing = await t.api('POST', '/api/v1/freezes', { environments: ['prod'] });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body.errors.map((e: any) => e.field).sort(), ['reason', 'startsAt']);
      const inverted = await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: clock.now().toISOString(), endsAt: clock.now().toISOString(), reason: 'x' });
      assert.equal(inverted.status, 400);
      assert.equal((await t.api('GET', '/api/v1/freezes')).body.items.length, before);
      assert.equal((await t.api('DELETE', '/api/v1/freezes/nope')).status, 404);

      await t.api('POST', `/api/v1/deployments/${prod.id}/cancel`);
      const late = await asAlice('POST', `${path}/${phase.id}/approvals`, { decision: 'reject' });
      assert.equal(late.status, 409, 'a cancelled phase takes no decision');
    });
  });
}
