/**
 * `POST /api/v1/slack/interactions` (contract §10) on both backends, with a fake Slack on
 * loopback (test/fakes/slack-interactions.ts) and a manual clock: a signed button press counts
 * for the catalog person with the Slack user's email, under the API's approval rules; tampered,
 * stale and replayed requests are refused with 401 and change nothing; refused decisions are
 * answered 200 and told to the person in an ephemeral reply. Plus a property test of the
 * signature check and the payload reader: they never throw anything but InputError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../src/core/errors.ts';
import { parseSlackInteraction, replyUrlAllowed, verifySlackSignature } from '../src/integrations/slack/interactions.ts';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { buttonPress, signedInteraction, startFakeSlackInteractions, type FakeSlackInteractions } from './fakes/slack-interactions.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const MINUTE = 60_000;

for (const backend of BACKENDS) {
  describe(`Slack interactions (${backend})`, () => {
    let t: TestDcp;
    let slack: FakeSlackInteractions;
    let clock: ManualClock;

    before(async () => {
      slack = await startFakeSlackInteractions();
      for (const name of ['alice', 'bob', 'carol', 'dana']) slack.addUser(`U${name.toUpperCase()}`, `${name[0].toUpperCase()}${name.slice(1)}@Example.com`);
      slack.addUser('UNOBODY', 'nobody@example.com');
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({
        backend, clock, configDir: DEFAULT_CONFIG_DIR,
        env: { DCP_SLACK_SIGNING_SECRET: SECRET, DCP_SLACK_TOKEN: slack.token, DCP_SLACK_API_URL: slack.apiUrl },
      });
    });
    after(async () => {
      await t.stop();
      await slack.close();
    });

    /** A payments deployment waiting in prod for its approval (fast: dev → prod); `as`: who deploys it by hand (its triggeredBy). */
    async function waitingInProd(as?: string): Promise<{ deployment: DeploymentDto; phaseId: string }> {
      const made = build({ component: 'ledger-worker', strategy: 'fast' });
      const res = as
        ? await (await t.as(as))('POST', '/api/v1/deployments', { component: made.component, channel: made.channel, strategy: made.strategy, artifactManifest: made.artifactManifest })
        : await t.api('POST', '/api/v1/builds', made);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      if (as) assert.equal(res.body.triggeredBy, as);
      const deployment = await t.waitFor(res.body.id, (d) => d.phases[1].status === 'AwaitingPrerequisites' && d.phases[1].prerequisites.changeCase !== null, 'prod waiting');
      return { deployment, phaseId: deployment.phases[1].id };
    }

    const press = (signed: { headers: Record<string, string>; body: string }) => t.api('POST', '/api/v1/slack/interactions', signed.body, { authorization: '', ...signed.headers });
    const approvalsOf = async (id: string) => {
      const d = (await t.api('GET', `/api/v1/deployments/${id}`)).body as DeploymentDto;
      return d.phases[1].prerequisites.approvals!.received.map((a) => [a.by, a.decision]);
    };
    const auditCount = async () => Number((await t.dcp.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit'))[0].n);

    test('a signed approve from alice is recorded for alice; the same request again is a replay: 401, nothing twice', async () => {
      const { deployment, phaseId } = await waitingInProd();
      const signed = signedInteraction(SECRET, buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: deployment.id, phaseId, responseUrl: slack.responseUrl('alice') }), clock.now());
      const before = await auditCount();
      const res = await press(signed);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body, '');
      assert.deepEqual(await approvalsOf(deployment.id), [['alice', 'approve']]);
      assert.equal((await auditCount()) - before, 1, 'one audit record for the request');
      const record = (await t.api('GET', '/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fslack%2Finteractions&limit=1')).body.items[0];
      assert.deepEqual([record.actor, record.outcome, record.resource], ['alice', 'success', `deployments/${deployment.id}/phases/${phaseId}`]);

      const replay = await press(signed);
      assert.equal(replay.status, 401);
      assert.equal(replay.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.match(replay.body.detail, /already taken/);
      assert.deepEqual(await approvalsOf(deployment.id), [['alice', 'approve']]);
      assert.ok(!slack.replies.some((r) => r.name === 'alice'), 'nothing to tell alice');
    });

    test('tampered (the signature of another body) and stale (6 minutes) requests: 401, nothing recorded but the audit line', async () => {
      const { deployment, phaseId } = await waitingInProd();
      const press1 = buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: deployment.id, phaseId });
      const other = signedInteraction(SECRET, { ...press1, trigger_id: 'other' }, clock.now());
      const tampered = { headers: other.headers, body: `payload=${encodeURIComponent(JSON.stringify(press1))}` };
      let before = await auditCount();
      const res = await press(tampered);
      assert.equal(res.status, 401);
      assert.match(res.body.detail, /signature does not match/);
      assert.equal((await auditCount()) - before, 1);
      const record = (await t.api('GET', '/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fslack%2Finteractions&limit=1')).body.items[0];
      assert.deepEqual([record.actor, record.outcome], ['anonymous', 'denied']);

      const stale = signedInteraction(SECRET, press1, clock.now());
      clock.advance(6 * MINUTE);
      before = await auditCount();
      const late = await press(stale);
      assert.equal(late.status, 401);
      assert.match(late.body.detail, /more than 5 minutes/);
      assert.equal((await auditCount()) - before, 1);
      const wrongSecret = signedInteraction('not-the-secret', press1, clock.now());
      assert.equal((await press(wrongSecret)).status, 401);
      const unsigned = await t.api('POST', '/api/v1/slack/interactions', tampered.body, { authorization: '', 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(unsigned.status, 401);
      assert.deepEqual(await approvalsOf(deployment.id), []);
    });

    test('carol (not an approver), the deployment\'s own trigger and an unknown Slack user: 200, told why in an ephemeral reply, nothing recorded', async () => {
      const { deployment, phaseId } = await waitingInProd('bob');
      const cases: [string, string, RegExp][] = [
        ['UCAROL', 'carol', /you are not an approver of prod for team payments/],
        ['UBOB', 'bob', /you triggered this deployment: someone else must approve prod/],
        ['UNOBODY', 'nobody', /DCP knows no person with your Slack profile's email/],
        ['UGHOST', 'ghost', /DCP knows no person/],
      ];
      for (const [userId, name, reason] of cases) {
        const before = await auditCount();
        const replies = slack.replies.length;
        const res = await press(signedInteraction(SECRET, buttonPress({ userId, action: 'dcp_approve', deploymentId: deployment.id, phaseId, responseUrl: slack.responseUrl(name) }), clock.now()));
        assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
        await slack.waitForReplies(replies + 1);
        const reply = slack.replies.at(-1)!;
        assert.equal(reply.name, name);
        assert.equal(reply.body.response_type, 'ephemeral');
        assert.equal(reply.body.replace_original, false);
        assert.match(reply.body.text, reason);
        assert.equal((await auditCount()) - before, 1, `${name}: one audit record`);
        const record = (await t.api('GET', '/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fslack%2Finteractions&limit=1')).body.items[0];
        assert.equal(record.outcome, 'denied', name);
      }
      assert.deepEqual(await approvalsOf(deployment.id), []);
      // Alice is an approver and did not trigger it: hers counts (a repeat press is "already decided").
      const ok = await press(signedInteraction(SECRET, buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: deployment.id, phaseId, responseUrl: slack.responseUrl('alice-2') }), clock.now()));
      assert.equal(ok.status, 200);
      assert.deepEqual(await approvalsOf(deployment.id), [['alice', 'approve']]);
      const replies = slack.replies.length;
      const again = await press(signedInteraction(SECRET, { ...buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: deployment.id, phaseId, responseUrl: slack.responseUrl('alice-3') }), trigger_id: '2' }, clock.now()));
      assert.equal(again.status, 200);
      await slack.waitForReplies(replies + 1);
      assert.match(slack.replies.find((r) => r.name === 'alice-3')!.body.text, /alice has already decided on phase prod/);
      assert.deepEqual(await approvalsOf(deployment.id), [['alice', 'approve']]);
    });

    test('reject (after Slack\'s confirm dialog) cancels the phase, as the API does', async () => {
      const { deployment, phaseId } = await waitingInProd();
      const res = await press(signedInteraction(SECRET, buttonPress({ userId: 'UBOB', action: 'dcp_reject', deploymentId: deployment.id, phaseId }), clock.now()));
      assert.equal(res.status, 200);
      const done = await t.waitFor(deployment.id, (d) => d.status === 'Cancelled', 'cancelled');
      assert.equal(done.phases[1].status, 'Cancelled');
      assert.equal(done.phases[1].statusDetail, 'Rejected by bob: via Slack');
    });

    test('other interaction types are ignored (200); a malformed payload is 400; a mapping is cached', async () => {
      const ignored = await press(signedInteraction(SECRET, { type: 'view_submission', user: { id: 'UALICE' } }, clock.now()));
      assert.equal(ignored.status, 200);
      const foreign = await press(signedInteraction(SECRET, { type: 'block_actions', user: { id: 'UALICE' }, actions: [{ action_id: 'someone_elses_button', value: 'x' }] }, clock.now()));
      assert.equal(foreign.status, 200);
      for (const body of ['payload=not-json', 'nothing=here', `payload=${encodeURIComponent(JSON.stringify(buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: '../x', phaseId: 'p' })))}`]) {
        const res = await press(signedInteraction(SECRET, null, clock.now(), body));
        assert.equal(res.status, 400, body);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      }
      const asked = slack.lookups.filter((id) => id === 'UALICE').length;
      const unknownDeployment = await press(signedInteraction(SECRET, buttonPress({ userId: 'UALICE', action: 'dcp_approve', deploymentId: 'nope', phaseId: 'nope' }), clock.now()));
      assert.equal(unknownDeployment.status, 200);
      assert.equal(slack.lookups.filter((id) => id === 'UALICE').length, asked, 'alice is known for 10 minutes: no users.info');

      // The first tests' requests expired when the clock moved 6 minutes: later requests deleted them.
      const [seen] = await t.dcp.db.query<{ total: number; expired: number }>(
        'SELECT count(*)::int AS total, count(*) FILTER (WHERE expires_at <= $1)::int AS expired FROM slack_seen_requests', [clock.now()]);
      assert.ok(seen.total > 0);
      assert.equal(seen.expired, 0);
    });
  });
}

describe('Slack signature and payload (properties)', () => {
  const now = new Date('2026-01-05T09:00:00Z');
  const stamp = String(Math.floor(now.getTime() / 1000));

  test('the signature check never throws, and accepts only the body it signed', () => {
    fc.assert(fc.property(
      fc.option(fc.oneof(fc.string(), fc.constant(stamp), fc.integer().map(String)), { nil: undefined }),
      fc.option(fc.oneof(fc.string(), fc.stringMatching(/^v0=[0-9a-f]{64}$/)), { nil: undefined }),
      fc.string(),
      (timestamp, signature, rawBody) => {
        const check = verifySlackSignature({ secret: SECRET, timestamp, signature, rawBody, now });
        assert.equal(check.ok, false);
      },
    ), { seed: 20261201, numRuns: 500 });
    fc.assert(fc.property(fc.string(), fc.string(), (body, other) => {
      const signed = signedInteraction(SECRET, null, now, body);
      const check = (raw: string) => verifySlackSignature({ secret: SECRET, timestamp: signed.headers['x-slack-request-timestamp'], signature: signed.headers['x-slack-signature'], rawBody: raw, now }).ok;
      assert.equal(check(body), true);
      if (other !== body) assert.equal(check(other), false);
    }), { seed: 20261201, numRuns: 300 });
  });

  test('the payload reader throws nothing but InputError', () => {
    const json = fc.jsonValue();
    const payload = fc.oneof(
      fc.string(),
      json.map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`),
      fc.record({
        type: fc.oneof(fc.constant('block_actions'), fc.string()),
        user: fc.oneof(fc.record({ id: fc.oneof(fc.constant('UALICE'), fc.string()) }), json),
        response_url: fc.option(fc.oneof(fc.webUrl(), json), { nil: undefined }),
        actions: fc.oneof(fc.array(fc.record({ action_id: fc.constantFrom('dcp_approve', 'dcp_reject', 'x'), value: fc.oneof(fc.string(), json.map((v) => JSON.stringify(v)), fc.record({ deploymentId: fc.string(), phaseId: fc.string() }).map((v) => JSON.stringify(v))) })), json),
      }).map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`),
    );
    fc.assert(fc.property(payload, (raw) => {
      try {
        const read = parseSlackInteraction(raw);
        assert.ok(read.kind === 'decision' || read.kind === 'ignored');
      } catch (error) {
        assert.ok(error instanceof InputError, `threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
      }
    }), { seed: 20261201, numRuns: 2000 });
  });

  test('replies go only to hooks.slack.com (https) or the Slack API URL\'s host', () => {
    const api = 'http://127.0.0.1:9000/api/';
    assert.equal(replyUrlAllowed('https://hooks.slack.com/actions/T1/2/abc', api), true);
    assert.equal(replyUrlAllowed('http://hooks.slack.com/actions/T1/2/abc', api), false);
    assert.equal(replyUrlAllowed('http://127.0.0.1:9000/hooks/x', api), true);
    for (const url of ['http://127.0.0.1:5432/', 'http://169.254.169.254/latest/meta-data', 'https://hooks.slack.com.evil.example/x', 'https://user:pw@hooks.slack.com/x', 'file:///etc/passwd', 'not a url']) {
      assert.equal(replyUrlAllowed(url, api), false, url);
    }
  });
});
