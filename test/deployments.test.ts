/**
 * Builds to deployments over HTTP against the wired app, on PGlite and on PostgreSQL: the whole
 * lifecycle, failure rollup, cancellation, idempotency, bad input, mutual exclusion. Lists,
 * filters and paging: lists.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { PARKED_IN_SCANNING } from './helpers/seed.ts';

for (const backend of BACKENDS) {
  describe(`deployments (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock();
      t = await startTestDcp({ backend, clock });
    });
    after(() => t.stop());

    test('a build runs through every phase to Completed, GOV phases last', async () => {
      const res = await t.api('POST', '/api/v1/builds', build());
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('location'), `/api/v1/deployments/${res.body.id}`);
      assert.deepEqual(res.body.phases.map((p: any) => p.environment), ['dev', 'qa', 'stage', 'prod', 'gov-stage', 'gov-prod']);
      assert.deepEqual(res.body.phases.map((p: any) => p.isGov), [false, false, false, false, true, true]);
      assert.deepEqual(res.body.phases[3].releases.map((r: any) => r.target), ['prod-usw2-1', 'prod-use1-1', 'prod-euc1-1', 'prod-apse2-1']);

      const done = await t.waitFor(res.body.id, ended, 'an end');
      assert.equal(done.status, 'Completed');
      assert.ok(done.phases.every((p) => p.status === 'Completed' && p.releases.every((r) => r.status === 'Succeeded')));
      assert.ok(done.statusTimes.Scanning && done.statusTimes.Completed);

      const events = await t.api('GET', `/api/v1/events?deployment=${res.body.id}&after=0&limit=500`);
      const types: string[] = events.body.items.map((e: any) => e.type);
      assert.equal(types[0], 'DeploymentCreated');
      assert.equal(types.at(-1), 'DeploymentCompleted');
      assert.ok(types.includes('DeploymentScanned'));
      assert.equal(types.filter((x) => x === 'DeploymentPhaseStarted').length, 6);
      assert.equal(types.filter((x) => x === 'ReleaseSucceeded').length, 12);
      const started = events.body.items.find((e: any) => e.type === 'ReleaseStarted');
      assert.equal(started.subject, `deployments/${res.body.id}`);
      assert.equal(started.specversion, '1.0');
      assert.deepEqual(Object.keys(started.data).sort(), ['deploymentId', 'environment', 'from', 'phaseId', 'releaseId', 'statusDetail', 'target', 'to']);
    });

    test('the answer to a new build is the deployment as stored (built from what its transaction wrote, not read)', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ annotations: PARKED_IN_SCANNING }));
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'Scanning');
      const read = await t.api('GET', `/api/v1/deployments/${res.body.id}`);
      assert.deepEqual(res.body, read.body);
    });

    test('the same build again returns the same deployment (200), never a second one', async () => {
      const body = build();
      const first = await t.api('POST', '/api/v1/builds', body);
      const again = await t.api('POST', '/api/v1/builds', body);
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      const list = await t.api('GET', `/api/v1/deployments?q=${body.buildId}`);
      assert.equal(list.body.items.length, 1);
    });

    test('a structured CloudEvent carries the build in data', async () => {
      const body = build({ component: 'token-service' });
      const res = await t.api('POST', '/api/v1/builds', { specversion: '1.0', id: 'e1', source: '/ci', type: 'BuildCompleted', data: body });
      assert.equal(res.status, 201);
      assert.equal(res.body.buildId, body.buildId);
      const wrongType = await t.api('POST', '/api/v1/builds', { specversion: '1.0', id: 'e2', source: '/ci', type: 'Other', data: body });
      assert.equal(wrongType.status, 400);
      assert.equal(wrongType.body.errors[0].field, 'type');
    });

    test('a failing target fails the phase and the deployment; later phases are Skipped', async () => {
      // Releases take a second of the manual clock, so both qa releases are in flight before
      // either ends (with instant releases the failure could come before the other one started).
      const res = await t.api('POST', '/api/v1/builds', build({ annotations: { 'dcp.simulator/fail-targets': 'qa-use1-1', 'dcp.simulator/release-ms': '1000' } }));
      const releasing = (environment: string) => (d: DeploymentDto) => d.phases.find((p) => p.environment === environment)!.releases.every((r) => r.status === 'Deploying');
      await t.waitFor(res.body.id, releasing('dev'), 'dev releasing');
      clock.advance(1000);
      await t.waitFor(res.body.id, releasing('qa'), 'both qa releases in flight');
      clock.advance(1000);
      const settled = (d: DeploymentDto) => ended(d) && d.phases.every((p) => p.releases.every((r) => r.status !== 'Deploying'));
      const done = await t.waitFor(res.body.id, settled, 'an end, every release settled');
      assert.equal(done.status, 'Failed');
      const [dev, qa, ...rest] = done.phases;
      assert.equal(dev.status, 'Completed');
      assert.equal(qa.status, 'Failed');
      assert.match(qa.statusDetail, /qa-use1-1/);
      assert.equal(qa.releases.find((r) => r.target === 'qa-use1-1')!.status, 'Failed');
      assert.ok(rest.every((p) => p.status === 'Skipped' && p.releases.every((r) => r.status === 'Skipped')));
      assert.match(done.statusDetail, /qa/);
      const events = await t.api('GET', `/api/v1/events?deployment=${res.body.id}&after=0&limit=500`);
      const failed = events.body.items.find((e: any) => e.type === 'DeploymentPhaseFailed');
      assert.ok(failed, 'DeploymentPhaseFailed is in the event log');
      assert.equal(failed.data.environment, 'qa');
      assert.ok(events.body.items.some((e: any) => e.type === 'ReleaseFailed' && e.data.target === 'qa-use1-1'));
      // The other qa release was in flight: it finishes after the deployment failed, keeping its outcome.
      const order = events.body.items.map((e: any) => e.type);
      assert.ok(order.indexOf('DeploymentPhaseFailed') < order.indexOf('DeploymentFailed'), order.join(' '));
      assert.equal(qa.releases.find((r) => r.target === 'qa-usw2-1')!.status, 'Succeeded');
    });

    test('cancel mid-phase: phase Cancelled, later phases Skipped, in-flight releases record their real end', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', annotations: { 'dcp.simulator/release-ms': '600000' } }));
      const id = res.body.id;
      await t.waitFor(id, (d) => d.phases[0].releases.every((r) => r.status === 'Deploying'), 'dev deploying');
      const cancelled = await t.api('POST', `/api/v1/deployments/${id}/cancel`, { reason: 'wrong artifact' });
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.status, 'Cancelled');
      assert.match(cancelled.body.statusDetail, /Cancelled by admin: wrong artifact/);
      assert.equal(cancelled.body.phases[0].status, 'Cancelled');
      assert.ok(cancelled.body.phases.slice(1).every((p: any) => p.status === 'Skipped'));
      // The release in flight is told to stop; it had not touched the target yet, so it ends Cancelled.
      const settled = await t.waitFor(id, (d) => d.phases[0].releases.every((r) => r.status !== 'Deploying'), 'the release to stop');
      assert.equal(settled.phases[0].releases[0].status, 'Cancelled');
      assert.match(settled.phases[0].releases[0].statusDetail, /before it touched the target/);
      const again = await t.api('POST', `/api/v1/deployments/${id}/cancel`);
      assert.equal(again.status, 409);
      assert.equal(again.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    });

    test('cancel while scanning skips every phase', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', annotations: { 'dcp.simulator/scan-ms': '3600000' } }));
      assert.equal(res.body.status, 'Scanning');
      const cancelled = await t.api('POST', `/api/v1/deployments/${res.body.id}/cancel`);
      assert.equal(cancelled.body.status, 'Cancelled');
      assert.ok(cancelled.body.phases.every((p: any) => p.status === 'Skipped'));
      clock.advance(3_600_000); // the scan would be done now: nothing moves
      const later = await t.api('GET', `/api/v1/deployments/${res.body.id}`);
      assert.equal(later.body.status, 'Cancelled');
    });

    test('a second deployment of the service waits for the target, first come first served', async () => {
      const slow = { 'dcp.simulator/release-ms': '1000' };
      const first = await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent', strategy: 'fast', channel: 'edge', annotations: slow }));
      await t.waitFor(first.body.id, (d) => d.phases[0].releases[0].status === 'Deploying', 'dev deploying');
      const second = await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent', strategy: 'fast', channel: 'edge', annotations: slow, version: '2.0.0' }));
      const waiting = await t.waitFor(second.body.id, (d) => d.phases[0].status === 'Deploying', 'dev phase deploying');
      assert.equal(waiting.phases[0].releases[0].status, 'Pending');
      assert.match(waiting.phases[0].releases[0].statusDetail, new RegExp(`Waiting for deployment ${first.body.id}`));

      clock.advance(1000); // the first deployment's dev release ends; the second gets the target
      await t.waitFor(second.body.id, (d) => d.phases[0].releases[0].status === 'Deploying', 'second dev deploying');
      const firstNow = await t.api('GET', `/api/v1/deployments/${first.body.id}`);
      assert.equal(firstNow.body.phases[0].status, 'Completed');
      clock.advance(1000); // the first deployment completes; the second moves on to prod
      await t.waitFor(first.body.id, ended, 'first to end');
      await t.waitFor(second.body.id, (d) => d.phases[1].releases[0].status === 'Deploying', 'second prod deploying');
      clock.advance(1000);
      const done = await t.waitFor(second.body.id, ended, 'second to end');
      assert.equal(done.status, 'Completed');
    });

    test('malformed builds: 400 naming every field; unplannable: 422; nothing stored', async () => {
      const before = await t.api('GET', '/api/v1/deployments?limit=500');
      const missing = await t.api('POST', '/api/v1/builds', { component: 'payments-api' });
      assert.equal(missing.status, 400);
      assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.deepEqual(missing.body.errors.map((e: any) => e.field).sort(), ['artifactManifest', 'buildId', 'channel', 'strategy']);

      const bad = build();
      (bad.artifactManifest as any).version = '';
      (bad as any).surprise = true;
      const invalid = await t.api('POST', '/api/v1/builds', bad);
      assert.equal(invalid.status, 400);
      assert.deepEqual(invalid.body.errors.map((e: any) => e.field).sort(), ['artifactManifest.version', 'surprise']);

      // A JSON body is validated as sent: no coercion of 12345 to "12345" or of null to "".
      for (const [field, body] of [
        ['buildId', { ...build(), buildId: 12345 }],
        ['buildId', { ...build(), buildId: null }],
        ['triggeredBy', { ...build(), triggeredBy: 7 }],
        ['artifactManifest.images', { ...build(), artifactManifest: { ...build().artifactManifest, images: { name: 'x' } } }],
      ] as const) {
        const res = await t.api('POST', '/api/v1/builds', body);
        assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body.errors.map((e: any) => e.field), [field]);
      }
      // Query strings are text, and still coerced: limit=2 is the integer 2.
      assert.equal((await t.api('GET', '/api/v1/deployments?limit=2')).status, 200);

      const notJson = await t.api('POST', '/api/v1/builds', '{"buildId": ');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.status, 400);

      for (const [field, overrides] of [['component', { component: 'nope' }], ['channel', { channel: 'nope' }], ['strategy', { strategy: 'nope' }]] as const) {
        const res = await t.api('POST', '/api/v1/builds', build(overrides));
        assert.equal(res.status, 422, field);
        assert.equal(res.body.errors[0].field, field);
      }
      const after = await t.api('GET', '/api/v1/deployments?limit=500');
      assert.equal(after.body.items.length, before.body.items.length);
    });

    test('manual deployments: Idempotency-Key, environment subsets, GOV only for GOV services', async () => {
      const { buildId: _, triggeredBy: __, ...manual } = build({ component: 'payments-api' });
      const body = { ...manual, environments: ['dev', 'gov-stage'], reason: 'hotfix' };
      const first = await t.api('POST', '/api/v1/deployments', body, { 'idempotency-key': 'k-1' });
      assert.equal(first.status, 201);
      assert.equal(first.body.buildId, null);
      assert.equal(first.body.triggeredBy, 'admin');
      assert.equal(first.body.reason, 'hotfix');
      assert.deepEqual(first.body.phases.map((p: any) => p.environment), ['dev', 'gov-stage']);
      assert.ok(first.body.omittedEnvironments.some((o: any) => o.environment === 'prod' && o.reason === 'not selected'));
      const retry = await t.api('POST', '/api/v1/deployments', body, { 'idempotency-key': 'k-1' });
      assert.equal(retry.status, 200);
      assert.equal(retry.body.id, first.body.id);

      const { buildId: ___, triggeredBy: ____, ...nonGov } = build({ component: 'ledger-worker' });
      const gov = await t.api('POST', '/api/v1/deployments', { ...nonGov, environments: ['dev', 'gov-prod'] });
      assert.equal(gov.status, 422);
      assert.equal(gov.body.errors[0].field, 'environments[1]');
      assert.match(gov.body.errors[0].message, /not a GOV service/);
    });

    test('clone: the same artifact planned afresh, optionally a subset of environments', async () => {
      const original = await t.api('POST', '/api/v1/builds', build({ component: 'identity-gateway' }));
      await t.waitFor(original.body.id, ended);
      const clone = await t.api('POST', `/api/v1/deployments/${original.body.id}/clone`, { environments: ['stage', 'prod'] });
      assert.equal(clone.status, 201);
      assert.equal(clone.body.clonedFrom, original.body.id);
      assert.equal(clone.body.buildId, null);
      assert.deepEqual(clone.body.artifactManifest, original.body.artifactManifest);
      assert.deepEqual(clone.body.phases.map((p: any) => p.environment), ['stage', 'prod']);
      const whole = await t.api('POST', `/api/v1/deployments/${original.body.id}/clone`);
      assert.equal(whole.status, 201);
      assert.equal(whole.body.phases.length, 6);
      const unknown = await t.api('POST', '/api/v1/deployments/nope/clone');
      assert.equal(unknown.status, 404);
    });

    test('plans show what would run and store nothing', async () => {
      const before = await t.api('GET', '/api/v1/deployments?limit=500');
      const res = await t.api('POST', '/api/v1/plans', { component: 'ledger-worker', channel: 'edge', strategy: 'standard' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.phases.map((p: any) => p.environment), ['dev', 'stage', 'prod']);
      assert.ok(res.body.omittedEnvironments.some((o: any) => o.environment === 'qa' && /no targets/.test(o.reason)));
      assert.deepEqual(res.body.phases[2].policy, { name: 'prod', gov: 'gov-prod', isGov: false, checks: [], freezable: false });
      const fromBuild = await t.api('POST', '/api/v1/plans', build({ component: 'payments-api' }));
      assert.equal(fromBuild.status, 200, 'a build body plans too');
      assert.equal(fromBuild.body.phases.length, 6);
      const after = await t.api('GET', '/api/v1/deployments?limit=500');
      assert.equal(after.body.items.length, before.body.items.length);
    });

    test('every /api/v1 call needs a valid token; unknown ids are 404', async () => {
      const none = await fetch(`${t.url}/api/v1/deployments`);
      assert.equal(none.status, 401);
      const wrong = await t.api('GET', '/api/v1/deployments', undefined, { authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401);
      const unknown = await t.api('GET', '/api/v1/deployments/does-not-exist');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.title, 'Not found');
    });
  });
}
