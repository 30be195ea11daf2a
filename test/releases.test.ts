/**
 * Real releases with the embedded executor, end to end over HTTP on both databases: the security
 * scan from Harbor (a loopback fake checked against Harbor's Swagger, and its SCANNING_COMPLETED
 * webhook), releases through CPC (a fake of docs/integrations/cpc.md) and through Helm (a fake
 * `helm` on disk that records its argv). Argo is in test/argo.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { startFakeCpc, type FakeCpc } from './fakes/cpc.ts';
import { FAKE_HARBOR_PASSWORD, FAKE_HARBOR_USER, startFakeHarbor, type FakeHarbor } from './fakes/harbor.ts';
import { configWithCpc, configWithTargets } from './helpers/config.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const WEBHOOK_SECRET = 'harbor-webhook-secret';
const FAKE_HELM = fileURLToPath(new URL('./fakes/helm/helm', import.meta.url));

/** A build whose image lives in Harbor (project `payments`) under `digest`. */
function harborBuild(component: string, digest: string, strategy = 'fast') {
  const event = build({ component, strategy });
  event.artifactManifest.images = [{ name: `harbor.example.com/payments/${component}`, digest }];
  return event;
}

let digestCounter = 0;
const newDigest = () => `sha256:${(++digestCounter).toString(16).padStart(64, '0')}`;

for (const backend of BACKENDS) {
  describe(`releases through CPC, scanned by Harbor (${backend})`, () => {
    let cpc: FakeCpc;
    let harbor: FakeHarbor;
    let t: TestDcp;
    let clock: ManualClock;

    before(async () => {
      cpc = await startFakeCpc({ requireToken: 'cpc-token', instant: true });
      harbor = await startFakeHarbor();
      clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
      t = await startTestDcp({
        backend, clock, configDir: configWithCpc(() => cpc.url),
        env: {
          DCP_RELEASE_DRIVER: 'cpc', DCP_CPC_TOKEN: 'cpc-token',
          DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: harbor.url, DCP_HARBOR_USERNAME: FAKE_HARBOR_USER, DCP_HARBOR_PASSWORD: FAKE_HARBOR_PASSWORD,
          DCP_HARBOR_WEBHOOK_SECRET: WEBHOOK_SECRET,
        },
      });
    });
    after(async () => {
      await t.stop();
      await cpc.close();
      await harbor.close();
      assert.deepEqual(harbor.violations, [], 'every Harbor request and answer as its Swagger says');
    });

    /**
     * The settled scan polls of each deployment, counted from the start: a poll may settle before
     * the build's answer reaches the test (so before the test knows the deployment's id).
     */
    const polls = new Map<string, number>();
    const pollWaiters = new Set<() => void>();
    before(() => {
      t.dcp.engine.onJobSettled((job) => {
        if (job.kind !== 'scan.poll' || !job.deploymentId) return;
        polls.set(job.deploymentId, (polls.get(job.deploymentId) ?? 0) + 1);
        for (const wake of pollWaiters) wake();
      });
    });
    /** Resolves once the deployment's scan has been polled `n` times. */
    const polled = (id: string, n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if ((polls.get(id) ?? 0) < n) return;
          pollWaiters.delete(check);
          resolve();
        };
        pollWaiters.add(check);
        check();
      });

    const webhook = (digest: string, authorization = WEBHOOK_SECRET) =>
      t.api('POST', '/api/v1/webhooks/harbor', {
        type: 'SCANNING_COMPLETED', occur_at: 1767000000, operator: 'auto',
        event_data: {
          resources: [{ digest, tag: '1.42.0', resource_url: `harbor.example.com/payments/payments-api@${digest}` }],
          repository: { name: 'payments-api', namespace: 'payments', repo_full_name: 'payments/payments-api', repo_type: 'private' },
        },
      }, { authorization });

    test('a build: Harbor not scanned → a scan requested once → running → done (the webhook ends the wait) → every target released through CPC → Completed', async () => {
      const digest = newDigest();
      harbor.add({ project: 'payments', repository: 'payments-api', digest, findings: { High: 2, Negligible: 1 } });
      const res = await t.api('POST', '/api/v1/builds', harborBuild('payments-api', digest));
      assert.equal(res.status, 201);
      const id = res.body.id as string;
      await polled(id, 1);
      assert.equal(harbor.get('payments', 'payments-api', digest).scanRequests, 1, 'DCP asked Harbor to scan it');
      let d = await t.dcp.deployments.get(id);
      assert.equal(d.status, 'Scanning');
      assert.match(d.statusDetail, /Harbor/i, 'the deployment says what it waits for');

      clock.advance(60_000); // DCP_SCAN_POLL
      await polled(id, 2);
      assert.equal(harbor.get('payments', 'payments-api', digest).scanRequests, 1, 'asked once, not at every poll');
      assert.equal((await t.dcp.deployments.get(id)).status, 'Scanning');

      // A webhook with the wrong secret changes nothing; the right one makes DCP look at once (no clock move).
      assert.equal((await webhook(digest, 'wrong')).status, 401);
      harbor.finishScans();
      const hook = await webhook(digest);
      assert.equal(hook.status, 202);
      assert.deepEqual(hook.body, { deployments: [id], ignored: null });
      d = await t.waitFor(id, (x) => x.status === 'Completed', 'completed');
      assert.match(d.history.find((h) => h.status === 'Scanned')?.detail ?? '', /2 high, 1 low/);
      const releases = d.phases.flatMap((p) => p.releases);
      assert.ok(releases.every((r) => r.status === 'Succeeded' && /deployed to payments-api on /.test(r.statusDetail)), JSON.stringify(releases));
      for (const r of releases) {
        assert.equal(cpc.appliedCount(`release:${r.id}`), 1, `${r.target} released once`);
        const put = cpc.requests.find((q) => q.method === 'PUT' && q.key === `release:${r.id}`)!;
        assert.equal(put.authorization, 'Bearer cpc-token');
        assert.deepEqual(put.body, { cluster: r.target, namespace: 'payments-api', release: 'payments-api', chart: 'payments-api', chartVersion: '1.42.0', repository: 'oci://registry.example.com/charts', timeoutSeconds: 600 });
      }
      const audit = (await t.api('GET', '/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fwebhooks%2Fharbor&limit=10')).body.items;
      assert.deepEqual(audit.map((a: { actor: string; outcome: string }) => `${a.actor} ${a.outcome}`).sort(), ['anonymous denied', 'harbor-webhook success']);
    });

    test('a target CPC fails: the release Failed with CPC\'s detail, DeploymentPhaseFailed, the deployment Failed', async () => {
      const digest = newDigest();
      harbor.add({ project: 'payments', repository: 'ledger-worker', digest, state: 'Success' });
      cpc.failing.add('prod-use1-1');
      try {
        const res = await t.api('POST', '/api/v1/builds', harborBuild('ledger-worker', digest));
        const d: DeploymentDto = await t.waitFor(res.body.id, (x) => x.status === 'Failed', 'failed');
        const prod = d.phases.find((p) => p.environment === 'prod')!;
        assert.equal(prod.status, 'Failed');
        const failed = prod.releases.find((r) => r.target === 'prod-use1-1')!;
        assert.equal(failed.status, 'Failed');
        assert.match(failed.statusDetail, /context deadline exceeded/);
        assert.doesNotMatch(failed.statusDetail, /\n/, 'one line');
        const types = (await t.api('GET', `/api/v1/events?deployment=${d.id}&limit=500`)).body.items.map((e: { type: string }) => e.type);
        assert.ok(types.includes('DeploymentPhaseFailed'));
      } finally {
        cpc.failing.delete('prod-use1-1');
      }
    });

    test('Harbor unreachable: the deployment says so and waits — never a pass — then goes on when Harbor is back', async () => {
      const digest = newDigest();
      harbor.add({ project: 'payments', repository: 'identity-gateway', digest, state: 'Success' });
      harbor.failNext(1);
      const res = await t.api('POST', '/api/v1/builds', harborBuild('identity-gateway', digest));
      await polled(res.body.id, 1);
      const d = await t.dcp.deployments.get(res.body.id);
      assert.equal(d.status, 'Scanning');
      assert.match(d.statusDetail, /cannot be reached/);
      clock.advance(60_000);
      await t.waitFor(res.body.id, (x) => x.status === 'Completed', 'completed after Harbor came back');
    });
  });

  describe(`releases through Helm (${backend})`, () => {
    let t: TestDcp;
    let dir: string;
    const log = () => readFileSync(path.join(dir, 'argv.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'dcp-helm-e2e-'));
      writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ releases: {}, failing: ['ctx-prod-euc1-1'] }));
      // The fake helm reads these from the environment DCP runs helm with (its own).
      process.env.FAKE_HELM_LOG = path.join(dir, 'argv.jsonl');
      process.env.FAKE_HELM_STATE = path.join(dir, 'state.json');
      process.env.FAKE_HELM_VERSION = 'v4.0.1';
      t = await startTestDcp({
        backend,
        configDir: configWithTargets((target) => ({ kubeContext: `ctx-${target.cluster}` })),
        env: { DCP_RELEASE_DRIVER: 'helm', DCP_HELM_BIN: FAKE_HELM, DCP_HELM_TIMEOUT: '5m' },
      });
    });
    after(async () => {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('each target: helm upgrade --install with the chart, version, namespace, context, --wait, --timeout and --rollback-on-failure (Helm 4), never a shell; a failing context fails the phase with helm\'s stderr', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'payments-api', strategy: 'standard' }));
      assert.equal(res.status, 201);
      const d = await t.waitFor(res.body.id, (x) => x.status === 'Failed' || x.status === 'Completed', 'ended');
      const dev = d.phases.find((p) => p.environment === 'dev')!;
      assert.equal(dev.status, 'Completed');
      const upgrades = log().filter((argv) => argv[0] === 'upgrade');
      const devUpgrade = upgrades.find((argv) => argv.includes('ctx-dev-usw2-1'))!;
      assert.deepEqual(devUpgrade, [
        'upgrade', '--install', 'payments-api', 'oci://registry.example.com/charts/payments-api', '--version', '1.42.0', '--namespace', 'payments-api',
        '--kube-context', 'ctx-dev-usw2-1', '--create-namespace', '--wait', '--timeout', '300s', '--rollback-on-failure',
        '--description', `dcp:release:${dev.releases[0].id}`, '-o', 'json',
      ]);
      for (const flag of ['--install', '--wait', '--rollback-on-failure', '--create-namespace']) assert.ok(devUpgrade.includes(flag), flag);
      assert.ok(!devUpgrade.includes('--atomic'), 'Helm 4 has --rollback-on-failure instead');
      assert.equal(devUpgrade[devUpgrade.indexOf('--kube-context') + 1], 'ctx-dev-usw2-1');
      assert.equal(devUpgrade[devUpgrade.indexOf('--namespace') + 1], 'payments-api');
      assert.equal(devUpgrade[devUpgrade.indexOf('--version') + 1], '1.42.0');
      assert.equal(devUpgrade[devUpgrade.indexOf('--timeout') + 1], '300s');
      assert.ok(dev.releases.every((r) => r.status === 'Succeeded'));
      assert.equal(d.status, 'Failed');
      const prod = d.phases.find((p) => p.environment === 'prod')!;
      const failed = prod.releases.find((r) => r.target === 'prod-euc1-1')!;
      assert.equal(failed.status, 'Failed');
      assert.match(failed.statusDetail, /UPGRADE FAILED|failed/i);
    });
  });
}
