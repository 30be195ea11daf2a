/**
 * DCP_EXECUTOR=argo end to end, over HTTP, on both databases: a loopback Argo Server
 * (test/fakes/argo-server.ts: every request checked against Argo's Swagger; workflows played by
 * rendering the shipped templates' callbacks, CPC's answers included) and DCP's callback API, with
 * Harbor as the scan provider (a fake checked against Harbor's Swagger). A build → a scan workflow →
 * one workflow per phase → Completed; a failing target; cancel; Argo down; lost callbacks and a
 * deleted workflow (reconcile); forged, foreign and replayed callback tokens. The kill -9 between
 * submit and commit is in test/argo-restart.test.ts (a real process).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo, type FakeWorkflow } from './fakes/argo-server.ts';
import { FAKE_HARBOR_PASSWORD, FAKE_HARBOR_USER, startFakeHarbor, type FakeHarbor } from './fakes/harbor.ts';
import { freePort, guard } from './helpers/child.ts';
import { configWithCpc } from './helpers/config.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const RECONCILE_MS = 30_000;
/** Targets with a CPC each: the phase template releases through CPC (the fake plays CPC's answers). */
const CONFIG = configWithCpc((cluster) => `https://cpc.${cluster}.example.com`);

export async function startArgoDcp(backend: (typeof BACKENDS)[number], clock: ManualClock, argo: FakeArgo, env: Record<string, string> = {}): Promise<TestDcp> {
  const port = await freePort();
  return startTestDcp({
    backend, clock, configDir: CONFIG,
    env: {
      PORT: String(port), DCP_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DCP_EXECUTOR: 'argo', DCP_ARGO_URL: argo.url, DCP_ARGO_TOKEN: FAKE_ARGO_TOKEN, DCP_ARGO_RECONCILE: '30s', ...env,
    },
  });
}

const scanOf = (id: string) => (w: FakeWorkflow) => w.labels['dcp.io/deployment'] === id && w.labels['dcp.io/kind'] === 'scan';
const phaseOf = (phaseId: string) => (w: FakeWorkflow) => w.labels['dcp.io/kind'] === 'phase' && w.labels['dcp.io/phase'] === phaseId;

for (const backend of BACKENDS) {
  describe(`Argo executor (${backend})`, () => {
    let argo: FakeArgo;
    let harbor: FakeHarbor;
    let t: TestDcp;
    let clock: ManualClock;

    before(async () => {
      argo = await startFakeArgo({ namespace: 'argo', token: FAKE_ARGO_TOKEN });
      // The scan provider DCP reads findings from when a scan workflow's callback is lost.
      harbor = await startFakeHarbor();
      clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
      t = await startArgoDcp(backend, clock, argo, {
        DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: harbor.url, DCP_HARBOR_USERNAME: FAKE_HARBOR_USER, DCP_HARBOR_PASSWORD: FAKE_HARBOR_PASSWORD,
      });
    });
    after(async () => {
      await t.stop();
      await argo.close();
      await harbor.close();
      assert.deepEqual(harbor.violations, []);
    });

    /** A workflow DCP submits (or has), with a guard: a wait that fails says what never came. */
    const workflow = (predicate: (w: FakeWorkflow) => boolean, what: string) =>
      guard(argo.waitForWorkflow(predicate), 20_000, () => `no workflow ${what}; submitted: ${argo.workflows().map((w) => `${w.name} ${JSON.stringify(w.labels)}`).join('; ')}`);

    /** The next submit of the deployment's `kind` workflow that settles without error (listen before causing it). */
    const settled = (kind: 'scan' | 'phase', deploymentId: () => string | undefined) =>
      new Promise<void>((resolve) => {
        const off = t.dcp.engine.onJobSettled((job, error) => {
          if (job.kind === 'workflow.submit' && !error && job.deploymentId === deploymentId() && String(job.payload.key).startsWith(`${kind}:`)) {
            off();
            resolve();
          }
        });
      });

    // Each test deploys its own service where it leaves releases holding their targets (locks are per service×target).
    async function submit(overrides: Parameters<typeof build>[0] = {}): Promise<string> {
      const res = await t.api('POST', '/api/v1/builds', build({ strategy: 'fast', ...overrides }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    }

    /** Plays the scan workflow to its end with `findings`; resolves once the deployment deploys. */
    async function scanned(id: string, findings: Record<string, number> = {}): Promise<DeploymentDto> {
      const wf = await workflow(scanOf(id), `scanning ${id}`);
      const played = await argo.play(wf.name, { scan: { findings } });
      assert.deepEqual(played.callbacks.map((c) => c.status), played.callbacks.map(() => 204));
      return t.waitFor(id, (d) => d.status === 'InProgress', 'scanned');
    }

    /** Waits for the phase's workflow (there must be exactly one). */
    async function phaseWorkflow(d: DeploymentDto, environment: string): Promise<FakeWorkflow> {
      const phase = d.phases.find((p) => p.environment === environment)!;
      const wf = await workflow(phaseOf(phase.id), `for ${environment}`);
      assert.equal(argo.workflows().filter(phaseOf(phase.id)).length, 1, `one workflow for ${environment}`);
      return wf;
    }

    const events = async (id: string): Promise<string[]> =>
      (await t.api('GET', `/api/v1/events?deployment=${id}&limit=500`)).body.items.map((e: { type: string }) => e.type);

    test('a build: a scan workflow, then one workflow per phase with all its releases, reported by callbacks → Completed', async () => {
      const id = await submit();
      const scan = await workflow(scanOf(id), `scanning ${id}`);
      assert.equal(scan.template, 'dcp-scan-wait');
      assert.equal(scan.parameters.deploymentId, id);
      assert.equal(JSON.parse(scan.parameters.artifact).name, 'payments-api');
      assert.equal(scan.parameters.pollSeconds, '60');
      assert.equal(scan.parameters.callbackUrl, `${t.url}/api/v1/workflow-callbacks`);
      assert.match(scan.parameters.callbackToken, /^dcpwf_/);
      const rows = await t.dcp.db.query<{ token_hash: string }>('SELECT token_hash FROM workflows WHERE deployment_id = $1', [id]);
      assert.ok(rows.every((r) => r.token_hash !== scan.parameters.callbackToken), 'only the hash is stored');

      let d = await scanned(id, { high: 2 });
      assert.match(d.statusDetail, /Deploying/);
      for (const environment of d.phases.map((p) => p.environment)) {
        const wf = await phaseWorkflow(d, environment);
        const phase = d.phases.find((p) => p.environment === environment)!;
        assert.equal(wf.template, 'dcp-phase');
        assert.equal(wf.parameters.phaseId, phase.id);
        assert.equal(wf.parameters.service, 'payments-api');
        const releases = JSON.parse(wf.parameters.releases);
        assert.deepEqual(releases.map((r: { releaseId: string }) => r.releaseId), phase.releases.map((r) => r.id), 'every release of the phase, in one workflow');
        assert.deepEqual(Object.keys(releases[0]).sort(), ['chart', 'chartVersion', 'cluster', 'cpcEndpoint', 'idempotencyKey', 'kubeContext', 'namespace', 'region', 'releaseId', 'repository']);
        assert.equal(releases[0].namespace, 'payments-api');
        assert.equal(releases[0].idempotencyKey, `release:${phase.releases[0].id}`);
        const played = await argo.play(wf.name);
        assert.deepEqual(played.callbacks.map((c) => `${c.body.kind} ${c.body.id} ${c.body.status} → ${c.status}`), [
          ...phase.releases.flatMap((r) => [`release ${r.id} Running → 204`, `release ${r.id} Succeeded → 204`]),
          `phase ${phase.id} Succeeded → 204`,
        ]);
        d = await t.waitFor(id, (x) => x.phases.find((p) => p.environment === environment)!.status === 'Completed', `${environment} completed`);
        const done = d.phases.find((p) => p.environment === environment)!;
        assert.ok(done.releases.every((r) => r.status === 'Succeeded' && /^Succeeded: /.test(r.statusDetail)), JSON.stringify(done.releases));
      }
      d = await t.waitFor(id, (x) => x.status === 'Completed', 'completed');
      const types = await events(id);
      assert.ok(types.includes('ReleaseStatusChanged'), 'release progress (Running) is an event the app sees');
      assert.equal(argo.workflows().filter((w) => w.labels['dcp.io/deployment'] === id).length, 1 + d.phases.length);
      assert.ok(argo.requests.every((r) => r.authorization === `Bearer ${FAKE_ARGO_TOKEN}`));
    });

    test('one target failing: the release Failed with the detail, DeploymentPhaseFailed, the deployment Failed, later phases Skipped', async () => {
      const id = await submit();
      const d = await scanned(id);
      const wf = await phaseWorkflow(d, 'dev');
      const release = d.phases[0].releases[0];
      await argo.play(wf.name, { releases: { [release.id]: { status: 'Failed', detail: 'helm: UPGRADE FAILED: timed out waiting for the condition' } } });
      const failed = await t.waitFor(id, (x) => x.status === 'Failed', 'failed');
      assert.equal(failed.phases[0].releases[0].status, 'Failed');
      assert.match(failed.phases[0].releases[0].statusDetail, /timed out waiting for the condition/);
      assert.equal(failed.phases[0].status, 'Failed');
      assert.ok(failed.phases.slice(1).every((p) => p.status === 'Skipped'));
      assert.ok((await events(id)).includes('DeploymentPhaseFailed'));
    });

    test('cancel during a phase: the workflow is stopped; a release that had not touched its target ends Cancelled, one that had ends Failed (outcome unknown)', async () => {
      const id = await submit();
      let d = await scanned(id);
      d = await t.waitFor(id, (x) => x.phases[0].status === 'Deploying');
      await argo.play((await phaseWorkflow(d, 'dev')).name);
      d = await t.waitFor(id, (x) => x.phases[1].status === 'Deploying', 'prod deploying');
      const wf = await phaseWorkflow(d, 'prod');
      const [touched, ...untouched] = d.phases[1].releases;
      // One release reports Running (CPC has it), as the template does after its PUT.
      const running = await fetch(wf.parameters.callbackUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${wf.parameters.callbackToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: wf.name, kind: 'release', id: touched.id, status: 'Running', detail: 'releasing to prod-usw2-1' }),
      });
      assert.equal(running.status, 204);
      const res = await t.api('POST', `/api/v1/deployments/${id}/cancel`, { reason: 'wrong build' });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'Cancelled');
      await argo.waitForRequest((r) => r.method === 'PUT' && r.path.endsWith(`/${wf.name}/stop`));
      assert.ok(argo.stopped(wf.name));
      // The stopped workflow's releases were cut off (their callbacks never come); the exit handler reports.
      const played = await argo.play(wf.name, { releases: Object.fromEntries(d.phases[1].releases.map((r) => [r.id, 'drop' as const])) });
      assert.deepEqual(played.callbacks.map((c) => [c.body.kind, c.body.status, c.status]), [['phase', 'Cancelled', 204]]);
      d = await t.waitFor(id, (x) => x.phases[1].releases.every((r) => r.status !== 'Deploying'), 'releases ended');
      const prod = d.phases[1];
      assert.equal(prod.releases.find((r) => r.id === touched.id)!.status, 'Failed');
      assert.match(prod.releases.find((r) => r.id === touched.id)!.statusDetail, /outcome there is unknown/);
      for (const r of untouched) assert.equal(prod.releases.find((x) => x.id === r.id)!.status, 'Cancelled');
      assert.equal(d.status, 'Cancelled');
    });

    test('cancel while scanning stops the scan workflow', async () => {
      const id = await submit();
      const wf = await workflow(scanOf(id), `scanning ${id}`);
      await t.waitFor(id, (x) => x.status === 'Scanning');
      assert.equal((await t.api('POST', `/api/v1/deployments/${id}/cancel`, {})).status, 200);
      await argo.waitForRequest((r) => r.method === 'PUT' && r.path.endsWith(`/${wf.name}/stop`));
      const played = await argo.play(wf.name, { scan: 'drop' });
      assert.ok(played.callbacks.every((c) => c.status === 204));
      const d = await t.dcp.deployments.get(id);
      assert.equal(d.status, 'Cancelled');
      assert.ok(d.phases.every((p) => p.status === 'Skipped'));
    });

    test('Argo unreachable for a while: the submit is retried with backoff, nothing lost, one workflow', async () => {
      await argo.down('503');
      const failed = new Promise<string>((resolve) => {
        const off = t.dcp.engine.onJobSettled((job, error) => {
          if (job.kind === 'workflow.submit' && error) {
            off();
            resolve(error);
          }
        });
      });
      const id = await submit({ component: 'ledger-worker' });
      assert.match(await failed, /503|upstream/);
      assert.equal((await t.dcp.deployments.get(id)).status, 'Scanning', 'the deployment waits');
      await argo.up();
      clock.advance(5 * 60_000); // past the longest backoff
      const wf = await workflow(scanOf(id), `scanning ${id}`);
      await argo.play(wf.name);
      await t.waitFor(id, (x) => x.status === 'InProgress');
      assert.equal(argo.workflows().filter(scanOf(id)).length, 1);
    });

    test('callbacks lost: DCP reconciles from the workflow status (scan findings read from the scan provider; releases succeed)', async () => {
      // The reconcile timer is set when DCP has recorded the submit: wait for that before moving the clock.
      // The image is in Harbor, scanned with findings: the scan workflow's findings callback is lost.
      const digest = 'sha256:'.padEnd(71, 'a');
      harbor.add({ project: 'identity', repository: 'identity-gateway', digest, state: 'Success', findings: { Medium: 3 } });
      const event = build({ component: 'identity-gateway', strategy: 'fast' });
      event.artifactManifest.images = [{ name: 'harbor.example.com/identity/identity-gateway', digest }];
      const ref: { id?: string } = {};
      let submitted = settled('scan', () => ref.id);
      const res = await t.api('POST', '/api/v1/builds', event);
      assert.equal(res.status, 201);
      const id = (ref.id = res.body.id as string);
      await submitted;
      const scan = await workflow(scanOf(id), 'scan');
      await argo.play(scan.name, { scan: 'drop' });
      submitted = settled('phase', () => id);
      clock.advance(RECONCILE_MS);
      let d = await t.waitFor(id, (x) => x.status === 'InProgress', 'reconciled scan');
      assert.match(d.history.find((h) => h.status === 'Scanned')?.detail ?? '', /3 medium/, 'the findings read from Harbor');
      await submitted;
      const wf = await phaseWorkflow(d, 'dev');
      await argo.play(wf.name, { releases: Object.fromEntries(d.phases[0].releases.map((r) => [r.id, 'drop' as const])), phase: 'drop' });
      assert.equal(argo.workflow(wf.name)!.phase, 'Succeeded');
      clock.advance(RECONCILE_MS);
      d = await t.waitFor(id, (x) => x.phases[0].status === 'Completed', 'reconciled phase');
      assert.ok(d.phases[0].releases.every((r) => r.status === 'Succeeded'));
    });

    test('a workflow that failed without its callbacks, or was deleted: its releases fail with the reason', async () => {
      for (const how of ['failed', 'deleted'] as const) {
        const id = await submit();
        const submitted = settled('phase', () => id);
        const d = await scanned(id);
        await submitted;
        const wf = await phaseWorkflow(d, 'dev');
        if (how === 'failed') argo.setPhase(wf.name, 'Failed', 'child dcp-x failed: pod deleted');
        else argo.delete(wf.name);
        clock.advance(RECONCILE_MS);
        const failed = await t.waitFor(id, (x) => x.status === 'Failed', how);
        assert.match(failed.phases[0].releases[0].statusDetail, how === 'failed' ? /pod deleted/ : /workflow .* deleted/);
      }
    });

    test('callback tokens: forged, missing or DCP\'s own → 401; another workflow\'s → 403; a malformed body → 400; a repeat → 204, nothing changes', async () => {
      const a = await submit({ component: 'token-service' });
      const b = await submit({ component: 'token-service' });
      const wa = await workflow(scanOf(a), 'scanning a');
      const wb = await workflow(scanOf(b), 'scanning b');
      const call = (authorization: string | undefined, body: object) =>
        fetch(`${t.url}/api/v1/workflow-callbacks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(body),
        });
      const done = (w: FakeWorkflow, id: string) => ({ workflow: w.name, kind: 'scan', id, status: 'Succeeded', findings: { critical: 1 } });
      const tokenA = `Bearer ${wa.parameters.callbackToken}`;
      assert.equal((await call(undefined, done(wa, a))).status, 401);
      assert.equal((await call('Bearer dcpwf_forged', done(wa, a))).status, 401);
      assert.equal((await call('Bearer test-admin-token', done(wa, a))).status, 401, "DCP's own tokens open no callback");
      assert.equal((await call(tokenA, done(wb, b))).status, 403, 'a token is for its own workflow only');
      assert.equal((await call(tokenA, { ...done(wa, b), workflow: wa.name })).status, 403, 'nor for another deployment');
      const malformed = await call(tokenA, { workflow: wa.name, kind: 'scan', id: a, status: 'Done' });
      assert.equal(malformed.status, 400);
      assert.match(JSON.stringify(await malformed.json()), /status/);
      assert.equal((await call(tokenA, { ...done(wa, a), status: 'Running' })).status, 400, 'findings only with Succeeded');
      // The API token does not open other routes either.
      assert.equal((await t.api('GET', '/api/v1/teams', undefined, { authorization: tokenA })).status, 401);
      assert.equal((await t.dcp.deployments.get(a)).status, 'Scanning', 'nothing changed');
      assert.equal((await t.dcp.deployments.get(b)).status, 'Scanning', 'nothing changed');

      assert.equal((await call(tokenA, done(wa, a))).status, 204);
      const d = await t.waitFor(a, (x) => x.status === 'InProgress');
      assert.match(d.history.find((h) => h.status === 'Scanned')?.detail ?? '', /1 critical/);
      const before = (await t.dcp.deployments.get(a)).history;
      assert.equal((await call(tokenA, done(wa, a))).status, 204, 'a repeat is accepted');
      assert.deepEqual((await t.dcp.deployments.get(a)).history, before, 'and changes nothing');

      // Once the deployment has ended and nothing of it runs, the token expires (after a grace for late repeats).
      assert.equal((await t.api('POST', `/api/v1/deployments/${b}/cancel`, {})).status, 200);
      clock.advance(11 * 60_000);
      assert.equal((await call(`Bearer ${wb.parameters.callbackToken}`, { workflow: wb.name, kind: 'scan', id: b, status: 'Running' })).status, 401);
    });
  });
}
