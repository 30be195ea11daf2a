import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CheckSpec, HttpCheckSpec, PrometheusCheckSpec, ScanCheckSpec } from '../../core/types.ts';
import { REFUSED_URL } from '../../../test/contracts/servers.ts';
import { ManualClock } from '../../shared/clocks.ts';
import { createSimulatedScanProvider } from '../scan/simulated.ts';
import { parseJsonPath } from './json-path.ts';
import type { CheckContext } from './port.ts';
import { createPrometheusCheck } from './prometheus.ts';
import { createCheckRunner } from './runner.ts';

const servers: Server[] = [];
after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real HTTP server on 127.0.0.1, on a free port; closed in `after`. Returns its base URL. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const clock = new ManualClock();
const context = (annotations: Record<string, string> = {}): CheckContext => ({
  deploymentId: 'd-1',
  service: 'api',
  environment: 'prod',
  artifact: { name: 'api', version: '1.2.3', images: [], charts: [], annotations },
  scanSince: new Date(clock.now().getTime() - 60_000),
});
const runner = createCheckRunner({ scan: createSimulatedScanProvider({ clock }) });
const run = (check: CheckSpec, annotations?: Record<string, string>) => runner.run(check, context(annotations), new AbortController().signal);

describe('http check', () => {
  let base = '';
  let silent = '';
  before(async () => {
    base = await serve((req, res) => {
      const routes: Record<string, [number, string]> = {
        '/ok': [200, 'fine'],
        '/no-content': [204, ''],
        '/down': [503, 'upstream unavailable'],
        '/health': [200, JSON.stringify({ status: 'ok', checks: [{ name: 'db', up: true }], 'odd key': 1 })],
        '/degraded': [200, JSON.stringify({ status: 'degraded' })],
        '/html': [200, '<html>hello</html>'],
      };
      const [status, body] = routes[req.url ?? ''] ?? [404, 'not found'];
      res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' }).end(body);
    });
    // Accepts the request and never answers.
    silent = await serve(() => {});
  });
  const http = (path: string, extra: Partial<HttpCheckSpec> = {}): HttpCheckSpec => ({ name: 'health', type: 'http', url: `${base}${path}`, ...extra });

  test('passes on 200', async () => {
    assert.deepEqual(await run(http('/ok')), { status: 'Passed', detail: `GET ${base}/ok answered 200` });
  });

  test('passes on the expected status, and only on it', async () => {
    assert.equal((await run(http('/no-content', { expectStatus: 204 }))).status, 'Passed');
    assert.deepEqual(await run(http('/ok', { expectStatus: 204 })), { status: 'Failed', detail: `GET ${base}/ok answered 200, expected 204: fine` });
  });

  test('fails on 503, saying what came back', async () => {
    assert.deepEqual(await run(http('/down')), { status: 'Failed', detail: `GET ${base}/down answered 503, expected 2xx: upstream unavailable` });
  });

  test('passes when the JSON path equals the value', async () => {
    assert.deepEqual(await run(http('/health', { jsonPath: '$.status', equals: 'ok' })), { status: 'Passed', detail: `GET ${base}/health answered 200; $.status is "ok"` });
    assert.equal((await run(http('/health', { jsonPath: "$.checks[0]['name']", equals: 'db' }))).status, 'Passed');
    assert.equal((await run(http('/health', { jsonPath: '$.checks[0]', equals: { name: 'db', up: true } }))).status, 'Passed');
    assert.equal((await run(http('/health', { jsonPath: '$["odd key"]', equals: 1 }))).status, 'Passed');
  });

  test('fails when the value differs', async () => {
    assert.deepEqual(await run(http('/degraded', { jsonPath: '$.status', equals: 'ok' })), { status: 'Failed', detail: '$.status is "degraded", expected "ok"' });
    assert.deepEqual(await run(http('/health', { jsonPath: '$.checks[0].up', equals: 'true' })), { status: 'Failed', detail: '$.checks[0].up is true, expected "true"' });
  });

  test('fails when the path is missing', async () => {
    for (const jsonPath of ['$.state', '$.checks[1]', '$.status.length', '$.checks.name']) {
      const outcome = await run(http('/health', { jsonPath, equals: 'ok' }));
      assert.equal(outcome.status, 'Failed', jsonPath);
      assert.match(outcome.detail, new RegExp(`^\\${jsonPath.replace(/[.[\]]/g, '\\$&')} is missing in the answer of GET`));
    }
  });

  test('is unavailable when the body is not JSON', async () => {
    assert.deepEqual(await run(http('/html', { jsonPath: '$.status', equals: 'ok' })), {
      status: 'Unavailable',
      detail: `GET ${base}/html answered 200 with a body that is not JSON: <html>hello</html>`,
    });
  });

  test('is unavailable when the connection is refused', async () => {
    const outcome = await run({ name: 'health', type: 'http', url: `${REFUSED_URL}/ok` });
    assert.equal(outcome.status, 'Unavailable');
    assert.match(outcome.detail, /^GET http:\/\/127\.0\.0\.1:\d+\/ok failed: .*ECONNREFUSED/);
  });

  test('is unavailable when the server does not answer in time', async () => {
    assert.deepEqual(await run({ name: 'health', type: 'http', url: `${silent}/ok`, timeoutMs: 100 }), {
      status: 'Unavailable',
      detail: `GET ${silent}/ok did not answer within 100 ms`,
    });
  });

  test('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const outcome = runner.run({ name: 'health', type: 'http', url: `${silent}/ok` }, context(), controller.signal);
    controller.abort();
    assert.deepEqual(await outcome, { status: 'Unavailable', detail: `GET ${silent}/ok was cancelled` });
  });

  test('fails at once on a bad url or an unsupported JSON path', async () => {
    assert.equal((await run({ name: 'h', type: 'http', url: 'not a url' })).status, 'Failed');
    const outcome = await run(http('/health', { jsonPath: '$..status', equals: 'ok' }));
    assert.deepEqual(outcome, { status: 'Failed', detail: `unsupported JSONPath "$..status" at position 2: expected a key after "."; only $, .key, ['key'] and [0] are supported` });
  });
});

describe('JSONPath subset', () => {
  test('parses $, .key, [\'key\'] and [0]', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath(`$.a['b c'][0]["d\\"e"].f-g[12]`), ['a', 'b c', 0, 'd"e', 'f-g', 12]);
  });

  test('rejects anything else', () => {
    for (const path of ['status', '$.*', '$[*]', '$[-1]', '$[01]', '$[0:2]', "$[?(@.a)]", '$.', "$['a]", '$ .a']) {
      assert.throws(() => parseJsonPath(path), /unsupported JSONPath/, path);
    }
  });
});

describe('prometheus check', () => {
  let base = '';
  let silent = '';
  const sample = (metric: Record<string, string>, value: string) => ({ metric, value: [1767603600.123, value] });
  before(async () => {
    // A Prometheus-compatible responder: the result depends on the query string.
    base = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = url.searchParams.get('query') ?? '';
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      const vector = (result: unknown[]) => reply(200, { status: 'success', data: { resultType: 'vector', result } });
      if (url.pathname !== '/api/v1/query') return reply(404, '404 page not found');
      if (query === 'one') return vector([sample({ __name__: 'one', job: 'api' }, '1')]);
      if (query === 'error_rate') {
        return vector([
          sample({ __name__: 'error_rate', job: 'api', instance: 'a' }, '0.01'),
          sample({ __name__: 'error_rate', job: 'api', instance: 'b' }, '0.07'),
          sample({ __name__: 'error_rate', job: 'api', instance: 'c' }, '0.09'),
        ]);
      }
      if (query === 'nan') return vector([sample({ job: 'api' }, 'NaN')]);
      if (query === 'inf') return vector([sample({}, '+Inf')]);
      if (query === 'absent_metric') return vector([]);
      if (query === 'scalar(0.5)') return reply(200, { status: 'success', data: { resultType: 'scalar', result: [1767603600, '0.5'] } });
      if (query === 'up[5m]') return reply(200, { status: 'success', data: { resultType: 'matrix', result: [] } });
      if (query === 'garbage') return reply(200, 'this is not json');
      if (query === 'boom') return reply(500, 'internal error');
      return reply(400, { status: 'error', errorType: 'bad_data', error: `invalid parameter "query": parse error: ${query}` });
    });
    silent = await serve(() => {});
  });
  const prom = (query: string, op: PrometheusCheckSpec['op'], threshold: number, url = base): PrometheusCheckSpec => ({ name: 'errors', type: 'prometheus', url, query, op, threshold });

  test('compares with every op', async () => {
    const expected: [PrometheusCheckSpec['op'], number, 'Passed' | 'Failed'][] = [
      ['<', 2, 'Passed'], ['<', 1, 'Failed'],
      ['<=', 1, 'Passed'], ['<=', 0.5, 'Failed'],
      ['>', 0, 'Passed'], ['>', 1, 'Failed'],
      ['>=', 1, 'Passed'], ['>=', 1.5, 'Failed'],
      ['==', 1, 'Passed'], ['==', 0, 'Failed'],
    ];
    for (const [op, threshold, status] of expected) {
      const outcome = await run(prom('one', op, threshold));
      assert.equal(outcome.status, status, `1 ${op} ${threshold}: ${outcome.detail}`);
      assert.equal(outcome.detail, status === 'Passed' ? `one{job="api"} = 1, ${op} ${threshold}` : `one{job="api"} = 1, expected ${op} ${threshold}`);
    }
  });

  test('fails naming the first offending series', async () => {
    assert.deepEqual(await run(prom('error_rate', '<', 0.05)), { status: 'Failed', detail: 'error_rate{job="api",instance="b"} = 0.07, expected < 0.05 (3 series)' });
    assert.deepEqual(await run(prom('error_rate', '<', 0.1)), { status: 'Passed', detail: 'all 3 series < 0.1' });
  });

  test('reads a scalar result', async () => {
    assert.deepEqual(await run(prom('scalar(0.5)', '<', 1)), { status: 'Passed', detail: 'scalar = 0.5, < 1' });
    assert.deepEqual(await run(prom('scalar(0.5)', '>', 1)), { status: 'Failed', detail: 'scalar = 0.5, expected > 1' });
  });

  test('fails on NaN whatever the op, and reads infinities', async () => {
    for (const op of ['<', '<=', '>', '>=', '=='] as const) assert.equal((await run(prom('nan', op, 0))).status, 'Failed', op);
    assert.equal((await run(prom('inf', '>', 1e308))).status, 'Passed');
  });

  test('fails when the query returns no series', async () => {
    assert.deepEqual(await run(prom('absent_metric', '<', 1)), { status: 'Failed', detail: 'the query returned no series' });
  });

  test('accepts a url that already names the query endpoint, or ends with a slash', async () => {
    assert.equal((await run(prom('one', '==', 1, `${base}/api/v1/query`))).status, 'Passed');
    assert.equal((await run(prom('one', '==', 1, `${base}/`))).status, 'Passed');
  });

  test('is unavailable on a Prometheus error, saying why', async () => {
    assert.deepEqual(await run(prom('rate(x[5m]', '<', 1)), {
      status: 'Unavailable',
      detail: `Prometheus at ${base}/api/v1/query answered an error (bad_data): invalid parameter "query": parse error: rate(x[5m]`,
    });
  });

  test('is unavailable on a 500, a body that is not JSON, or a result it does not read', async () => {
    assert.deepEqual(await run(prom('boom', '<', 1)), { status: 'Unavailable', detail: `Prometheus at ${base}/api/v1/query answered 500: internal error` });
    assert.deepEqual(await run(prom('garbage', '<', 1)), { status: 'Unavailable', detail: `Prometheus at ${base}/api/v1/query answered a body that is not JSON: this is not json` });
    assert.deepEqual(await run(prom('up[5m]', '<', 1)), { status: 'Unavailable', detail: `Prometheus at ${base}/api/v1/query: the query returned a matrix result; the check reads a vector or a scalar` });
  });

  test('is unavailable when Prometheus does not answer in time', async () => {
    const check = createPrometheusCheck({ timeoutMs: 100 });
    assert.deepEqual(await check(prom('one', '<', 1, silent), context(), new AbortController().signal), {
      status: 'Unavailable',
      detail: `Prometheus at ${silent}/api/v1/query did not answer within 100 ms`,
    });
  });
});

describe('scan check', () => {
  const findings = { 'dcp.simulator/scan-findings': 'critical:1,high:3', 'dcp.simulator/scan-ms': '0' };
  const scan = (maxSeverity: ScanCheckSpec['maxSeverity']): ScanCheckSpec => ({ name: 'vulns', type: 'scan', maxSeverity });

  test('fails on findings at or above maxSeverity, naming the counts', async () => {
    assert.deepEqual(await run(scan('critical'), findings), { status: 'Failed', detail: '1 critical finding (at or above critical)' });
    assert.deepEqual(await run(scan('high'), findings), { status: 'Failed', detail: '1 critical, 3 high findings (at or above high)' });
    assert.deepEqual(await run(scan('low'), findings), { status: 'Failed', detail: '1 critical, 3 high findings (at or above low)' });
  });

  test('passes when nothing is at or above maxSeverity', async () => {
    assert.deepEqual(await run(scan('critical'), { 'dcp.simulator/scan-findings': 'high:3,low:2', 'dcp.simulator/scan-ms': '0' }), {
      status: 'Passed',
      detail: 'no finding at or above critical; 3 high, 2 low findings below it',
    });
    assert.deepEqual(await run(scan('low'), { 'dcp.simulator/scan-ms': '0' }), { status: 'Passed', detail: 'no finding at or above low' });
  });

  test('is unavailable while the scan is not done', async () => {
    // Began waiting a minute ago; this scan takes an hour.
    assert.deepEqual(await run(scan('critical'), { ...findings, 'dcp.simulator/scan-ms': '3600000' }), { status: 'Unavailable', detail: "the artifact's scan is not done" });
  });

  test('a provider that throws makes the check unavailable', async () => {
    const broken = createCheckRunner({ scan: { status: () => Promise.reject(new Error('scan API answered 502')) } });
    assert.deepEqual(await broken.run(scan('high'), context(), new AbortController().signal), { status: 'Unavailable', detail: 'scan API answered 502' });
  });
});

describe('credentials in a url', () => {
  test('are sent as Basic auth and never shown', async () => {
    const base = await serve((req, res) => {
      const ok = req.headers.authorization === `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;
      res.writeHead(ok ? 200 : 401).end(ok ? 'welcome' : 'who are you');
    });
    const url = base.replace('http://', 'http://ops:s3cret@');
    assert.deepEqual(await run({ name: 'h', type: 'http', url: `${url}/x` }), { status: 'Passed', detail: `GET ${base}/x answered 200` });
    const wrong = await run({ name: 'h', type: 'http', url: `${url.replace('s3cret', 'guess')}/x` });
    assert.deepEqual(wrong, { status: 'Failed', detail: `GET ${base}/x answered 401, expected 2xx: who are you` });
  });
});
