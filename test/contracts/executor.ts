/**
 * The ReleaseExecutor contract (src/integrations/executor/port.ts): what every executor that runs
 * releases one by one promises the engine. Run it for an adapter with one line:
 *
 *   describeExecutorContract('embedded', () => startEmbeddedHarness());
 *
 * (The workflow executor, Argo, runs whole phases and reports through callbacks: its contract is
 * test/argo-executor.test.ts, against a fake Argo Server.)
 *
 * Promises checked:
 * - a `name` that says which executor runs the releases;
 * - domain types out: a ReleaseResult (`{ outcome, detail }`);
 * - the release's outcome comes through unchanged: Succeeded, or Failed when the target refuses;
 * - idempotency: the same idempotency key twice at once, or again after it ended, is one release;
 * - cancellation: aborted before the release touched its target → Cancelled; once it has → its
 *   real outcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReleaseExecutor } from '../../src/integrations/executor/port.ts';
import type { ReleaseRequest, ReleaseResult } from '../../src/integrations/release/port.ts';
import { assertReleaseResult, withDeadline } from './release-driver.ts';

export interface ExecutorHarness {
  executor: ReleaseExecutor;
  /** A request for a new release (a new idempotency key each call); `fails`: the target refuses it. */
  request(options?: { fails?: boolean }): ReleaseRequest;
  untilTouched(): Promise<void>;
  untilDone(): Promise<void>;
  appliedCount?(idempotencyKey: string): number;
  close?(): Promise<void>;
}

const live = () => new AbortController().signal;

export function describeExecutorContract(name: string, makeHarness: () => Promise<ExecutorHarness>): void {
  describe(`Executor contract: ${name}`, () => {
    let h: ExecutorHarness;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => {
      await h?.close?.();
    });

    /** Runs the release to its end: the executor's answer. */
    async function outcome(_request: ReleaseRequest, running: Promise<ReleaseResult>): Promise<ReleaseResult> {
      await h.untilDone();
      return running;
    }

    test('has a name', () => {
      assert.equal(typeof h.executor.name, 'string');
      assert.ok(h.executor.name.length > 0);
    });

    test('a release ends Succeeded, and one the target refuses Failed, as domain results', async () => {
      for (const fails of [false, true]) {
        const request = h.request({ fails });
        assertReleaseResult(await outcome(request, h.executor.run(request, live())), fails ? 'Failed' : 'Succeeded');
      }
    });

    test('the same idempotency key twice at once is one release', async () => {
      const request = h.request();
      const [a, b] = await Promise.all([outcome(request, h.executor.run(request, live())), outcome(request, h.executor.run(structuredClone(request), live()))]);
      assert.deepEqual(b, a);
      if (h.appliedCount) assert.equal(h.appliedCount(request.idempotencyKey), 1);
    });

    test('a repeat after the release ended answers its outcome without releasing again', async () => {
      const request = h.request();
      const first = await outcome(request, h.executor.run(request, live()));
      const repeat = await withDeadline(h.executor.run(structuredClone(request), live()), 'the repeat released again');
      assert.equal(repeat.outcome, first.outcome);
      if (h.appliedCount) assert.equal(h.appliedCount(request.idempotencyKey), 1);
    });

    test('aborted before the release touched its target: Cancelled', async () => {
      const stop = new AbortController();
      const request = h.request();
      const running = h.executor.run(request, stop.signal);
      stop.abort();
      assertReleaseResult(await outcome(request, running), 'Cancelled');
    });

    test('aborted once the release touched its target: its real outcome', async () => {
      const stop = new AbortController();
      const request = h.request();
      const running = h.executor.run(request, stop.signal);
      await h.untilTouched();
      stop.abort();
      assertReleaseResult(await outcome(request, running), 'Succeeded');
    });
  });
}
