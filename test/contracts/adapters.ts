/**
 * Harnesses for the adapters that talk to a server: the check runner's http, prometheus and scan
 * checks against local servers, the change-case providers (ServiceNow against its fake,
 * test/fakes/servicenow.ts) and the scan providers (Harbor against test/fakes/harbor.ts, the
 * artifact API against test/fakes/artifact-api.ts). A new adapter adds its harness here (or beside its fake) and one
 * line in the port's *.test.ts.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { ArtifactManifest, Severity } from '../../src/core/types.ts';
import type { CheckContext } from '../../src/integrations/checks/port.ts';
import { createCheckRunner } from '../../src/integrations/checks/runner.ts';
import { createBuiltinChangeCaseProvider } from '../../src/integrations/changecases/builtin.ts';
import { createServiceNowChangeCaseProvider } from '../../src/integrations/changecases/servicenow.ts';
import { createHarborScanProvider } from '../../src/integrations/scan/harbor.ts';
import { createHttpScanProvider } from '../../src/integrations/scan/http.ts';
import { createSimulatedScanProvider } from '../../src/integrations/scan/simulated.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { startFakeArtifactApi, type FakeArtifactApi } from '../fakes/artifact-api.ts';
import { FAKE_HARBOR_PASSWORD, FAKE_HARBOR_USER, startFakeHarbor, type FakeHarbor, type HarborSeverity } from '../fakes/harbor.ts';
import { FAKE_SN_PASSWORD, FAKE_SN_TOKEN, FAKE_SN_USER, startFakeServiceNow } from '../fakes/servicenow.ts';
import type { ChangeCaseProviderContractOptions, ChangeCaseProviderHarness } from './change-case-provider.ts';
import type { CheckRunnerHarness } from './check-runner.ts';
import type { ScanProviderContractOptions, ScanProviderHarness } from './scan-provider.ts';
import { REFUSED_URL, localServers } from './servers.ts';

// ---------------------------------------------------------------------------------------------
// Checks

const clock = new ManualClock();

function context(annotations: Record<string, string> = {}, scanSince = new Date(clock.now().getTime() - 60_000)): CheckContext {
  return {
    deploymentId: 'd-1',
    service: 'payments-api',
    environment: 'prod',
    artifact: { name: 'payments-api', version: '1.42.0', images: [], charts: [], annotations: { 'dcp.simulator/scan-ms': '1000', ...annotations } },
    scanSince,
  };
}

const runner = () => createCheckRunner({ scan: createSimulatedScanProvider({ clock }) });

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export async function httpChecks(): Promise<CheckRunnerHarness> {
  const servers = localServers();
  const base = await servers.serve((req, res) => {
    if (req.url === '/health') return json(res, 200, { status: 'ok' });
    if (req.url === '/degraded') return json(res, 200, { status: 'degraded' });
    if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not json</html>');
    return res.writeHead(503).end('upstream unavailable');
  });
  const silent = await servers.silent();
  const check = (url: string) => ({ name: 'health', type: 'http' as const, url, jsonPath: '$.status', equals: 'ok' });
  return {
    runner: runner(),
    passing: { check: check(`${base}/health`), context: context() },
    failing: { check: check(`${base}/degraded`), context: context() },
    unavailable: { check: check(`${base}/html`), context: context() },
    misconfigured: { check: check('ftp://example.com/health'), context: context() },
    hanging: { check: check(`${silent}/health`), context: context() },
    close: () => servers.closeAll(),
  };
}

export async function prometheusChecks(): Promise<CheckRunnerHarness> {
  const servers = localServers();
  // An instant-query endpoint speaking the Prometheus HTTP API: the query names the answer.
  const base = await servers.serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/query') return json(res, 404, { status: 'error', errorType: 'not_found', error: 'no such endpoint' });
    const vector = (value: string) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: 'error_rate', job: 'api' }, value: [1767600000, value] }] } });
    switch (url.searchParams.get('query')) {
      case 'low':
        return json(res, 200, vector('0.01'));
      case 'high':
        return json(res, 200, vector('0.5'));
      default:
        return json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' });
    }
  });
  const silent = await servers.silent();
  const check = (url: string, query: string) => ({ name: 'errors', type: 'prometheus' as const, url, query, op: '<' as const, threshold: 0.05 });
  return {
    runner: runner(),
    passing: { check: check(base, 'low'), context: context() },
    failing: { check: check(base, 'high'), context: context() },
    unavailable: { check: check(base, 'rate(('), context: context() },
    misconfigured: { check: check('not a url', 'low'), context: context() },
    hanging: { check: check(silent, 'low'), context: context() },
    close: () => servers.closeAll(),
  };
}

export async function scanChecks(): Promise<CheckRunnerHarness> {
  const check = { name: 'no-critical', type: 'scan' as const, maxSeverity: 'critical' as const };
  return {
    runner: runner(),
    passing: { check, context: context({ 'dcp.simulator/scan-findings': 'high:2' }) },
    failing: { check, context: context({ 'dcp.simulator/scan-findings': 'critical:1' }) },
    // The scan began just now and takes a second: not done.
    unavailable: { check, context: context({}, clock.now()) },
    misconfigured: { check: { ...check, maxSeverity: 'severe' as never }, context: context() },
  };
}

// ---------------------------------------------------------------------------------------------
// Change cases

export async function builtinChangeCases(): Promise<ChangeCaseProviderHarness> {
  return { provider: createBuiltinChangeCaseProvider() };
}

export interface ServiceNowHarness extends ChangeCaseProviderHarness {
  /** The fake instance's base URL. */
  url: string;
}

export async function serviceNowChangeCases(): Promise<ServiceNowHarness> {
  const sn = await startFakeServiceNow();
  const utc = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
  return {
    url: sn.url,
    provider: createServiceNowChangeCaseProvider({ baseUrl: sn.url, auth: { user: FAKE_SN_USER, password: FAKE_SN_PASSWORD } }),
    casesFor: (caseId) => [...sn.changes.values()].filter((c) => c.correlation_id === caseId).length,
    async approve(externalId, window) {
      sn.set(externalId, { state: '-2', approval: 'approved', start_date: utc(window.start), end_date: utc(window.end) });
    },
    failNext: (n) => sn.failNext(n),
    close: () => sn.close(),
  };
}

export const serviceNowFailures: NonNullable<ChangeCaseProviderContractOptions<ServiceNowHarness>['failures']> = {
  async unreachable() {
    return createServiceNowChangeCaseProvider({ baseUrl: REFUSED_URL, auth: { token: FAKE_SN_TOKEN }, timeoutMs: 2000 });
  },
  async badCredentials(harness) {
    return createServiceNowChangeCaseProvider({ baseUrl: harness.url, auth: { user: FAKE_SN_USER, password: 'wrong' } });
  },
};

// ---------------------------------------------------------------------------------------------
// Scan providers

const HARBOR_SEVERITIES: Record<Severity, HarborSeverity> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** Harbor against test/fakes/harbor.ts; `untilDone` plays Harbor's scan on push for artifacts DCP never asked about. */
export async function harborScans(): Promise<ScanProviderHarness & { harbor: FakeHarbor }> {
  const harbor = await startFakeHarbor();
  const scanClock = new ManualClock();
  let n = 0;
  return {
    harbor,
    provider: createHarborScanProvider({ url: harbor.url, username: FAKE_HARBOR_USER, password: FAKE_HARBOR_PASSWORD, clock: scanClock }),
    now: () => scanClock.now(),
    request(findings = {}) {
      n += 1;
      // A nested repository, so every contract case also crosses Harbor's double encoding.
      const digest = `sha256:${String(n).padStart(64, '0')}`;
      harbor.add({
        project: 'payments', repository: 'team/api', digest,
        findings: Object.fromEntries(Object.entries(findings).map(([severity, count]) => [HARBOR_SEVERITIES[severity as Severity], count])),
      });
      const artifact: ArtifactManifest = {
        name: 'payments-api', version: `1.${n}.0`, charts: [], annotations: {},
        images: [{ name: 'harbor.example.com/payments/team/api', digest }],
      };
      return { deploymentId: `d-${n}`, artifact, since: scanClock.now() };
    },
    async untilDone() {
      harbor.finishScans({ notScanned: true });
    },
    async close() {
      await harbor.close();
      assert.deepEqual(harbor.violations, [], 'every call and answer matched the Harbor swagger');
    },
  };
}

export const harborFailures: NonNullable<ScanProviderContractOptions['failures']> = {
  async retryable() {
    return createHarborScanProvider({ url: REFUSED_URL, username: FAKE_HARBOR_USER, password: FAKE_HARBOR_PASSWORD, clock: new ManualClock(), timeoutMs: 2000 });
  },
  async permanent() {
    const harbor = await startFakeHarbor();
    const provider = createHarborScanProvider({ url: harbor.url, username: FAKE_HARBOR_USER, password: 'wrong', clock: new ManualClock() });
    return {
      async status(request) {
        try {
          return await provider.status(request);
        } finally {
          await harbor.close();
        }
      },
    };
  },
};

const ARTIFACT_API_TOKEN = 'scan-token-123';

/** The artifact API against test/fakes/artifact-api.ts: a scan is known (pending) from the request on. */
export async function artifactApiScans(): Promise<ScanProviderHarness & { api: FakeArtifactApi }> {
  const api = await startFakeArtifactApi({ token: ARTIFACT_API_TOKEN });
  const scanClock = new ManualClock();
  let n = 0;
  return {
    api,
    provider: createHttpScanProvider({ url: `${api.url}/`, token: ARTIFACT_API_TOKEN }),
    now: () => scanClock.now(),
    request(findings = {}) {
      n += 1;
      const digests = [`sha256:${String(n).padStart(64, 'a')}`, `sha256:${String(n).padStart(64, 'b')}`];
      api.add({ artifact: 'payments-api', version: `2.${n}.0`, digests, findings: { ...findings } });
      const artifact: ArtifactManifest = {
        name: 'payments-api', version: `2.${n}.0`, charts: [], annotations: {},
        images: digests.map((digest, i) => ({ name: `registry.example.com/payments/image-${i}`, digest })),
      };
      return { deploymentId: `d-${n}`, artifact, since: scanClock.now() };
    },
    async untilDone() {
      api.finishScans();
    },
    async close() {
      await api.close();
      assert.deepEqual(api.violations, [], 'every call and answer kept the artifact API contract');
    },
  };
}

export const artifactApiFailures: NonNullable<ScanProviderContractOptions['failures']> = {
  async retryable() {
    return createHttpScanProvider({ url: REFUSED_URL, token: ARTIFACT_API_TOKEN, timeoutMs: 2000 });
  },
  async permanent() {
    const api = await startFakeArtifactApi({ token: ARTIFACT_API_TOKEN });
    const provider = createHttpScanProvider({ url: api.url, token: 'wrong' });
    return {
      async status(request) {
        try {
          return await provider.status(request);
        } finally {
          await api.close();
        }
      },
    };
  },
};
