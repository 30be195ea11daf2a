/**
 * The ChangeCaseProvider contract (src/integrations/changecases/port.ts): what every change-case
 * provider — builtin, ServiceNow, GUS later — promises the engine. One line per adapter:
 *
 *   describeChangeCaseProviderContract('gus', () => startGusHarness(), { polled: true, failures: … });
 *
 * Promises checked:
 * - create: returns the vendor's id (and maybe a human number) as plain strings;
 * - idempotency: creating the same case (same `caseId`) twice, one after the other or at once,
 *   is one case with one id — a retried job must not open two changes;
 * - read (providers the engine polls, `polled`): a ChangeCaseState in DCP's lifecycle
 *   (new, submitted, scheduled-approved, rejected, closed) with a deploy window of Dates or null,
 *   and no vendor fields; a new case reads `new`, an approved one `scheduled-approved` with its
 *   window; the builtin provider is not polled (its cases live in DCP) and must refuse to read
 *   rather than invent a state;
 * - close: closes the case (a polled one then reads `closed`); closing again is a no-op;
 * - failures are RetryableIntegrationError (down, 5xx, timeouts) or PermanentIntegrationError
 *   (credentials, an unknown case), never anything else.
 *
 * The port takes no AbortSignal: each call is one bounded request (the adapter's own timeout).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../src/core/errors.ts';
import { CHANGE_CASE_STATUSES } from '../../src/core/lifecycle.ts';
import type { ChangeCaseProvider, ChangeCaseState, NewChangeCase } from '../../src/integrations/changecases/port.ts';

export interface ChangeCaseProviderHarness {
  provider: ChangeCaseProvider;
  /** How many cases the vendor holds for this caseId, when it can tell. */
  casesFor?(caseId: string): number;
  /** Approve the case in the vendor's system, with this deploy window (polled providers). */
  approve?(externalId: string, window: { start: Date; end: Date }): Promise<void>;
  /** The vendor answers the next `n` calls with a server error (5xx). */
  failNext?(n: number): void;
  close?(): Promise<void>;
}

export interface ChangeCaseProviderContractOptions<H extends ChangeCaseProviderHarness = ChangeCaseProviderHarness> {
  /** The engine polls `read` for this provider's cases (every external provider). */
  polled: boolean;
  failures?: {
    /** A provider whose vendor cannot be reached. */
    unreachable(harness: H): Promise<ChangeCaseProvider>;
    /** A provider whose credentials the vendor refuses. */
    badCredentials(harness: H): Promise<ChangeCaseProvider>;
  };
}

let counter = 0;
export function newChangeCase(overrides: Partial<NewChangeCase> = {}): NewChangeCase {
  counter += 1;
  const deploymentId = `dep-${counter}`;
  return {
    caseId: `contract-case-${process.pid}-${counter}`,
    queue: 'PAYMENTS-CHG',
    service: 'payments-api',
    environment: 'prod',
    isGov: false,
    version: '1.42.0',
    deploymentId,
    deploymentUrl: `http://localhost:8080/deployments/${deploymentId}`,
    summary: 'Deploy payments-api 1.42.0 to prod',
    description: `DCP deployment ${deploymentId} of payments-api 1.42.0 to prod.`,
    ...overrides,
  };
}

function assertCreated(created: { externalId: string; number?: string }): void {
  assert.deepEqual(Object.keys(created).filter((k) => k !== 'number'), ['externalId'], `only domain fields, got ${JSON.stringify(created)}`);
  assert.equal(typeof created.externalId, 'string');
  assert.ok(created.externalId.length > 0);
  if (created.number !== undefined) assert.equal(typeof created.number, 'string');
}

function assertState(state: ChangeCaseState): void {
  assert.deepEqual(Object.keys(state).filter((k) => k !== 'detail').sort(), ['deployWindow', 'status'], `only domain fields, got ${JSON.stringify(state)}`);
  assert.ok((CHANGE_CASE_STATUSES as readonly string[]).includes(state.status), `"${state.status}" is not a change-case status`);
  if (state.deployWindow !== null) {
    assert.deepEqual(Object.keys(state.deployWindow).sort(), ['end', 'start']);
    assert.ok(state.deployWindow.start instanceof Date && state.deployWindow.end instanceof Date, 'the window is Dates');
    assert.ok(state.deployWindow.start < state.deployWindow.end, 'the window starts before it ends');
  }
  if (state.detail !== undefined) assert.equal(typeof state.detail, 'string');
}

export function describeChangeCaseProviderContract<H extends ChangeCaseProviderHarness>(name: string, makeHarness: () => Promise<H>, options: ChangeCaseProviderContractOptions<H>): void {
  describe(`ChangeCaseProvider contract: ${name}`, () => {
    let h: H;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => {
      await h?.close?.();
    });

    test('has a name', () => {
      assert.equal(typeof h.provider.name, 'string');
      assert.ok(h.provider.name.length > 0);
    });

    test('create returns the case’s id as domain data', async () => {
      assertCreated(await h.provider.create(newChangeCase()));
    });

    test('creating the same case twice, one after the other, is one case', async () => {
      const request = newChangeCase();
      const first = await h.provider.create(request);
      const again = await h.provider.create(structuredClone(request));
      assert.deepEqual(again, first);
      if (h.casesFor) assert.equal(h.casesFor(request.caseId), 1);
    });

    test('creating the same case twice at once is one case (a job retried while its first attempt still runs)', async () => {
      const request = newChangeCase();
      const [a, b] = await Promise.all([h.provider.create(request), h.provider.create(structuredClone(request))]);
      assert.deepEqual(b, a);
      if (h.casesFor) assert.equal(h.casesFor(request.caseId), 1, 'the vendor holds one case');
    });

    test('a different case is a different case', async () => {
      const a = await h.provider.create(newChangeCase());
      const b = await h.provider.create(newChangeCase());
      assert.notEqual(a.externalId, b.externalId);
    });

    test('close, then close again: a no-op the second time', async () => {
      const { externalId } = await h.provider.create(newChangeCase());
      await h.provider.close(externalId, 'successful', 'DCP deployment completed');
      await h.provider.close(externalId, 'successful', 'DCP deployment completed');
      if (options.polled) assert.equal((await h.provider.read(externalId)).status, 'closed');
    });

    if (options.polled) {
      test('a new case reads new, in DCP’s lifecycle, with no window yet', async () => {
        const { externalId } = await h.provider.create(newChangeCase());
        const state = await h.provider.read(externalId);
        assertState(state);
        assert.equal(state.status, 'new');
        assert.equal(state.deployWindow, null);
      });

      test('an approved case reads scheduled-approved with its deploy window as Dates', async () => {
        assert.ok(h.approve, 'a polled provider’s harness can approve a case');
        const { externalId } = await h.provider.create(newChangeCase());
        const window = { start: new Date('2026-03-02T22:00:00Z'), end: new Date('2026-03-03T02:00:00Z') };
        await h.approve(externalId, window);
        const state = await h.provider.read(externalId);
        assertState(state);
        assert.equal(state.status, 'scheduled-approved');
        assert.deepEqual(state.deployWindow, window);
      });

      test('each outcome closes the case', async () => {
        for (const outcome of ['successful', 'unsuccessful', 'cancelled'] as const) {
          const { externalId } = await h.provider.create(newChangeCase());
          await h.provider.close(externalId, outcome, `DCP deployment: ${outcome}`);
          const state = await h.provider.read(externalId);
          assertState(state);
          assert.equal(state.status, 'closed', outcome);
        }
      });

      test('reading a case the vendor does not know: PermanentIntegrationError', async () => {
        await assert.rejects(h.provider.read('no-such-case-0000'), PermanentIntegrationError);
      });
    } else {
      test('not polled: read refuses rather than invent a state', async () => {
        const { externalId } = await h.provider.create(newChangeCase());
        await assert.rejects(h.provider.read(externalId));
      });
    }

    if (options.failures) {
      const failures = options.failures;
      test('a vendor answering 5xx: RetryableIntegrationError; the retry then creates one case', async () => {
        assert.ok(h.failNext, 'the harness can make the vendor fail');
        const request = newChangeCase();
        h.failNext(1);
        await assert.rejects(h.provider.create(request), RetryableIntegrationError);
        const created = await h.provider.create(request);
        assertCreated(created);
        if (h.casesFor) assert.equal(h.casesFor(request.caseId), 1);
      });
      test('a vendor that cannot be reached: RetryableIntegrationError on every call', async () => {
        const provider = await failures.unreachable(h);
        await assert.rejects(provider.create(newChangeCase()), RetryableIntegrationError);
        await assert.rejects(provider.read('any'), RetryableIntegrationError);
        await assert.rejects(provider.close('any', 'successful', ''), RetryableIntegrationError);
      });
      test('credentials the vendor refuses: PermanentIntegrationError', async () => {
        const provider = await failures.badCredentials(h);
        await assert.rejects(provider.create(newChangeCase()), PermanentIntegrationError);
        await assert.rejects(provider.read('any'), PermanentIntegrationError);
      });
    }
  });
}
