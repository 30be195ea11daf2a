/**
 * The Helm release driver against the fake helm (test/fakes/helm/helm): the exact argv it runs
 * (never a shell), Helm 3 vs 4, the kill at its timeout, stderr in the detail, idempotency through
 * `helm status`, and which failures are the driver's. The contract suite covers the rest.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FAKE_HELM_DIR, fakeHelmFiles, type FakeHelmFiles } from '../../../test/contracts/helm.ts';
import { releaseRequest } from '../../../test/contracts/release-adapters.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { ManualClock } from '../../shared/clocks.ts';
import { createHelmReleaseDriver, type HelmReleaseDriverOptions } from './helm.ts';
import type { ReleaseRequest } from './port.ts';

const clock = new ManualClock();
const live = () => new AbortController().signal;
let files: FakeHelmFiles;

beforeEach(() => {
  files = fakeHelmFiles();
});
afterEach(() => files.remove());

const driver = (env: Record<string, string> = {}, options: Partial<HelmReleaseDriverOptions> = {}) =>
  createHelmReleaseDriver({ timeoutMs: 120_000, env: files.env(env), ...options });
const request = (target: Partial<ReleaseRequest['target']> = { kubeContext: 'prod-usw2-1' }) => releaseRequest(clock, 'prod-usw2-1', target);
const upgrades = () => files.calls().filter((argv) => argv[0] === 'upgrade');

describe('Helm release driver', () => {
  test('Helm 3: version once, status, then upgrade --install with exactly these arguments (--atomic), found on PATH', async () => {
    const r = request();
    const result = await driver().release(r, live());
    assert.equal(result.outcome, 'Succeeded', result.detail);
    assert.equal(result.detail, 'Released payments-api@1.42.0 to prod-usw2-1 (helm revision 1)');
    assert.deepEqual(files.calls(), [
      ['version', '--template', '{{.Version}}'],
      ['status', 'payments-api', '--namespace', 'payments', '--kube-context', 'prod-usw2-1', '-o', 'json'],
      [
        'upgrade', '--install', 'payments-api', 'oci://registry.example.com/charts/payments-api', '--version', '1.42.0',
        '--namespace', 'payments', '--kube-context', 'prod-usw2-1', '--create-namespace', '--wait', '--timeout', '120s',
        '--atomic', '--description', `dcp:${r.idempotencyKey}`, '-o', 'json',
      ],
    ]);
  });

  test('Helm 4: --rollback-on-failure instead of --atomic; the version is read once per driver', async () => {
    const helm = driver({ FAKE_HELM_VERSION: 'v4.0.1' });
    await helm.release(request(), live());
    await helm.release(request(), live());
    const calls = files.calls();
    assert.equal(calls.filter((argv) => argv[0] === 'version').length, 1);
    for (const argv of upgrades()) {
      assert.ok(argv.includes('--rollback-on-failure'));
      assert.ok(!argv.includes('--atomic'));
    }
  });

  test('chart refs: --repo for an HTTP chart repository, the bare name without one; no kube context, the service as namespace', async () => {
    const http = request({});
    http.target.namespace = undefined;
    http.artifact.charts = [{ name: 'payments-api', version: '1.42.0', repository: 'https://charts.example.com' }];
    const bare = request({});
    bare.artifact.charts = [{ name: 'payments-api', version: '1.42.0' }];
    const helm = driver();
    await helm.release(http, live());
    await helm.release(bare, live());
    const [first, second] = upgrades();
    assert.deepEqual(first.slice(0, 11), ['upgrade', '--install', 'payments-api', 'payments-api', '--repo', 'https://charts.example.com', '--version', '1.42.0', '--namespace', 'payments-api', '--create-namespace']);
    assert.ok(!first.includes('--kube-context'));
    assert.deepEqual(second.slice(0, 6), ['upgrade', '--install', 'payments-api', 'payments-api', '--version', '1.42.0']);
  });

  test('arguments are argv, never a shell: a chart name with shell syntax reaches helm as one argument', async () => {
    const r = request();
    r.artifact.charts = [{ name: 'x; touch /tmp/pwned-$(id -u)', version: '1.0.0' }];
    await driver().release(r, live());
    assert.equal(upgrades()[0][3], 'x; touch /tmp/pwned-$(id -u)');
  });

  test("a failed upgrade: Failed with the tail of helm's stderr, one line, at most 300 characters", async () => {
    const result = await driver({ FAKE_HELM_SCENARIO: 'fail' }).release(request(), live());
    assert.equal(result.outcome, 'Failed');
    assert.match(result.detail, /^helm upgrade payments-api@1\.42\.0 on prod-usw2-1 failed: .*Error: UPGRADE FAILED: release failed, and has been rolled back due to atomic being set: context deadline exceeded/);
    assert.doesNotMatch(result.detail, /\n/);
    assert.ok(result.detail.length <= 300);
  });

  test('a helm that hangs is killed at its timeout (SIGTERM): Failed "helm timed out after …"', async () => {
    const result = await driver({ FAKE_HELM_SCENARIO: 'hang' }, { timeoutMs: 300, killMarginMs: 0, killGraceMs: 200 }).release(request(), live());
    // The promise settles when the process has exited: nothing is left running.
    assert.equal(result.outcome, 'Failed');
    assert.match(result.detail, /^helm timed out after 300 ms and was killed/);
    assert.ok(upgrades()[0].includes('1s'), 'helm itself got --timeout 1s');
  });

  test('a helm that ignores SIGTERM gets SIGKILL', async () => {
    const result = await driver({ FAKE_HELM_SCENARIO: 'hang-ignore-term' }, { timeoutMs: 300, killMarginMs: 0, killGraceMs: 200 }).release(request(), live());
    assert.equal(result.outcome, 'Failed');
    assert.match(result.detail, /timed out/);
  });

  describe('idempotency through helm status (a new driver: DCP restarted)', () => {
    test('deployed with description dcp:<key>: Succeeded, no upgrade run', async () => {
      const r = request();
      await driver().release(r, live());
      const again = await driver().release(structuredClone(r), live());
      assert.equal(again.outcome, 'Succeeded');
      assert.match(again.detail, /already deployed/);
      assert.equal(upgrades().length, 1);
    });

    test('failed with description dcp:<key>: Failed, no upgrade run', async () => {
      const r = request();
      const state = JSON.parse(readFileSync(files.state, 'utf8'));
      state.releases['prod-usw2-1/payments/payments-api'] = { status: 'failed', description: `dcp:${r.idempotencyKey}`, revision: 3 };
      writeFileSync(files.state, JSON.stringify(state));
      assert.equal((await driver().release(r, live())).outcome, 'Failed');
      assert.equal(upgrades().length, 0);
    });

    test('deployed by another release (another key): the upgrade runs', async () => {
      await driver().release(request(), live());
      await driver().release(request(), live());
      assert.equal(upgrades().length, 2);
    });
  });

  test('stopped before helm runs: Cancelled, no upgrade; already stopped: helm is not run at all', async () => {
    const stop = new AbortController();
    const pending = driver().release(request(), stop.signal);
    stop.abort();
    assert.equal((await pending).outcome, 'Cancelled');
    assert.equal(upgrades().length, 0);
    const before = files.calls().length;
    assert.equal((await driver().release(request(), stop.signal)).outcome, 'Cancelled');
    assert.equal(files.calls().length, before);
  });

  describe("the driver's own failures", () => {
    test('no helm binary (ENOENT): Permanent, naming DCP_HELM_BIN', async () => {
      await assert.rejects(driver({}, { bin: join(tmpdir(), 'nowhere', 'helm') }).release(request(), live()), (error: Error) => error instanceof PermanentIntegrationError && /DCP_HELM_BIN/.test(error.message));
      // `helm` looked up on a PATH without it.
      await assert.rejects(createHelmReleaseDriver({ timeoutMs: 1000, env: { PATH: files.dir } }).release(request(), live()), PermanentIntegrationError);
    });

    test('a binary that is not helm (no version): Permanent', async () => {
      await assert.rejects(driver({}, { bin: join(FAKE_HELM_DIR, 'fake-helm.mjs'), env: { PATH: '/nonexistent' } }).release(request(), live()), PermanentIntegrationError);
    });

    test('the cluster is unreachable (helm status): Retryable, nothing run', async () => {
      await assert.rejects(driver({ FAKE_HELM_SCENARIO: 'unreachable' }).release(request(), live()), RetryableIntegrationError);
      assert.equal(upgrades().length, 0);
    });

    test('the kube context does not exist: Failed naming it (the target is misconfigured; a retry will not help)', async () => {
      const result = await driver({ FAKE_HELM_SCENARIO: 'no-context' }).release(request(), live());
      assert.equal(result.outcome, 'Failed');
      assert.match(result.detail, /context "prod-usw2-1" does not exist/);
    });

    test('an artifact without a chart: Permanent', async () => {
      const r = request();
      r.artifact.charts = [];
      await assert.rejects(driver().release(r, live()), /has no chart/);
    });
  });
});
