/**
 * The artifact API scan provider (`http`) against test/fakes/artifact-api.ts: the one GET it
 * makes, and its strict reading of the answer (docs/integrations/scan.md).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { REFUSED_URL } from '../../../test/contracts/servers.ts';
import { startFakeArtifactApi, type FakeArtifactApi } from '../../../test/fakes/artifact-api.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ScanRequest } from './port.ts';
import { createHttpScanProvider } from './http.ts';

const TOKEN = 't0ken';
let api: FakeArtifactApi;
let n = 0;

before(async () => {
  api = await startFakeArtifactApi({ token: TOKEN });
});
after(() => api.close());
afterEach(() => {
  assert.deepEqual(api.violations, []);
  api.requests.length = 0;
});

const provider = () => createHttpScanProvider({ url: api.url, token: TOKEN });

function scan(status: string, extra: Record<string, unknown> = {}): ScanRequest {
  n += 1;
  const digests = [`sha256:${n}a`, `sha256:${n}b`];
  api.add({ artifact: 'svc', version: `1.${n}`, digests, status, ...extra });
  return {
    deploymentId: `d-${n}`, since: new Date(0),
    artifact: { name: 'svc', version: `1.${n}`, charts: [], annotations: {}, images: [{ name: 'r.example.com/a', digest: digests[0] }, { name: 'r.example.com/b', digest: digests[1] }, { name: 'r.example.com/c', tag: 'only-a-tag' }] },
  };
}

test('one GET /v1/scans with artifact, version, a digest per image and the bearer token', async () => {
  const request = scan('done', { findings: { high: 2, low: 0 } });
  assert.deepEqual(await provider().status(request), { done: true, findings: { counts: { high: 2 } } });
  assert.deepEqual(api.requests, [{ url: `/v1/scans?artifact=svc&version=1.${n}&digest=sha256%3A${n}a&digest=sha256%3A${n}b`, authorization: `Bearer ${TOKEN}` }]);
});

test('pending, running and error are not done, with a one-line detail; 404 is not known yet', async () => {
  assert.deepEqual(await provider().status(scan('pending')), { done: false, detail: 'the artifact API reports the scan pending' });
  assert.deepEqual(await provider().status(scan('running', { raw: { status: 'running', detail: 'layer 3 of 7\n  (trivy)' } })), { done: false, detail: 'layer 3 of 7 (trivy)' });
  assert.deepEqual(await provider().status(scan('error', { detail: 'scanner crashed' })), { done: false, detail: 'the artifact API reports a scan error: scanner crashed' });
  const unknown = { deploymentId: 'x', since: new Date(0), artifact: { name: 'nobody', version: '0', charts: [], annotations: {}, images: [] } };
  assert.deepEqual(await provider().status(unknown), { done: false, detail: 'the artifact API does not know nobody 0 yet' });
});

test('an unknown status is waited on, not failed on', async () => {
  const status = await provider().status(scan('queued'));
  assert.deepEqual(status, { done: false, detail: 'the artifact API answered status "queued", which DCP does not know (pending, running, done, error)' });
});

test('answers outside the contract are permanent, naming the field', async () => {
  const broken: [unknown, RegExp][] = [
    [{ status: 'done' }, /findings must be an object/],
    [{ status: 'done', findings: { high: 1.5 } }, /findings\.high must be a whole number/],
    [{ status: 'done', findings: { high: -1 } }, /findings\.high must be a whole number/],
    [{ status: 'done', findings: { high: '2' } }, /findings\.high must be a whole number/],
    [{ status: 'done', findings: { negligible: 1 } }, /findings\.negligible is not a severity DCP knows/],
    [['done'], /not a JSON object/],
  ];
  for (const [raw, message] of broken) {
    await assert.rejects(provider().status(scan('done', { raw })), (error: unknown) => error instanceof PermanentIntegrationError && message.test(error.message), JSON.stringify(raw));
  }
});

test('401 is permanent; 503 and a closed port are retryable', async () => {
  const request = scan('done');
  await assert.rejects(createHttpScanProvider({ url: api.url }).status(request), (error: unknown) => error instanceof PermanentIntegrationError && /HTTP 401: a bearer token is required/.test(error.message));
  api.failNext(1);
  await assert.rejects(provider().status(request), RetryableIntegrationError);
  assert.deepEqual(await provider().status(request), { done: true, findings: { counts: {} } });
  const down = createHttpScanProvider({ url: REFUSED_URL, timeoutMs: 2000 });
  await assert.rejects(down.status(request), RetryableIntegrationError);
  const html = createHttpScanProvider({ url: 'http://scan.test', fetch: async () => new Response('<html>', { status: 200 }) });
  await assert.rejects(html.status(request), /not JSON/);
});
