import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FAKE_SN_PASSWORD, FAKE_SN_TOKEN, FAKE_SN_USER, startFakeServiceNow } from '../../../test/fakes/servicenow.ts';
import type { FakeServiceNow } from '../../../test/fakes/servicenow.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ChangeCaseProvider, ChangeCaseStatus, NewChangeCase } from './port.ts';
import { createServiceNowChangeCaseProvider } from './servicenow.ts';

let sn: FakeServiceNow;
let provider: ChangeCaseProvider;
let counter = 0;

before(async () => {
  sn = await startFakeServiceNow();
  provider = createServiceNowChangeCaseProvider({ baseUrl: `${sn.url}/`, auth: { user: FAKE_SN_USER, password: FAKE_SN_PASSWORD } });
});
after(() => sn.close());
beforeEach(() => {
  sn.requests.length = 0;
  sn.failNext(0);
});

function newCase(overrides: Partial<NewChangeCase> = {}): NewChangeCase {
  counter += 1;
  return {
    caseId: `case-${counter}-${Date.now()}`,
    queue: 'Payments CAB',
    service: 'payments-api',
    environment: 'prod',
    isGov: false,
    version: '1.42.0',
    deploymentId: `dep-${counter}`,
    deploymentUrl: `https://dcp.example.com/deployments/dep-${counter}`,
    summary: 'Deploy payments-api 1.42.0 to prod',
    description: 'DCP deployment of payments-api 1.42.0 to prod.\nhttps://dcp.example.com/deployments/dep-1',
    ...overrides,
  };
}

/** A fetch that answers every call with this status and body. */
function stubFetch(status: number, body: string): typeof fetch {
  return async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
}

describe('ServiceNow change case provider', () => {
  test('create makes a normal change in the queue, correlated to the case, in state new', async () => {
    const request = newCase();
    const created = await provider.create(request);

    const change = sn.changes.get(created.externalId);
    assert.ok(change, 'the change exists under the returned sys_id');
    assert.equal(created.number, change.number);
    assert.match(created.number ?? '', /^CHG\d+$/);
    assert.equal(change.type, 'normal');
    assert.equal(change.assignment_group, 'Payments CAB');
    assert.equal(change.correlation_id, request.caseId);
    assert.equal(change.correlation_display, 'DCP');
    assert.equal(change.short_description, request.summary);
    assert.equal(change.description, request.description);

    const post = sn.requests.find((r) => r.method === 'POST');
    assert.equal(post?.path, '/api/sn_chg_rest/v1/change/normal');
    const lookup = sn.requests.find((r) => r.method === 'GET' && r.path === '/api/now/table/change_request');
    assert.equal(lookup?.query.get('sysparm_query'), `correlation_id=${request.caseId}`);

    const state = await provider.read(created.externalId);
    assert.equal(state.status, 'new');
    assert.equal(state.deployWindow, null);
    assert.equal(state.detail, `${change.number}: New (not requested)`);
  });

  test('a repeated create for the same case returns the same change and makes no second one', async () => {
    const request = newCase();
    const first = await provider.create(request);
    const second = await provider.create(request);
    assert.deepEqual(second, first);
    assert.equal([...sn.changes.values()].filter((c) => c.correlation_id === request.caseId).length, 1);
    assert.equal(sn.requests.filter((r) => r.method === 'POST').length, 1);
  });

  test('a create retried after a 503 on the POST still makes one change', async () => {
    const request = newCase();
    // The lookup passes, the POST fails: retrying looks up again and creates once.
    const failingProvider = createServiceNowChangeCaseProvider({
      baseUrl: sn.url,
      auth: { token: FAKE_SN_TOKEN },
      fetch: async (input, init) => {
        if (init?.method === 'POST') sn.failNext(1);
        return fetch(input, init);
      },
    });
    await assert.rejects(failingProvider.create(request), RetryableIntegrationError);
    const created = await provider.create(request);
    assert.ok(sn.changes.has(created.externalId));
    assert.equal([...sn.changes.values()].filter((c) => c.correlation_id === request.caseId).length, 1);
  });

  test('read maps every ServiceNow state and approval onto the DCP lifecycle', async () => {
    const { externalId, number } = await provider.create(newCase());
    const cases: Array<[state: string, approval: string, status: ChangeCaseStatus, label: string]> = [
      ['-5', 'not requested', 'new', 'New'],
      ['-4', 'requested', 'submitted', 'Assess'],
      ['-3', 'requested', 'submitted', 'Authorize'],
      ['-2', 'requested', 'submitted', 'Scheduled'],
      ['-2', 'approved', 'scheduled-approved', 'Scheduled'],
      ['-1', 'approved', 'scheduled-approved', 'Implement'],
      ['0', 'approved', 'scheduled-approved', 'Review'],
      ['3', 'approved', 'closed', 'Closed'],
      ['4', 'not requested', 'closed', 'Canceled'],
      ['-5', 'rejected', 'rejected', 'New'],
      ['-3', 'rejected', 'rejected', 'Authorize'],
      ['-2', 'rejected', 'rejected', 'Scheduled'],
    ];
    for (const [state, approval, status, label] of cases) {
      sn.set(externalId, { state, approval });
      const read = await provider.read(externalId);
      assert.equal(read.status, status, `state ${state}, approval ${approval}`);
      assert.equal(read.detail, `${number}: ${label} (${approval})`);
    }
  });

  test('the deploy window is the planned start/end, read as UTC; null while either is empty', async () => {
    const { externalId, number } = await provider.create(newCase());
    sn.set(externalId, { state: '-2', approval: 'approved', start_date: '2025-03-01 22:00:00', end_date: '2025-03-02 02:30:00' });
    const read = await provider.read(externalId);
    assert.equal(read.status, 'scheduled-approved');
    assert.equal(read.detail, `${number}: Scheduled (approved)`);
    assert.deepEqual(read.deployWindow, {
      start: new Date('2025-03-01T22:00:00Z'),
      end: new Date('2025-03-02T02:30:00Z'),
    });

    sn.set(externalId, { end_date: '' });
    assert.equal((await provider.read(externalId)).deployWindow, null);
    sn.set(externalId, { start_date: '', end_date: '2025-03-02 02:30:00' });
    assert.equal((await provider.read(externalId)).deployWindow, null);

    sn.set(externalId, { start_date: 'next tuesday' });
    await assert.rejects(provider.read(externalId), PermanentIntegrationError);
  });

  test('close sets state Closed with the close code and notes', async () => {
    const ok = await provider.create(newCase());
    sn.set(ok.externalId, { state: '0', approval: 'approved' });
    await provider.close(ok.externalId, 'successful', 'Deployment dep-1 completed.');
    const okChange = sn.changes.get(ok.externalId);
    assert.equal(okChange?.state, '3');
    assert.equal(okChange?.close_code, 'successful');
    assert.equal(okChange?.close_notes, 'Deployment dep-1 completed.');
    assert.equal((await provider.read(ok.externalId)).status, 'closed');
    const patch = sn.requests.find((r) => r.method === 'PATCH');
    assert.equal(patch?.path, `/api/sn_chg_rest/v1/change/${ok.externalId}`);

    const failed = await provider.create(newCase());
    await provider.close(failed.externalId, 'unsuccessful', 'Release to prod-1 failed.');
    assert.equal(sn.changes.get(failed.externalId)?.close_code, 'unsuccessful');
    assert.equal(sn.changes.get(failed.externalId)?.state, '3');

    const cancelled = await provider.create(newCase());
    await provider.close(cancelled.externalId, 'cancelled', 'Cancelled by alice.');
    const cancelledChange = sn.changes.get(cancelled.externalId);
    assert.equal(cancelledChange?.state, '3');
    assert.equal(cancelledChange?.close_code, 'unsuccessful');
    assert.match(cancelledChange?.close_notes ?? '', /cancelled/i);
    assert.match(cancelledChange?.close_notes ?? '', /Cancelled by alice\./);
  });

  test('closing a change that is already closed or canceled changes nothing', async () => {
    const { externalId } = await provider.create(newCase());
    sn.set(externalId, { state: '4', close_code: '', close_notes: 'Canceled by the CAB' });
    sn.requests.length = 0;
    await provider.close(externalId, 'successful', 'done');
    assert.equal(sn.requests.filter((r) => r.method === 'PATCH').length, 0);
    assert.equal(sn.changes.get(externalId)?.state, '4');
    assert.equal(sn.changes.get(externalId)?.close_notes, 'Canceled by the CAB');
  });

  test('503 is retryable, and the next call succeeds', async () => {
    const { externalId } = await provider.create(newCase());
    sn.failNext(1);
    await assert.rejects(provider.read(externalId), (error: unknown) => {
      assert.ok(error instanceof RetryableIntegrationError);
      assert.match(error.message, /read change .*GET \/api\/sn_chg_rest\/v1\/change\/.*HTTP 503/);
      return true;
    });
    assert.equal((await provider.read(externalId)).status, 'new');

    sn.failNext(1);
    await assert.rejects(provider.create(newCase()), RetryableIntegrationError);
    sn.failNext(1);
    await assert.rejects(provider.close(externalId, 'successful', 'x'), RetryableIntegrationError);
  });

  test('bad credentials (401) are permanent and say so', async () => {
    const wrong = createServiceNowChangeCaseProvider({ baseUrl: sn.url, auth: { user: FAKE_SN_USER, password: 'wrong' } });
    await assert.rejects(wrong.create(newCase()), (error: unknown) => {
      assert.ok(error instanceof PermanentIntegrationError);
      assert.match(error.message, /HTTP 401/);
      assert.match(error.message, /User Not Authenticated/);
      return true;
    });
    const badToken = createServiceNowChangeCaseProvider({ baseUrl: sn.url, auth: { token: 'expired' } });
    await assert.rejects(badToken.read('0123456789abcdef0123456789abcdef'), PermanentIntegrationError);
  });

  test('an unknown change (404) is permanent', async () => {
    await assert.rejects(provider.read('0123456789abcdef0123456789abcdef'), (error: unknown) => {
      assert.ok(error instanceof PermanentIntegrationError);
      assert.match(error.message, /HTTP 404/);
      return true;
    });
  });

  test('basic auth and bearer auth are both sent as ServiceNow expects', async () => {
    const { externalId } = await provider.create(newCase());
    const expectedBasic = `Basic ${Buffer.from(`${FAKE_SN_USER}:${FAKE_SN_PASSWORD}`).toString('base64')}`;
    assert.ok(sn.requests.length > 0);
    for (const request of sn.requests) assert.equal(request.authorization, expectedBasic);

    sn.requests.length = 0;
    const withToken = createServiceNowChangeCaseProvider({ baseUrl: sn.url, auth: { token: FAKE_SN_TOKEN } });
    assert.equal((await withToken.read(externalId)).status, 'new');
    const created = await withToken.create(newCase());
    assert.ok(sn.changes.has(created.externalId));
    assert.ok(sn.requests.length >= 3);
    for (const request of sn.requests) assert.equal(request.authorization, `Bearer ${FAKE_SN_TOKEN}`);
  });

  test('network failures, timeouts and 429 are retryable; 400 and non-JSON bodies are permanent', async () => {
    const closed = await startFakeServiceNow();
    await closed.close();
    const unreachable = createServiceNowChangeCaseProvider({ baseUrl: closed.url, auth: { token: 't' } });
    await assert.rejects(unreachable.read('x'), (error: unknown) => {
      assert.ok(error instanceof RetryableIntegrationError);
      assert.match(error.message, /read change/);
      return true;
    });

    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const slow = createServiceNowChangeCaseProvider({ baseUrl: 'https://acme.service-now.com', auth: { token: 't' }, fetch: hanging, timeoutMs: 20 });
    await assert.rejects(slow.read('x'), (error: unknown) => {
      assert.ok(error instanceof RetryableIntegrationError);
      assert.match(error.message, /timed out after 20 ms/);
      return true;
    });

    const throttled = createServiceNowChangeCaseProvider({ baseUrl: 'https://acme.service-now.com', auth: { token: 't' }, fetch: stubFetch(429, '') });
    await assert.rejects(throttled.read('x'), RetryableIntegrationError);

    const badRequest = createServiceNowChangeCaseProvider({
      baseUrl: 'https://acme.service-now.com',
      auth: { token: 't' },
      fetch: stubFetch(400, JSON.stringify({ error: { message: 'Invalid state transition', detail: '' }, status: 'failure' })),
    });
    await assert.rejects(badRequest.close('x', 'successful', 'n'), (error: unknown) => {
      assert.ok(error instanceof PermanentIntegrationError);
      assert.match(error.message, /HTTP 400: Invalid state transition/);
      return true;
    });

    const html = createServiceNowChangeCaseProvider({ baseUrl: 'https://acme.service-now.com', auth: { token: 't' }, fetch: stubFetch(200, '<html>Instance hibernating</html>') });
    await assert.rejects(html.read('x'), (error: unknown) => {
      assert.ok(error instanceof PermanentIntegrationError);
      assert.match(error.message, /not JSON/);
      return true;
    });

    const noResult = createServiceNowChangeCaseProvider({ baseUrl: 'https://acme.service-now.com', auth: { token: 't' }, fetch: stubFetch(200, '{"status":"ok"}') });
    await assert.rejects(noResult.read('x'), PermanentIntegrationError);
  });

  test('read accepts plain field values as well as { value, display_value } objects', async () => {
    const plain = createServiceNowChangeCaseProvider({
      baseUrl: 'https://acme.service-now.com',
      auth: { user: 'u', password: 'p' },
      fetch: stubFetch(200, JSON.stringify({
        result: [{ sys_id: 'abc', number: 'CHG0030001', state: '-2', approval: 'approved', start_date: '2025-06-01 08:00:00', end_date: '2025-06-01 10:00:00' }],
      })),
    });
    assert.deepEqual(await plain.read('abc'), {
      status: 'scheduled-approved',
      deployWindow: { start: new Date('2025-06-01T08:00:00Z'), end: new Date('2025-06-01T10:00:00Z') },
      detail: 'CHG0030001: Scheduled (approved)',
    });

    const numeric = createServiceNowChangeCaseProvider({
      baseUrl: 'https://acme.service-now.com',
      auth: { user: 'u', password: 'p' },
      fetch: stubFetch(200, JSON.stringify({
        result: { number: { value: 'CHG0030002', display_value: 'CHG0030002' }, state: { value: 3.0, display_value: 'Closed' }, approval: { value: 'approved', display_value: 'Approved' } },
      })),
    });
    const closed = await numeric.read('def');
    assert.equal(closed.status, 'closed');
    assert.equal(closed.detail, 'CHG0030002: Closed (approved)');
  });
});
