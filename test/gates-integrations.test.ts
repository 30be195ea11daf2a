/**
 * Gates that talk to the outside, end to end through the engine: http and prometheus checks
 * against real local servers, a deploy window, and change cases kept in ServiceNow (a local
 * server that answers as its Change Management API does).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto, PhaseDto } from '../src/store/deployment-reads.ts';
import { FAKE_SN_TOKEN, startFakeServiceNow, type FakeServiceNow } from './fakes/servicenow.ts';
import { REFUSED_URL } from './contracts/servers.ts';
import { BACKENDS, UNGATED_CONFIG, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const MINUTE = 60_000;
const phaseOf = (d: DeploymentDto, environment: string): PhaseDto => d.phases.find((p) => p.environment === environment)!;

/** A health endpoint and a Prometheus-API responder whose answers the test sets. */
async function startProbeServer() {
  const state = { health: { status: 'ok' } as unknown, errorRate: 0.01 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/health') return res.end(JSON.stringify(state.health));
    if (url.pathname === '/api/v1/query') {
      return res.end(JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { job: 'ledger-worker' }, value: [Date.now() / 1000, String(state.errorRate)] }] },
      }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, close: () => new Promise((r) => server.close(r)) };
}

function writeConfig(probeUrl: string, deadUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-gates-'));
  cpSync(UNGATED_CONFIG, dir, { recursive: true });
  writeFileSync(join(dir, 'environments.yaml'), `
environments:
  - name: dev
    checks:
      - { name: health, type: http, url: "${probeUrl}/health", jsonPath: "$.status", equals: "ok", timeout: 2s }
      - { name: error-rate, type: prometheus, url: "${probeUrl}", query: "sum(rate(errors[5m]))", op: "<", threshold: 0.05 }
  - name: qa
    windows: [{ timezone: UTC, days: [mon, tue, wed, thu, fri], hours: "10:00-12:00" }]
  - name: stage
    gov: gov-stage
    checks:
      - { name: unreachable, type: http, url: "${deadUrl}/health", timeout: 1s }
  - name: prod
    gov: gov-prod
    changeCase: { required: true, timeout: 14h }
  - name: gov-stage
    isGov: true
  - name: gov-prod
    isGov: true
strategies:
  standard: [dev, qa, stage, prod]
  checked: [dev, qa]
  unreachable: [stage]
  cased: [prod]
`);
  return dir;
}

for (const backend of BACKENDS) {
  describe(`gates with real integrations (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    let probe: Awaited<ReturnType<typeof startProbeServer>>;
    let servicenow: FakeServiceNow;
    let configDir: string;
    before(async () => {
      probe = await startProbeServer();
      servicenow = await startFakeServiceNow();
      configDir = writeConfig(probe.url, REFUSED_URL);
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z')); // a Monday, before the qa window
      t = await startTestDcp({
        backend, clock, configDir,
        env: { DCP_CHANGE_PROVIDER: 'servicenow', DCP_SERVICENOW_URL: servicenow.url, DCP_SERVICENOW_TOKEN: FAKE_SN_TOKEN },
      });
    });
    after(async () => {
      await t.stop();
      await probe.close();
      await servicenow.close();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('http and prometheus checks pass; a deploy window holds the next phase until it opens', async () => {
      probe.state.health = { status: 'ok' };
      probe.state.errorRate = 0.01;
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'checked' }));
      const waiting = await t.waitFor(res.body.id, (d) => phaseOf(d, 'qa').status === 'AwaitingPrerequisites', 'qa waiting for its window');
      assert.deepEqual(phaseOf(waiting, 'dev').checks.map((c) => [c.name, c.status]), [['health', 'Passed'], ['error-rate', 'Passed']]);
      const qa = phaseOf(waiting, 'qa');
      assert.equal(qa.statusDetail, 'Waiting for the deploy window to open at 2026-01-05T10:00:00.000Z');
      assert.equal(qa.prerequisites.window!.met, false);
      clock.set(new Date('2026-01-05T10:00:00Z'));
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Completed');
    });

    test('a failing http check cancels the phase, naming the check and what came back', async () => {
      probe.state.health = { status: 'degraded' };
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'token-service', strategy: 'checked' }));
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Cancelled');
      assert.equal(phaseOf(done, 'dev').statusDetail, 'Check health failed: $.status is "degraded", expected "ok"');
      probe.state.health = { status: 'ok' };
    });

    test('a prometheus check over its threshold cancels the phase', async () => {
      probe.state.errorRate = 0.2;
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent', strategy: 'checked' }));
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Cancelled');
      assert.match(phaseOf(done, 'dev').statusDetail, /^Check error-rate failed: .*0\.2, expected < 0\.05/);
      probe.state.errorRate = 0.01;
    });

    test('a check that cannot be evaluated is retried, then counts as failed with the reason', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'cluster-autoscaler-config', strategy: 'unreachable' }));
      await t.waitFor(res.body.id, (d) => phaseOf(d, 'stage').status === 'Checking', 'stage checking');
      clock.advance(6 * MINUTE); // past the retry window
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Cancelled');
      assert.match(phaseOf(done, 'stage').statusDetail, /^Check unreachable failed: could not be evaluated: /);
    });

    test('a ServiceNow change case: created in the team queue, approved there, read back, closed with the outcome', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'cased' }));
      const waiting = await t.waitFor(res.body.id, (d) => phaseOf(d, 'prod').prerequisites.changeCase?.status === 'new', 'the case');
      const caseId = phaseOf(waiting, 'prod').prerequisites.changeCase!.id as string;
      const created = await servicenow.waitForRequest((r) => r.method === 'POST' && (r.body as any)?.correlation_id === caseId);
      assert.equal(created.path, '/api/sn_chg_rest/v1/change/normal');
      const change = [...servicenow.changes.values()].find((c) => c.correlation_id === caseId)!;
      assert.ok(change, 'a normal change carries our case id as correlation_id');
      // DCP records the change and reads it back: the first poll follows the recording.
      await servicenow.waitForRequest((r) => r.method === 'GET' && r.path === `/api/sn_chg_rest/v1/change/${change.sys_id}`);
      assert.equal(change.assignment_group, 'PAYMENTS-CHG');
      const ours = (await t.api('GET', `/api/v1/change-cases/${caseId}`)).body;
      assert.equal(ours.provider, 'servicenow');
      assert.equal(ours.number, change.number);
      const moved = await t.api('POST', `/api/v1/change-cases/${caseId}/transition`, { status: 'submitted' });
      assert.equal(moved.status, 409, 'a ServiceNow case is moved in ServiceNow');

      servicenow.set(change.sys_id, { state: '-2', approval: 'approved', start_date: '2026-01-05 09:00:00', end_date: '2026-01-05 18:00:00' });
      clock.advance(MINUTE); // the next poll reads it back
      const done = await t.waitFor(res.body.id, ended);
      assert.equal(done.status, 'Completed');
      const closed = (await t.api('GET', `/api/v1/change-cases/${caseId}`)).body;
      assert.equal(closed.status, 'closed');
      assert.deepEqual(closed.deployWindow, { start: '2026-01-05T09:00:00.000Z', end: '2026-01-05T18:00:00.000Z' });
      await servicenow.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(change.sys_id));
      assert.equal(servicenow.changes.get(change.sys_id)!.close_code, 'successful');
    });
  });
}

for (const backend of BACKENDS) {
  describe(`a change-case provider that refuses for good (${backend})`, () => {
    let t: TestDcp;
    let servicenow: FakeServiceNow;
    let configDir: string;
    before(async () => {
      servicenow = await startFakeServiceNow();
      configDir = writeConfig('http://127.0.0.1:1', 'http://127.0.0.1:1');
      t = await startTestDcp({
        backend, configDir, clock: new ManualClock(new Date('2026-01-05T09:00:00Z')),
        env: { DCP_CHANGE_PROVIDER: 'servicenow', DCP_SERVICENOW_URL: servicenow.url, DCP_SERVICENOW_TOKEN: 'a-revoked-token' },
      });
    });
    after(async () => {
      await t.stop();
      await servicenow.close();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('a 401 from ServiceNow cancels the phase at once with the reason (not retried until the 14 h timeout)', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'cased' }));
      const done = await t.waitFor(res.body.id, ended, 'the refusal to end it');
      assert.equal(done.status, 'Cancelled');
      const prod = phaseOf(done, 'prod');
      assert.equal(prod.status, 'Cancelled');
      assert.match(prod.statusDetail, /^servicenow refused the change case: .*401.*check the ServiceNow credentials/);
      const caseId = (await t.api('GET', `/api/v1/change-cases?deployment=${res.body.id}`)).body.items[0].id;
      const record = (await t.api('GET', `/api/v1/change-cases/${caseId}`)).body;
      assert.match(record.statusDetail, /refused the change case/);
      assert.equal(servicenow.requests.length, 1, 'asked once, not retried');
    });
  });
}
