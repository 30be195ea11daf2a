/**
 * The Harbor scan provider against test/fakes/harbor.ts (which checks every call and answer
 * against Harbor's swagger): Harbor's paths and encoding, every image counted, one scan request,
 * failed scans never passing, and errors sorted into retryable and permanent.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { FAKE_HARBOR_PASSWORD, FAKE_HARBOR_USER, startFakeHarbor, type FakeHarbor } from '../../../test/fakes/harbor.ts';
import { loadSwagger } from '../../../test/fakes/swagger.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ArtifactManifest } from '../../core/types.ts';
import { ManualClock } from '../../shared/clocks.ts';
import { createHarborScanProvider, harborArtifact } from './harbor.ts';
import type { ScanProvider, ScanRequest } from './port.ts';

let harbor: FakeHarbor;
let provider: ScanProvider;
let n = 0;
const clock = new ManualClock();

before(async () => {
  harbor = await startFakeHarbor();
  provider = createHarborScanProvider({ url: `${harbor.url}/`, username: FAKE_HARBOR_USER, password: FAKE_HARBOR_PASSWORD, clock });
});
after(() => harbor.close());
afterEach(() => {
  assert.deepEqual(harbor.violations, [], 'every call and answer matched the Harbor swagger');
  harbor.requests.length = 0;
});

const digest = () => `sha256:${(++n).toString(16).padStart(64, 'a')}`;
function request(images: ArtifactManifest['images']): ScanRequest {
  return { deploymentId: `d-${n}`, since: clock.now(), artifact: { name: 'svc', version: '1.0.0', charts: [], annotations: {}, images } };
}

describe('where an image lives in Harbor', () => {
  const cases: [string, ArtifactManifest['images'][number], string][] = [
    ['project and repository', { name: 'registry.example.com/payments/api', digest: 'sha256:1' }, '/projects/payments/repositories/api/artifacts/sha256:1'],
    ['a nested repository is encoded twice', { name: 'harbor.example.com/library/team/svc', digest: 'sha256:1' }, '/projects/library/repositories/team%252Fsvc/artifacts/sha256:1'],
    ['three levels', { name: 'harbor.example.com/library/a/b/c', digest: 'sha256:1' }, '/projects/library/repositories/a%252Fb%252Fc/artifacts/sha256:1'],
    ['a registry with a port', { name: 'localhost:5000/payments/api', tag: 'v1' }, '/projects/payments/repositories/api/artifacts/v1'],
    ['the digest wins over the tag', { name: 'harbor.example.com/p/r', digest: 'sha256:1', tag: 'v1' }, '/projects/p/repositories/r/artifacts/sha256:1'],
    ['no registry host', { name: 'payments/api', tag: '1.2.3' }, '/projects/payments/repositories/api/artifacts/1.2.3'],
  ];
  for (const [name, image, path] of cases) test(`${name}: ${path}`, () => assert.equal(harborArtifact(image).path, path));

  test('a name without a project, or an image without a digest or tag: permanent', () => {
    assert.throws(() => harborArtifact({ name: 'registry.example.com/api', digest: 'sha256:1' }), PermanentIntegrationError);
    assert.throws(() => harborArtifact({ name: 'registry.example.com/payments/api' }), /neither a digest nor a tag/);
  });
});

test('double encoding on the wire: the fake finds team/svc and sees a%252Fb', async () => {
  const d = digest();
  harbor.add({ project: 'library', repository: 'team/svc', digest: d, state: 'Success', findings: { High: 1 } });
  assert.deepEqual(await provider.status(request([{ name: 'harbor.example.com/library/team/svc', digest: d }])), { done: true, findings: { counts: { high: 1 } } });
  assert.equal(harbor.requests[0].url, `/api/v2.0/projects/library/repositories/team%252Fsvc/artifacts/${d}?with_scan_overview=true`);
  assert.equal(harbor.requests[0].acceptVulnerabilities, 'application/vnd.security.vulnerability.report; version=1.1, application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0');
});

test('every image counts: not done until all are scanned, then the findings summed over them', async () => {
  const [a, b] = [digest(), digest()];
  harbor.add({ project: 'payments', repository: 'api', digest: a, state: 'Success', findings: { Critical: 1, High: 2, Negligible: 1 } });
  harbor.add({ project: 'payments', repository: 'worker', digest: b, findings: { High: 3, Medium: 1, Unknown: 2 } });
  const scan = request([{ name: 'harbor.example.com/payments/api', digest: a }, { name: 'harbor.example.com/payments/worker', digest: b }]);
  const waiting = await provider.status(scan);
  assert.equal(waiting.done, false);
  assert.match(!waiting.done ? waiting.detail ?? '' : '', /Harbor is scanning payments\/worker@/);
  harbor.finishScans();
  // Negligible and Unknown count as low (see harbor.ts).
  assert.deepEqual(await provider.status(scan), { done: true, findings: { counts: { critical: 1, high: 5, medium: 1, low: 3 } } });
});

test('many images waiting: one line naming the first two', async () => {
  const images = Array.from({ length: 5 }, (_, i) => ({ name: `harbor.example.com/payments/many-${i}`, digest: digest() }));
  for (const [i, image] of images.entries()) harbor.add({ project: 'payments', repository: `many-${i}`, digest: image.digest, state: 'Running' });
  const status = await provider.status(request(images));
  assert.deepEqual(status, { done: false, detail: `Harbor is scanning payments/many-0@${images[0].digest}; Harbor is scanning payments/many-1@${images[1].digest}; and 3 more images` });
});

test('a scan is requested once: later polls, and a second poll at the same time, do not ask again', async () => {
  const d = digest();
  harbor.add({ project: 'payments', repository: 'once', digest: d });
  const scan = request([{ name: 'harbor.example.com/payments/once', digest: d }]);
  await Promise.all([provider.status(scan), provider.status(scan)]);
  await provider.status(scan);
  assert.equal(harbor.get('payments', 'once', d).scanRequests, 1);
  assert.equal(harbor.requests.filter((r) => r.method === 'POST').length, 1);
  // Harbor lost the request (still not scanned): DCP says so, and does not ask again.
  harbor.get('payments', 'once', d).state = 'Not Scanned';
  const status = await provider.status(scan);
  assert.deepEqual(status, { done: false, detail: `Harbor has not started the scan of payments/once@${d} DCP asked for at ${clock.now().toISOString()}` });
  assert.equal(harbor.get('payments', 'once', d).scanRequests, 1);
});

test('a scan another process asked for between our read and our request (409) is fine', async () => {
  const d = digest();
  const artifact = harbor.add({ project: 'payments', repository: 'busy', digest: d });
  // The other process's scan request lands just before ours: Harbor answers ours 409.
  const racing: typeof fetch = async (url, init) => {
    if (init?.method === 'POST') artifact.state = 'Pending';
    return fetch(url, init);
  };
  const racer = createHarborScanProvider({ url: harbor.url, username: FAKE_HARBOR_USER, password: FAKE_HARBOR_PASSWORD, clock, fetch: racing });
  const scan = request([{ name: 'harbor.example.com/payments/busy', digest: d }]);
  assert.deepEqual(await racer.status(scan), { done: false, detail: `Harbor is scanning payments/busy@${d}` });
  assert.equal(artifact.scanRequests, 1, 'the one POST was answered 409');
  assert.deepEqual(await racer.status(scan), { done: false, detail: `Harbor is scanning payments/busy@${d}` });
});

for (const state of ['Error', 'Stopped'] as const) {
  test(`a scan in ${state}: not done, the reason in detail, never a pass`, async () => {
    const d = digest();
    harbor.add({ project: 'payments', repository: `failed-${state}`, digest: d, state });
    const status = await provider.status(request([{ name: `harbor.example.com/payments/failed-${state}`, digest: d }]));
    assert.equal(status.done, false);
    assert.match(!status.done ? status.detail ?? '' : '', new RegExp(`^Harbor: scan ${state.toLowerCase()} for payments/failed-${state}@sha256:\\w+ \\(report [-\\w]+\\): re-scan it in Harbor$`));
    assert.equal(harbor.get('payments', `failed-${state}`, d).scanRequests, 0, 'a failed scan is not retried by DCP');
  });
}

test('an artifact Harbor does not have yet (404): not done, and no scan requested', async () => {
  const status = await provider.status(request([{ name: 'harbor.example.com/payments/late', digest: 'sha256:late' }]));
  assert.deepEqual(status, { done: false, detail: 'Harbor: artifact not in Harbor yet: payments/late@sha256:late' });
  assert.equal(harbor.requests.filter((r) => r.method === 'POST').length, 0);
});

test('an artifact deleted between the read and the scan request: not done, and asked again later', async () => {
  const d = digest();
  harbor.add({ project: 'payments', repository: 'gone', digest: d });
  let deleteOnPost = true;
  const racing: typeof fetch = async (url, init) => {
    if (init?.method === 'POST' && deleteOnPost) {
      deleteOnPost = false;
      return new Response(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'gone' }] }), { status: 404 });
    }
    return fetch(url, init);
  };
  const racer = createHarborScanProvider({ url: harbor.url, username: FAKE_HARBOR_USER, password: FAKE_HARBOR_PASSWORD, clock, fetch: racing });
  const scan = request([{ name: 'harbor.example.com/payments/gone', digest: d }]);
  assert.deepEqual(await racer.status(scan), { done: false, detail: `Harbor did not start a scan of payments/gone@${d}: artifact not in Harbor yet` });
  assert.deepEqual(await racer.status(scan), { done: false, detail: `Harbor is scanning payments/gone@${d}` });
  assert.equal(harbor.get('payments', 'gone', d).scanRequests, 1);
});

test('401: PermanentIntegrationError; 500 and a closed port: RetryableIntegrationError', async () => {
  const d = digest();
  harbor.add({ project: 'payments', repository: 'auth', digest: d, state: 'Success' });
  const scan = request([{ name: 'harbor.example.com/payments/auth', digest: d }]);
  const wrong = createHarborScanProvider({ url: harbor.url, username: FAKE_HARBOR_USER, password: 'nope', clock });
  await assert.rejects(wrong.status(scan), (error: unknown) => error instanceof PermanentIntegrationError && /HTTP 401: UNAUTHORIZED/.test(error.message));
  const anonymous = createHarborScanProvider({ url: harbor.url, clock });
  await assert.rejects(anonymous.status(scan), PermanentIntegrationError);
  harbor.failNext(1);
  await assert.rejects(provider.status(scan), RetryableIntegrationError);
  assert.deepEqual(await provider.status(scan), { done: true, findings: { counts: {} } });
});

test('answers that are not Harbor JSON: permanent', async () => {
  const scan = request([{ name: 'h.example.com/p/r', digest: 'sha256:1' }]);
  const answering = (status: number, body: string) => createHarborScanProvider({ url: 'http://harbor.test', clock, fetch: async () => new Response(body, { status }) });
  await assert.rejects(answering(200, '<html>').status(scan), /not JSON/);
  const bad = JSON.stringify({ scan_overview: { 'application/vnd.security.vulnerability.report; version=1.1': { scan_status: 'Success', summary: { summary: { High: -1 } } } } });
  await assert.rejects(answering(200, bad).status(scan), /not a whole number/);
  await assert.rejects(answering(200, JSON.stringify({ scan_overview: { 'application/vnd.security.vulnerability.report; version=1.1': { scan_status: 'Success' } } })).status(scan), /without summary/);
  await assert.rejects(answering(403, JSON.stringify({ errors: [{ code: 'FORBIDDEN', message: 'no' }] })).status(scan), PermanentIntegrationError);
  await assert.rejects(answering(503, '').status(scan), RetryableIntegrationError);
});

describe('the fake checks itself against the swagger', () => {
  const swagger = loadSwagger(new URL('../../../test/fixtures/harbor/swagger.yaml', import.meta.url).pathname, { strict: ['NativeReportSummary'] });
  test('a misspelt field in a closed definition is caught', () => {
    assert.deepEqual(swagger.definition('NativeReportSummary', { scan_status: 'Success' }), []);
    assert.match(swagger.definition('NativeReportSummary', { scan_stauts: 'Success' }).join(), /additional properties "scan_stauts"/);
    assert.match(swagger.definition('VulnerabilitySummary', { summary: { High: 'two' } }).join(), /must be integer/);
  });
  test('requests: unknown paths, methods and query parameters are caught', () => {
    assert.ok('problems' in swagger.request('GET', '/api/v2.0/projects/p/repos/r', {}, undefined));
    assert.ok('problems' in swagger.request('PUT', '/api/v2.0/projects/p/repositories/r/artifacts/sha256:1/scan', {}, undefined));
    assert.ok('problems' in swagger.request('GET', '/api/v2.0/projects/p/repositories/r/artifacts/x?with_scan_overveiw=true', {}, undefined));
    const ok = swagger.request('POST', '/api/v2.0/projects/p/repositories/a%252Fb/artifacts/sha256:1/scan', {}, { scan_type: 'vulnerability' });
    assert.ok('operation' in ok && ok.operation.operationId === 'scanArtifact');
  });
  test('a repository encoded once is refused by the fake', async () => {
    const answer = await fetch(`${harbor.url}/api/v2.0/projects/p/repositories/a%2Fb/artifacts/sha256:1`, { headers: { authorization: 'x' } });
    assert.equal(answer.status, 400);
    assert.match(harbor.violations.join(), /encoded once/);
    harbor.violations.length = 0;
  });
});
