/**
 * Regression tests for the requests the fuzz test (test/fuzz.test.ts) found answered 500, each
 * now a 400 naming the field, problem+json, on both backends: NUL characters and lone surrogates
 * (body, query, path), event positions past a safe integer, `Infinity` in a query, a 9 KB buildId,
 * dates PostgreSQL or PGlite cannot store, simulator annotations the simulator could not use,
 * deep nesting, and Fastify's and Node's own refusals (a bad URL, headers too large).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { isInstant } from '../src/api/input-safety.ts';
import { BACKENDS, TOKEN, build, startTestDcp, type ApiResponse, type TestDcp } from './helpers/dcp.ts';

function fields(res: ApiResponse): string[] {
  return (res.body.errors ?? []).map((e: { field: string }) => e.field);
}

function assertRefused(res: ApiResponse, field: string, status = 400): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.ok(fields(res).includes(field), `expected ${field} in ${JSON.stringify(res.body.errors)}`);
}

test('isInstant: real instants in years 1970–9999 only', () => {
  for (const ok of ['2026-12-01T10:00:00Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999+02:00', '2024-02-29T00:00:00Z']) assert.ok(isInstant(ok), ok);
  for (const bad of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z', '2024-01-01T23:59:60Z', '2024-01-01T00:00:00', '2024-01-01T00:00:00+25:00', '99999-01-01T00:00:00Z', 'yesterday']) {
    assert.ok(!isInstant(bad), bad);
  }
});

for (const backend of BACKENDS) {
  describe(`requests that used to be answered 500 (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      t = await startTestDcp({ backend });
    });
    after(() => t.stop());

    test('a NUL character in a body, a query or a path: 400 naming the field', async () => {
      assertRefused(await t.api('POST', '/api/v1/builds', build({ buildId: 'b\u0000x' })), 'buildId');
      assertRefused(await t.api('GET', '/api/v1/deployments?service=pay%00ments'), 'query.service');
      assertRefused(await t.api('GET', '/api/v1/deployments/abc%00'), 'params.id');
      assertRefused(await t.api('POST', '/api/v1/builds', build({ annotations: { note: 'a\u0000b' } })), 'artifactManifest.annotations.note');
    });

    test('a lone surrogate in a body: 400 naming the field; in a path: 400 problem+json', async () => {
      assertRefused(await t.api('POST', '/api/v1/plans', '{"component":"pay\\ud800","channel":"stable","strategy":"standard"}'), 'component');
      const path = await t.api('GET', '/api/v1/deployments/%ED%A0%80');
      assert.equal(path.status, 400);
      assert.match(path.headers.get('content-type') ?? '', /^application\/problem\+json/);
    });

    test('GET /events and /stream with after=1e20, and limit=Infinity: 400 naming the parameter', async () => {
      assertRefused(await t.api('GET', '/api/v1/events?after=1e20'), 'query.after');
      assertRefused(await t.api('GET', '/api/v1/stream?after=1e20'), 'query.after');
      assertRefused(await t.api('GET', '/api/v1/events?after=Infinity'), 'query.after');
      assertRefused(await t.api('GET', '/api/v1/events?limit=Infinity'), 'query.limit');
      const lastEventId = await t.api('GET', '/api/v1/stream', undefined, { 'last-event-id': '99999999999999999999' });
      assert.equal(lastEventId.status, 400, JSON.stringify(lastEventId.body));
    });

    test('a 9 KB buildId: 400 naming buildId (PostgreSQL refused the index row)', async () => {
      assertRefused(await t.api('POST', '/api/v1/builds', build({ buildId: 'b'.repeat(9 * 1024) })), 'buildId');
      assertRefused(await t.api('POST', '/api/v1/builds', build({ buildId: 'c'.repeat(201) })), 'buildId');
      assert.equal((await t.api('POST', '/api/v1/builds', build({ buildId: 'd'.repeat(200), annotations: { 'dcp.simulator/scan-ms': String(1e12) } }))).status, 201);
    });

    test('freezes starting in year 0, on Feb 30 or at a leap second: 400 naming startsAt', async () => {
      for (const startsAt of ['0000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', '2030-06-30T23:59:60Z', '1969-12-31T23:59:59Z']) {
        assertRefused(await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt, reason: 'r' }), 'startsAt');
      }
      assertRefused(await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: '2030-01-01T00:00:00Z', endsAt: '10000-01-01T00:00:00Z', reason: 'r' }), 'endsAt');
    });

    test('dcp.simulator/scan-ms 1e300 (an Invalid Date, a scan retried forever) and other unusable simulator values: 400 naming the annotation', async () => {
      for (const [name, value] of [['scan-ms', '1e300'], ['scan-ms', '-5'], ['release-ms', 'Infinity'], ['release-ms', '99999999999999'], ['scan-findings', 'severe:1'], ['fail-targets', 'a;b']]) {
        const res = await t.api('POST', '/api/v1/builds', build({ annotations: { [`dcp.simulator/${name}`]: value } }));
        assertRefused(res, `artifactManifest.annotations.dcp.simulator/${name}`);
      }
      const fine = await t.api('POST', '/api/v1/builds', build({ annotations: { 'dcp.simulator/scan-ms': '1000000000000', 'dcp.simulator/scan-findings': 'critical:1, high:3', 'dcp.simulator/fail-targets': 'dev-usw2-1,qa-use1-1' } }));
      assert.equal(fine.status, 201, JSON.stringify(fine.body));
    });

    test('JSON nested 5,000 deep: 400 naming where', async () => {
      const res = await t.api('POST', '/api/v1/deployments/x/cancel', `{"reason":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(fields(res).some((f) => f.startsWith('reason')), JSON.stringify(res.body));
    });

    test('headers over Node\'s limit: 431 problem+json', async () => {
      const url = new URL(t.url);
      const answer = await new Promise<{ status: number; type: string }>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: `/api/v1/deployments?q=${'x'.repeat(100_000)}`, agent: false, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
        });
        req.on('error', reject);
        req.end();
      });
      assert.deepEqual(answer, { status: 431, type: 'application/problem+json' });
    });
  });
}
