/**
 * DCP_EXECUTOR=argo as a real process: killed with SIGKILL between Argo creating a workflow and
 * DCP committing that it did (the fake Argo Server creates the workflow and cuts the connection
 * before its answer), then restarted on the same data — exactly one workflow per scan and phase,
 * and the adopted workflow's callbacks are accepted (its token's hash was committed first).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeWorkflow } from './fakes/argo-server.ts';
import { api, freePort, guard, startChild, stream, type DcpChild } from './helpers/child.ts';
import { configWithCpc } from './helpers/config.ts';
import { build, openTestDb, type Backend } from './helpers/dcp.ts';

const TOKEN = 't';
const GUARD_MS = 30_000;
/** Short, so that on PostgreSQL the restarted process claims the dead one's submit soon. */
const LEASE_MS = 2000;
const CONFIG = configWithCpc((cluster) => `https://cpc.${cluster}.example.com`);

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  describe(`Argo executor as a process (${backend})`, () => {
    const cleanups: (() => Promise<unknown> | void)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    test('SIGKILL between submit and commit: restarted, the workflow is adopted, never submitted twice', async () => {
      const argo = await startFakeArgo({ namespace: 'argo', token: FAKE_ARGO_TOKEN });
      cleanups.push(() => argo.close());
      const port = await freePort();
      const dir = mkdtempSync(path.join(tmpdir(), `dcp-argo-restart-${backend}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const env: Record<string, string> = {
        PORT: String(port), DCP_PUBLIC_URL: `http://127.0.0.1:${port}`, DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: TOKEN, DCP_CONFIG: CONFIG,
        DCP_LEASE_MS: String(LEASE_MS), DCP_EXECUTOR: 'argo', DCP_ARGO_URL: argo.url, DCP_ARGO_TOKEN: FAKE_ARGO_TOKEN, DCP_ARGO_RECONCILE: '1h',
      };
      if (backend === 'postgres') {
        const database = await openTestDb('postgres');
        cleanups.push(() => database.drop());
        env.DATABASE_URL = database.url!;
      }
      const children = new Set<DcpChild>();
      cleanups.push(() => Promise.allSettled([...children].map((c) => c.kill('SIGKILL'))));
      const start = async () => {
        const child = await startChild(env, GUARD_MS);
        children.add(child);
        return child;
      };

      const first = await start();
      // The scan's submit reaches Argo, which creates the workflow, but DCP never hears back.
      argo.loseSubmitAnswers(1);
      const submitted = await api(first.url, TOKEN, 'POST', '/api/v1/builds', build({ strategy: 'fast' }));
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
      const id: string = submitted.body.id;
      const isScan = (w: FakeWorkflow) => w.labels['dcp.io/deployment'] === id && w.labels['dcp.io/kind'] === 'scan';
      const scan = await guard(argo.waitForWorkflow(isScan), GUARD_MS, () => `no scan workflow; DCP said: ${first.stderr.slice(-1000)}`);
      // Killed before its retry (backoff ≥ 200 ms) could look the workflow up.
      assert.equal((await first.kill('SIGKILL')).signal, 'SIGKILL');

      const second = await start();
      // The restarted DCP retries the submit: it lists by labels, finds the workflow, and adopts it.
      await guard(argo.waitForRequest((r) => r.method === 'GET' && r.path.includes('labelSelector') && r.path.includes(id) && argo.requests.indexOf(r) > argo.requests.findIndex((q) => q.method === 'POST')), GUARD_MS + LEASE_MS, () => 'no lookup after the restart');
      const played = await argo.play(scan.name, { scan: { findings: {} } });
      assert.deepEqual(played.callbacks.map((c) => c.status), [204], 'the adopted workflow\'s token is the one DCP stored');
      await stream(second.url, TOKEN, (e) => e.type === 'DeploymentScanned', { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'DeploymentScanned' });

      // The first phase goes to Argo once, as a new workflow.
      const dev = await guard(argo.waitForWorkflow((w) => w.labels['dcp.io/deployment'] === id && w.labels['dcp.io/kind'] === 'phase'), GUARD_MS, () => 'no phase workflow');
      await argo.play(dev.name);
      await stream(second.url, TOKEN, (e) => e.type === 'DeploymentPhaseCompleted', { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'dev completed' });
      const ofDeployment = argo.workflows().filter((w) => w.labels['dcp.io/deployment'] === id);
      assert.equal(ofDeployment.filter(isScan).length, 1, 'one scan workflow');
      assert.equal(argo.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`dcp.io/deployment=${id},dcp.io/kind=scan`)).length, 1, 'the scan was submitted once');
      const d = await api(second.url, TOKEN, 'GET', `/api/v1/deployments/${id}`);
      assert.equal(d.body.phases[0].status, 'Completed');
      await second.kill('SIGKILL');
    });
  });
}
