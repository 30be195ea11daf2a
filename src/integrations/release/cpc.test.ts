/**
 * The CPC release driver against the fake CPC (test/fakes/cpc.ts): the exact calls of
 * docs/integrations/cpc.md, polling on the clock, abort, idempotency across a restart, and how
 * failures are sorted. The contract suite (test/contracts/release-drivers.test.ts) covers the rest.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CPC_POLL_MS, CPC_TOKEN, SteppingClock, releaseRequest } from '../../../test/contracts/release-adapters.ts';
import { localServers } from '../../../test/contracts/servers.ts';
import { flush } from '../../../test/contracts/simulated.ts';
import { startFakeCpc, type FakeCpc } from '../../../test/fakes/cpc.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { createCpcReleaseDriver, type CpcReleaseDriverOptions } from './cpc.ts';
import type { ReleaseRequest } from './port.ts';

let cpc: FakeCpc;
let clock: SteppingClock;
const servers = localServers();
const live = () => new AbortController().signal;

before(async () => {
  cpc = await startFakeCpc({ requireToken: CPC_TOKEN });
});
after(async () => {
  await cpc.close();
  await servers.closeAll();
});
beforeEach(() => {
  clock = new SteppingClock();
  cpc.requests.length = 0;
  cpc.up();
});

const driver = (options: Partial<CpcReleaseDriverOptions> = {}) => createCpcReleaseDriver({ clock, token: CPC_TOKEN, pollMs: CPC_POLL_MS, ...options });
const request = (target: Partial<ReleaseRequest['target']> = {}) => releaseRequest(clock, `c-${Math.random().toString(36).slice(2, 8)}`, { cpcEndpoint: cpc.url, ...target });

/** Waits until the driver sleeps for its next poll, applies `change` to CPC, then lets the poll's time pass. */
async function nextPoll(change: () => void = () => undefined): Promise<void> {
  await clock.someoneSleeping();
  change();
  clock.advance(CPC_POLL_MS);
  await flush();
}

describe('CPC release driver', () => {
  test('PUTs the release by its key, with the bearer token and exactly the documented body', async () => {
    const r = request();
    r.idempotencyKey = 'rel 1/attempt:1';
    r.artifact.charts = [{ name: 'payments-api', version: '1.42.0' }];
    r.target.namespace = undefined;
    const pending = driver({ timeoutSeconds: 900 }).release(r, live());
    await cpc.whenApplied(r.idempotencyKey);
    const put = cpc.requests[0];
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, `/v1/releases/${encodeURIComponent('rel 1/attempt:1')}`);
    assert.equal(put.authorization, `Bearer ${CPC_TOKEN}`);
    assert.deepEqual(put.body, {
      cluster: r.target.cluster, namespace: 'payments-api', release: 'payments-api',
      chart: 'payments-api', chartVersion: '1.42.0', repository: null, timeoutSeconds: 900,
    });
    await nextPoll(() => cpc.finish(r.idempotencyKey));
    assert.equal((await pending).outcome, 'Succeeded');
  });

  test('polls GET once every pollMs on the clock, never faster, until the release is terminal', async () => {
    const r = request();
    const pending = driver().release(r, live());
    await nextPoll();
    await nextPoll();
    const gets = () => cpc.requests.filter((q) => q.method === 'GET' && q.key === r.idempotencyKey).length;
    await clock.someoneSleeping();
    assert.equal(gets(), 2, 'one GET per poll interval');
    await nextPoll(() => cpc.touch(r.idempotencyKey));
    await nextPoll(() => cpc.finish(r.idempotencyKey));
    const result = await pending;
    assert.equal(gets(), 4);
    assert.deepEqual(result, { outcome: 'Succeeded', detail: `Release payments-api (payments-api@1.42.0) deployed to payments on ${r.target.cluster}` });
  });

  test('no token configured: no Authorization header (a CPC without auth)', async () => {
    const open = await startFakeCpc();
    try {
      const r = request({ cpcEndpoint: open.url });
      const pending = driver({ token: null }).release(r, live());
      await open.whenApplied(r.idempotencyKey);
      assert.equal(open.requests[0].authorization, undefined);
      await nextPoll(() => open.finish());
      assert.equal((await pending).outcome, 'Succeeded');
    } finally {
      await open.close();
    }
  });

  test("a failed release: Failed with CPC's detail on one line, at most ~300 characters", async () => {
    const r = request();
    cpc.failing.add(r.target.cluster);
    const pending = driver().release(r, live());
    await cpc.whenApplied(r.idempotencyKey);
    cpc.releases.get(r.idempotencyKey)!.status = 'Running';
    cpc.finish(r.idempotencyKey);
    cpc.releases.get(r.idempotencyKey)!.detail = `line one\nline two ${'x'.repeat(500)}`;
    await nextPoll();
    const result = await pending;
    assert.equal(result.outcome, 'Failed');
    assert.match(result.detail, /^CPC release of payments-api@1\.42\.0 to c-\w+ failed: line one line two x+…$/);
    assert.ok(result.detail.length <= 300);
  });

  test('a stop before CPC touched the cluster: POST abort, Aborted → Cancelled', async () => {
    const r = request();
    const stop = new AbortController();
    const pending = driver().release(r, stop.signal);
    await clock.someoneSleeping();
    stop.abort();
    const result = await pending;
    assert.equal(result.outcome, 'Cancelled');
    assert.deepEqual(cpc.requests.map((q) => q.method), ['PUT', 'POST']);
    assert.equal(cpc.requests[1].path, `/v1/releases/${encodeURIComponent(r.idempotencyKey)}/abort`);
    assert.equal(cpc.releases.get(r.idempotencyKey)!.status, 'Aborted');
  });

  test('a stop once CPC touched the cluster: one abort, then polls on to the real outcome', async () => {
    const r = request();
    const stop = new AbortController();
    const pending = driver().release(r, stop.signal);
    await cpc.whenApplied(r.idempotencyKey);
    cpc.touch(r.idempotencyKey);
    await clock.someoneSleeping();
    stop.abort();
    await nextPoll();
    await nextPoll();
    await nextPoll(() => cpc.finish(r.idempotencyKey));
    assert.equal((await pending).outcome, 'Succeeded');
    assert.equal(cpc.requests.filter((q) => q.method === 'POST').length, 1, 'abort is sent once');
  });

  test('already stopped: Cancelled without calling CPC', async () => {
    const stop = new AbortController();
    stop.abort();
    assert.equal((await driver().release(request(), stop.signal)).outcome, 'Cancelled');
    assert.equal(cpc.requests.length, 0);
  });

  test('after a restart (a new driver) the same key PUTs again: CPC answers 200 with the final status, nothing is released again', async () => {
    const r = request();
    const first = driver().release(r, live());
    await cpc.whenApplied(r.idempotencyKey);
    await nextPoll(() => cpc.finish(r.idempotencyKey));
    assert.equal((await first).outcome, 'Succeeded');
    const again = await driver().release(structuredClone(r), live());
    assert.equal(again.outcome, 'Succeeded');
    assert.equal(cpc.appliedCount(r.idempotencyKey), 1);
  });

  test('a target without cpcEndpoint, or an artifact without a chart: PermanentIntegrationError naming it', async () => {
    await assert.rejects(driver().release(request({ cpcEndpoint: undefined }), live()), (error: Error) => {
      assert.ok(error instanceof PermanentIntegrationError);
      assert.match(error.message, /Target c-\w+ has no cpcEndpoint/);
      return true;
    });
    const r = request();
    r.artifact.charts = [];
    await assert.rejects(driver().release(r, live()), /has no chart/);
  });

  describe('failures', () => {
    test('CPC down (503): Retryable; back up: the release goes on', async () => {
      cpc.down();
      const r = request();
      await assert.rejects(driver().release(r, live()), RetryableIntegrationError);
      cpc.up();
      const pending = driver().release(r, live());
      await cpc.whenApplied(r.idempotencyKey);
      await nextPoll(() => cpc.finish(r.idempotencyKey));
      assert.equal((await pending).outcome, 'Succeeded');
    });

    test('a poll that fails is Retryable (the engine re-drives: the PUT finds the release)', async () => {
      const r = request();
      const pending = driver().release(r, live());
      await clock.someoneSleeping();
      cpc.down();
      clock.advance(CPC_POLL_MS);
      await assert.rejects(pending, RetryableIntegrationError);
    });

    test('the same key with another body: 409 → Permanent', async () => {
      const r = request();
      const pending = driver().release(r, live());
      await cpc.whenApplied(r.idempotencyKey);
      const other = structuredClone(r);
      other.artifact.charts[0].version = '9.9.9';
      await assert.rejects(driver().release(other, live()), (error: Error) => error instanceof PermanentIntegrationError && /HTTP 409/.test(error.message));
      await nextPoll(() => cpc.finish(r.idempotencyKey));
      await pending;
    });

    test('a wrong token: 401 → Permanent, saying to check DCP_CPC_TOKEN', async () => {
      await assert.rejects(driver({ token: 'wrong' }).release(request(), live()), (error: Error) => error instanceof PermanentIntegrationError && /401.*DCP_CPC_TOKEN/.test(error.message));
    });

    const answering = (status: number, body: string): typeof fetch => async () => new Response(body, { status, headers: { 'content-type': 'application/json' } });
    const cases: [string, number, string, typeof RetryableIntegrationError | typeof PermanentIntegrationError][] = [
      ['429', 429, '{"error":"slow down"}', RetryableIntegrationError],
      ['500', 500, 'oops', RetryableIntegrationError],
      ['400', 400, '{"error":"unknown fields: extra"}', PermanentIntegrationError],
      ['403', 403, '', PermanentIntegrationError],
      ['422', 422, '{"error":"chart not found"}', PermanentIntegrationError],
      ['200 that is not JSON', 200, '<html>', PermanentIntegrationError],
      ['200 that is not a status object', 200, '{"status":"Done"}', PermanentIntegrationError],
    ];
    for (const [name, status, body, kind] of cases) {
      test(`${name} → ${kind.name}`, async () => {
        await assert.rejects(driver({ fetch: answering(status, body) }).release(request(), live()), kind);
      });
    }

    test('a CPC that never answers: Retryable after the request timeout', async () => {
      const silent = await servers.silent();
      await assert.rejects(driver({ requestTimeoutMs: 100 }).release(request({ cpcEndpoint: silent }), live()), /timed out after 100 ms/);
    });
  });
});

describe('fake CPC validates PUT bodies strictly', () => {
  const valid = { cluster: 'c', namespace: 'n', release: 'r', chart: 'ch', chartVersion: '1', repository: null, timeoutSeconds: 600 };
  const put = (body: unknown) =>
    fetch(`${cpc.url}/v1/releases/k-${Math.random()}`, { method: 'PUT', headers: { authorization: `Bearer ${CPC_TOKEN}` }, body: JSON.stringify(body) });
  for (const [name, body] of [
    ['an unknown field', { ...valid, values: {} }],
    ['a missing field', { ...valid, chartVersion: undefined }],
    ['a wrong type', { ...valid, timeoutSeconds: '600' }],
  ] as const) {
    test(`${name}: 400`, async () => {
      assert.equal((await put(body)).status, 400);
    });
  }
  test('a valid body: 201', async () => {
    assert.equal((await put(valid)).status, 201);
  });
});
