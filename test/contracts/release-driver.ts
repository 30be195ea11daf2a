/**
 * The ReleaseDriver contract (src/integrations/release/port.ts): what every release driver —
 * simulated, Helm, CPC — promises the engine. Run it for an adapter with one line:
 *
 *   describeReleaseDriverContract('helm', () => startHelmHarness());
 *
 * The harness gives the suite a driver, requests for releases that will succeed or that the
 * target refuses, and a way to let time pass (a manual clock, a fake backend) without sleeping.
 *
 * Promises checked:
 * - domain types in and out: the request is read, never changed; the result is
 *   `{ outcome, detail }` and nothing else, the outcome one of Succeeded, Failed, Cancelled, the
 *   detail one short line (it becomes the release's statusDetail);
 * - a release the target refuses resolves `Failed` with a reason; it does not throw;
 * - idempotency: the same idempotency key twice is one release — concurrent calls join it, and a
 *   repeat after it ended answers its outcome without releasing again (no time has to pass);
 * - cancellation: aborted before it touched the target → `Cancelled`; aborted once it has → its
 *   real outcome (it does not lie about what runs where);
 * - failures of the driver itself are RetryableIntegrationError (the backend is down) or
 *   PermanentIntegrationError (a retry will not help), never anything else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../src/core/errors.ts';
import type { ReleaseDriver, ReleaseRequest, ReleaseResult } from '../../src/integrations/release/port.ts';

export interface ReleaseDriverHarness {
  driver: ReleaseDriver;
  /** A request for a new release (a new idempotency key each call); `fails`: the target refuses it. */
  request(options?: { fails?: boolean }): ReleaseRequest;
  /** Let releases in flight get as far as touching their target, without finishing. */
  untilTouched(): Promise<void>;
  /** Let every release in flight finish. */
  untilDone(): Promise<void>;
  /** How many times the target really received this release, when the backend can tell (a fake server). */
  appliedCount?(idempotencyKey: string): number;
  close?(): Promise<void>;
}

export interface ReleaseDriverContractOptions {
  /** Drivers whose backend fails, for adapters that have one (the simulator does not). */
  failures?: {
    /** The backend is unreachable or answers 5xx: must throw RetryableIntegrationError. */
    retryable(): Promise<ReleaseDriver>;
    /** The backend refuses the driver (credentials, a malformed request): must throw PermanentIntegrationError. */
    permanent(): Promise<ReleaseDriver>;
  };
}

const live = () => new AbortController().signal;

export function assertReleaseResult(result: ReleaseResult, outcome?: ReleaseResult['outcome']): void {
  assert.deepEqual(Object.keys(result).sort(), ['detail', 'outcome'], `only domain fields, got ${JSON.stringify(result)}`);
  assert.ok(['Succeeded', 'Failed', 'Cancelled'].includes(result.outcome), `outcome ${result.outcome}`);
  if (outcome) assert.equal(result.outcome, outcome, result.detail);
  assert.equal(typeof result.detail, 'string');
  assert.ok(result.detail.trim().length > 0, 'a detail says what happened');
  assert.doesNotMatch(result.detail, /\n/, 'the detail is one line');
}

export function describeReleaseDriverContract(name: string, makeHarness: () => Promise<ReleaseDriverHarness>, options: ReleaseDriverContractOptions = {}): void {
  describe(`ReleaseDriver contract: ${name}`, () => {
    let h: ReleaseDriverHarness;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => {
      await h?.close?.();
    });

    test('a release resolves Succeeded with a one-line detail, and only domain fields; the request is left as it was', async () => {
      const request = h.request();
      const before = structuredClone(request);
      const pending = h.driver.release(request, live());
      await h.untilDone();
      assertReleaseResult(await pending, 'Succeeded');
      assert.deepEqual(request, before, 'the driver changed the request');
    });

    test('a release the target refuses resolves Failed with the reason; it does not throw', async () => {
      const pending = h.driver.release(h.request({ fails: true }), live());
      await h.untilDone();
      assertReleaseResult(await pending, 'Failed');
    });

    test('the same idempotency key twice at once is one release: both callers get its outcome', async () => {
      const request = h.request();
      const first = h.driver.release(request, live());
      const second = h.driver.release(structuredClone(request), live());
      await h.untilDone();
      const [a, b] = await Promise.all([first, second]);
      assertReleaseResult(a, 'Succeeded');
      assert.deepEqual(b, a);
      if (h.appliedCount) assert.equal(h.appliedCount(request.idempotencyKey), 1, 'the target received it once');
    });

    test('a repeat after the release ended answers its outcome without releasing again', async () => {
      for (const fails of [false, true]) {
        const request = h.request({ fails });
        const first = h.driver.release(request, live());
        await h.untilDone();
        const outcome = await first;
        // No time passes now: a driver that released again would not finish.
        const repeat = await withDeadline(h.driver.release(structuredClone(request), live()), `a repeat of ${request.idempotencyKey} released again`);
        assert.equal(repeat.outcome, outcome.outcome);
        if (h.appliedCount) assert.equal(h.appliedCount(request.idempotencyKey), 1, 'the target received it once');
      }
    });

    test('aborted before it touched the target: Cancelled', async () => {
      const stop = new AbortController();
      const pending = h.driver.release(h.request(), stop.signal);
      stop.abort();
      await h.untilDone();
      assertReleaseResult(await pending, 'Cancelled');
    });

    test('already aborted when asked: Cancelled, nothing released', async () => {
      const stop = new AbortController();
      stop.abort();
      const request = h.request();
      const pending = h.driver.release(request, stop.signal);
      await h.untilDone();
      assertReleaseResult(await pending, 'Cancelled');
      if (h.appliedCount) assert.equal(h.appliedCount(request.idempotencyKey), 0);
    });

    test('aborted once it touched the target: its real outcome (Succeeded, or Failed when the target refuses)', async () => {
      for (const fails of [false, true]) {
        const stop = new AbortController();
        const pending = h.driver.release(h.request({ fails }), stop.signal);
        await h.untilTouched();
        stop.abort();
        await h.untilDone();
        assertReleaseResult(await pending, fails ? 'Failed' : 'Succeeded');
      }
    });

    if (options.failures) {
      const failures = options.failures;
      test('a backend that is down: RetryableIntegrationError', async () => {
        const driver = await failures.retryable();
        await assert.rejects(driver.release(h.request(), live()), RetryableIntegrationError);
      });
      test('a backend that refuses the driver: PermanentIntegrationError', async () => {
        const driver = await failures.permanent();
        await assert.rejects(driver.release(h.request(), live()), PermanentIntegrationError);
      });
    }
  });
}

/** The promise's value, or a failure if it has not settled once pending I/O and timers of 0 ms ran. */
export async function withDeadline<T>(promise: Promise<T>, message: string, ms = 1000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
