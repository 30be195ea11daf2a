/**
 * Slack notifications end to end (contract §10) on both databases, against a fake Slack Web API
 * (test/fakes/slack.ts) and the example config with gates: a phase waiting for an approval gets
 * one message with Approve / Reject buttons in the team's channel; deciding it updates the message
 * in place; the deployment's later news goes to the message's thread; a failed phase names its
 * failed targets; a team without a channel gets nothing; a channel DCP cannot post to shows on the
 * team and holds up nobody else; a 429 is retried after its Retry-After, nothing posted twice.
 */
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { after, before, describe, test } from 'node:test';
import { createSlackSink, type SlackContext, type SlackDeployment, type SlackMessageRecord } from '../src/integrations/sinks/slack.ts';
import type { DeploymentEvent, DeploymentEventType } from '../src/core/events.ts';
import { failureMessage } from '../src/integrations/sinks/slack-blocks.ts';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto, PhaseDto } from '../src/store/deployment-reads.ts';
import { lastPosition, listCursors } from '../src/store/sinks.ts';
import { FAKE_SLACK_TOKEN, startFakeSlack, type FakeSlack, type FakeSlackCall } from './fakes/slack.ts';
import { BACKENDS, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PUBLIC_URL = 'https://dcp.example.com';

const phaseOf = (d: DeploymentDto, environment: string): PhaseDto => d.phases.find((p) => p.environment === environment)!;
const waitingIn = (environment: string) => (d: DeploymentDto) => phaseOf(d, environment).status === 'AwaitingPrerequisites';
/** Whether a call is about this deployment (every message links to its page). */
const about = (id: string) => (c: FakeSlackCall) => JSON.stringify(c.body).includes(`/deployments/${id}`);
const posted = (c: FakeSlackCall) => c.method === 'chat.postMessage' && c.answer?.ok === true;
const buttons = (c: FakeSlackCall): any[] => (c.body.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const textOf = (c: FakeSlackCall) => JSON.stringify(c.body.blocks);

for (const backend of BACKENDS) {
  describe(`Slack notifications (${backend})`, () => {
    let t: TestDcp;
    let slack: FakeSlack;
    let clock: ManualClock;
    before(async () => {
      slack = await startFakeSlack();
      slack.channel('payments-deploys');
      slack.channel('identity-ops');
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({
        backend, clock, configDir: DEFAULT_CONFIG_DIR,
        env: { DCP_SLACK_TOKEN: FAKE_SLACK_TOKEN, DCP_SLACK_API_URL: slack.url, DCP_PUBLIC_URL: PUBLIC_URL },
      });
    });
    after(async () => {
      await t.stop();
      await slack.close();
    });
    const asAlice: TestDcp['api'] = async (...args) => (await t.as('alice'))(...args);

    /** A failing build: its dev phase fails on dev-usw2-1; resolves when the deployment has ended. */
    async function failing(component: string): Promise<DeploymentDto> {
      const res = await t.api('POST', '/api/v1/builds', build({ component, annotations: { 'dcp.simulator/fail-targets': 'dev-usw2-1' } }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return t.waitFor(res.body.id, ended, 'the failure');
    }

    test('a phase waiting for an approval: one message with both buttons; decided → updated in place; later news in its thread', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker' }));
      assert.equal(res.status, 201);
      await t.waitFor(res.body.id, waitingIn('stage'), 'stage baking');
      clock.advance(MINUTE);
      const prod = await t.waitFor(res.body.id, waitingIn('prod'), 'prod waiting');
      const phase = phaseOf(prod, 'prod');

      const request = await slack.waitForCall((c) => posted(c) && about(prod.id)(c), 'the approval message');
      assert.equal(request.token, FAKE_SLACK_TOKEN);
      assert.equal(request.body.channel, '#payments-deploys');
      assert.equal(request.body.thread_ts, undefined, 'the first message of a deployment is the root of its thread');
      assert.match(request.body.text, /ledger-worker 1\.42\.0 waits for an approval in prod/);
      assert.match(textOf(request), /ledger-worker/);
      assert.match(textOf(request), /1\.42\.0/);
      assert.match(textOf(request), /:hourglass_flowing_sand: .*1 more approval/);
      assert.ok(textOf(request).includes(`<${PUBLIC_URL}/deployments/${prod.id}|`), 'links to the deployment');
      const [approve, reject] = buttons(request);
      assert.deepEqual([approve.action_id, approve.style, approve.text.text], ['dcp_approve', 'primary', 'Approve']);
      assert.deepEqual([reject.action_id, reject.style, reject.text.text], ['dcp_reject', 'danger', 'Reject']);
      assert.deepEqual(JSON.parse(approve.value), { deploymentId: prod.id, phaseId: phase.id });
      assert.equal(reject.value, approve.value);
      assert.ok(reject.confirm?.title && reject.confirm.confirm && reject.confirm.deny, 'Reject asks to confirm');
      assert.equal(approve.confirm, undefined);

      // Approved: the phase still waits for its change case (no event yet); the case moving updates the message.
      assert.equal((await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phase.id}/approvals`, { decision: 'approve' })).status, 201);
      const caseId = phase.prerequisites.changeCase!.id;
      assert.equal((await t.api('POST', `/api/v1/change-cases/${caseId}/transition`, { status: 'submitted' })).status, 200);
      const decided = await slack.waitForCall((c) => c.method === 'chat.update' && c.body.ts === request.answer!.ts && /Approved by alice/.test(textOf(c)), 'the update');
      assert.equal(decided.body.channel, request.answer!.channel, 'chat.update names the channel by id');
      assert.deepEqual(buttons(decided), [], 'no buttons once decided');
      const window = { start: clock.now().toISOString(), end: new Date(clock.now().getTime() + 2 * HOUR).toISOString() };
      assert.equal((await t.api('POST', `/api/v1/change-cases/${caseId}/transition`, { status: 'scheduled-approved', deployWindow: window })).status, 200);
      clock.advance(2 * MINUTE); // the bake time
      const done = await t.waitFor(prod.id, ended);
      assert.equal(done.status, 'Completed');

      const reply = await slack.waitForCall((c) => posted(c) && about(prod.id)(c) && c.body.thread_ts !== undefined, 'the end in the thread');
      assert.equal(reply.body.thread_ts, request.answer!.ts);
      assert.match(reply.body.text, /deployment completed/);
      const updates = slack.calls.filter((c) => c.method === 'chat.update' && about(prod.id)(c));
      assert.match(textOf(updates.at(-1)!), /prod is (Deploying|Completed)/);
      assert.ok(updates.every((c) => buttons(c).length === 0));
      assert.deepEqual(slack.calls.filter((c) => posted(c) && about(prod.id)(c)).length, 2, 'the approval message and the end reply, nothing more');
      const message = slack.messages.find((m) => m.ts === request.answer!.ts)!;
      assert.ok(message.edits.length >= 1);
    });

    test('a rejection from the API: the message says who rejected and why; the end is a reply', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', version: '1.43.0' }));
      await t.waitFor(res.body.id, waitingIn('stage'));
      clock.advance(MINUTE);
      const prod = await t.waitFor(res.body.id, waitingIn('prod'));
      const request = await slack.waitForCall((c) => posted(c) && about(prod.id)(c), 'the approval message');
      assert.equal((await asAlice('POST', `/api/v1/deployments/${prod.id}/phases/${phaseOf(prod, 'prod').id}/approvals`, { decision: 'reject', comment: 'not <today>' })).status, 201);
      const update = await slack.waitForCall((c) => c.method === 'chat.update' && c.body.ts === request.answer!.ts && /Rejected by alice/.test(textOf(c)), 'the rejection');
      assert.match(textOf(update), /not &lt;today&gt;/, 'mrkdwn is escaped');
      assert.deepEqual(buttons(update), []);
      await slack.waitForCall((c) => posted(c) && about(prod.id)(c) && c.body.thread_ts === request.answer!.ts && /cancelled/.test(c.body.text), 'the end reply');
    });

    test('a failed phase: a message naming the failed target and its detail; the end in its thread', async () => {
      const d = await failing('ledger-worker');
      assert.equal(d.status, 'Failed');
      const failure = await slack.waitForCall((c) => posted(c) && about(d.id)(c), 'the failure message');
      assert.equal(failure.body.channel, '#payments-deploys');
      assert.equal(failure.body.thread_ts, undefined);
      assert.match(failure.body.text, /ledger-worker 1\.42\.0 failed in dev \(dev-usw2-1\)/);
      assert.match(textOf(failure), /`dev-usw2-1`: helm upgrade .* failed \(simulated: dcp.simulator\/fail-targets\)/);
      assert.ok(textOf(failure).includes(`${PUBLIC_URL}/deployments/${d.id}`));
      assert.deepEqual(buttons(failure), []);
      const end = await slack.waitForCall((c) => posted(c) && about(d.id)(c) && c.body.thread_ts === failure.answer!.ts, 'the end reply');
      assert.match(end.body.text, /deployment failed/);
    });

    test('a team without a channel gets nothing and no error', async () => {
      const quiet = await failing('mule-runtime-agent'); // the runtime team has no Slack channel
      // In log order: once a later deployment's message is out, the quiet one's events were delivered.
      const later = await failing('token-service');
      await slack.waitForCall((c) => posted(c) && about(later.id)(c) && c.body.thread_ts !== undefined);
      assert.equal(slack.calls.filter(about(quiet.id)).length, 0);
      const metrics = String((await t.api('GET', '/metrics')).body);
      assert.match(metrics, /^dcp_sink_failing\{sink="slack"\} 0$/m);
      const runtime = await t.api('GET', '/api/v1/teams/runtime');
      assert.equal(runtime.body.slack.error, null);
    });

    test("a channel DCP cannot post to: the team shows Slack's error, other teams still get theirs; a message going through clears it", async () => {
      assert.equal((await t.api('PUT', '/api/v1/teams/payments/notifications', { workspace: 'acme', channel: '#nowhere' })).status, 200);
      const lost = await failing('ledger-worker');
      await slack.waitForCall((c) => c.method === 'chat.postMessage' && c.body.channel === '#nowhere' && c.answer?.error === 'channel_not_found');
      const other = await failing('token-service');
      const theirs = await slack.waitForCall((c) => posted(c) && about(other.id)(c));
      assert.equal(theirs.body.channel, '#identity-ops');
      const payments = await t.api('GET', '/api/v1/teams/payments');
      assert.equal(payments.body.slack.error, 'channel_not_found');
      assert.ok(payments.body.slack.errorAt);
      assert.equal((await t.api('GET', '/api/v1/teams/identity')).body.slack.error, null);
      assert.equal(slack.calls.filter((c) => posted(c) && about(lost.id)(c)).length, 0);

      const reset = await t.api('PUT', '/api/v1/teams/payments/notifications', { workspace: null, channel: null });
      assert.equal(reset.status, 200);
      assert.deepEqual([reset.body.notifications.source, reset.body.notifications.channel], ['catalog', '#payments-deploys'], 'null for both returns to the catalog');
      const back = await failing('ledger-worker');
      await slack.waitForCall((c) => posted(c) && about(back.id)(c) && c.body.thread_ts !== undefined);
      assert.equal((await t.api('GET', '/api/v1/teams/payments')).body.slack.error, null);
    });

    test('a 429: delivery waits for Retry-After, then posts; nothing twice', async () => {
      const failedPass = new Promise<string>((resolve) => {
        const off = t.dcp.delivery.onPass((sink, error) => {
          if (sink === 'slack' && error) {
            off();
            resolve(error);
          }
        });
      });
      slack.rateLimitNext(1, 3);
      const d = await failing('token-service');
      assert.match(await failedPass, /rate limited by Slack; retry after 3 s/);
      const limited = slack.calls.filter((c) => c.status === 429);
      assert.equal(limited.length, 1);
      assert.equal(slack.calls.filter((c) => posted(c) && about(d.id)(c)).length, 0, 'nothing posted before Retry-After');
      clock.advance(3000);
      await slack.waitForCall((c) => posted(c) && about(d.id)(c) && c.body.thread_ts !== undefined, 'the end reply after the retry');
      const mine = slack.calls.filter((c) => posted(c) && about(d.id)(c));
      assert.equal(mine.length, 2, 'the failure message and the end reply, once each');
      assert.notEqual(mine[0].answer!.ts, mine[1].answer!.ts);
    });

    test('every event offered again (the cursor rewound, as after a crash before it moved): nothing is posted twice', async () => {
      const before = slack.calls.filter(posted).length;
      assert.ok(before > 5);
      const last = await lastPosition(t.dcp.db);
      const caughtUp = new Promise<void>((resolve, reject) => {
        const off = t.dcp.delivery.onPass((sink, error) => {
          if (sink !== 'slack') return;
          if (error) {
            off();
            reject(new Error(error));
            return;
          }
          void listCursors(t.dcp.db).then((cursors) => {
            if (cursors.find((c) => c.name === 'slack')!.position >= last) {
              off();
              resolve();
            }
          });
        });
      });
      await t.dcp.db.query("UPDATE sink_cursors SET position = 0 WHERE name = 'slack'");
      t.dcp.delivery.kick();
      await caughtUp;
      assert.equal(slack.calls.filter(posted).length, before);
    });
  });
}

describe('the Slack sink on its own: idempotent by event, a broken token stops it', () => {
  let slack: FakeSlack;
  before(async () => {
    slack = await startFakeSlack();
    slack.channel('team-a');
  });
  after(() => slack.close());

  function context(): SlackContext & { rows: SlackMessageRecord[]; errors: Map<string, string | null> } {
    const rows: SlackMessageRecord[] = [];
    const errors = new Map<string, string | null>();
    const deployment: SlackDeployment = {
      id: 'd1', team: 'a', channel: '#team-a', service: 'svc', version: '1.0.0', status: 'Failed', statusDetail: 'dev failed', url: 'https://dcp/deployments/d1',
      phases: [{ id: 'p1', environment: 'dev', isGov: false, status: 'Failed', statusDetail: '1 of 1 failed', releases: [{ target: 'dev-1', status: 'Failed', statusDetail: 'boom' }] }],
    };
    return {
      rows, errors,
      deployment: async (id) => (id === 'd1' ? deployment : null),
      messages: { get: async () => [...rows], put: async (_id, m) => void rows.push(m) },
      channelError: async (team, error) => void errors.set(team, error?.error ?? null),
    };
  }
  const event = (id: string, type: DeploymentEventType): DeploymentEvent => ({
    specversion: '1.0', id, source: 'dcp', type, subject: 'deployments/d1', time: new Date().toISOString(), datacontenttype: 'application/json', position: 1,
    data: { deploymentId: 'd1', phaseId: 'p1', environment: 'dev', from: 'Deploying', to: 'Failed', statusDetail: 'x' },
  });

  test('the same event twice (a redelivery after a crash) posts once', async () => {
    const ctx = context();
    const sink = createSlackSink({ token: FAKE_SLACK_TOKEN, apiUrl: slack.url, context: ctx });
    const failed = event('e1', 'DeploymentPhaseFailed');
    assert.deepEqual((await sink.deliver([failed], new AbortController().signal)).delivered, 1);
    assert.deepEqual((await sink.deliver([failed, event('e2', 'DeploymentFailed'), failed], new AbortController().signal)).delivered, 3);
    assert.equal(ctx.rows.length, 2);
    assert.deepEqual(ctx.rows.map((r) => [r.kind, r.threadTs === null]), [['failure', true], ['end', false]]);
    assert.equal(slack.calls.filter(posted).length, 2);
  });

  test('invalid_auth: not delivered, with the reason; the team is not blamed', async () => {
    const ctx = context();
    const sink = createSlackSink({ token: 'xoxb-revoked', apiUrl: slack.url, context: ctx });
    const result = await sink.deliver([event('e3', 'DeploymentPhaseFailed')], new AbortController().signal);
    assert.equal(result.delivered, 0);
    assert.match(result.error!, /invalid_auth/);
    assert.equal(ctx.errors.get('a'), undefined);
  });

  test('the fake answers users.info with the registered email (for the interactions half)', async () => {
    slack.user('U123', { email: 'alice@example.com', name: 'alice' });
    const client = new WebClient(FAKE_SLACK_TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    const answer = await client.users.info({ user: 'U123' });
    assert.equal(answer.user?.profile?.email, 'alice@example.com');
    await assert.rejects(client.users.info({ user: 'U404' }), /user_not_found/);
  });

  test('a GOV environment is marked', () => {
    const d: SlackDeployment = {
      id: 'd2', team: 'a', channel: '#team-a', service: 'svc', version: '2.0.0', status: 'Deploying', statusDetail: '', url: 'https://dcp/deployments/d2',
      phases: [{ id: 'p2', environment: 'gov-prod', isGov: true, status: 'Failed', statusDetail: 'failed', releases: [{ target: 'gov-1', status: 'Failed', statusDetail: 'boom' }] }],
    };
    assert.match(JSON.stringify(failureMessage(d, d.phases[0]).blocks), /gov-prod \(GOV\)/);
  });

  test('other events are not taken', () => {
    const sink = createSlackSink({ token: FAKE_SLACK_TOKEN, apiUrl: slack.url, context: context() });
    assert.equal(sink.accepts!(event('e4', 'ReleaseStarted')), false);
    assert.equal(sink.accepts!(event('e5', 'DeploymentCreated')), false);
    assert.equal(sink.accepts!({ ...event('e6', 'DeploymentPhaseStatusChanged'), data: { deploymentId: 'd1', from: 'Checking', to: 'Deploying' } }), false);
    assert.equal(sink.accepts!({ ...event('e7', 'DeploymentPhaseStatusChanged'), data: { deploymentId: 'd1', from: 'AwaitingPrerequisites', to: 'Checking' } }), true);
  });
});
