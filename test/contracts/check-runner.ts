/**
 * The CheckRunner contract (src/integrations/checks/port.ts): what running a check promises the
 * engine, for every check type and whatever it talks to. One line per adapter or check type:
 *
 *   describeCheckRunnerContract('http', () => httpChecks(), { cancellable: true });
 *
 * The harness names checks (and the context to run them in) that pass, fail, cannot be
 * evaluated, are misconfigured, and — when `cancellable` — never get an answer.
 *
 * Promises checked:
 * - domain types in and out: the check and its context are read, never changed; the outcome is
 *   `{ status, detail }` with status Passed, Failed or Unavailable, and a one-line detail (it
 *   ends up in the phase's statusDetail);
 * - it never throws: what cannot be evaluated (no answer, an answer it cannot read) is
 *   `Unavailable`, which the engine retries with backoff — the check's counterpart of a
 *   RetryableIntegrationError; a configuration mistake no retry can fix is `Failed` at once —
 *   the counterpart of a PermanentIntegrationError;
 * - it is a read: running the same check again answers the same;
 * - cancellation: aborting the signal ends a check that waits for an answer at once, as
 *   `Unavailable` (never Passed or Failed: nothing was learned).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CheckSpec } from '../../src/core/types.ts';
import type { CheckContext, CheckOutcome, CheckRunner } from '../../src/integrations/checks/port.ts';
import { withDeadline } from './release-driver.ts';

export interface CheckCase {
  check: CheckSpec;
  context: CheckContext;
}

export interface CheckRunnerHarness {
  runner: CheckRunner;
  passing: CheckCase;
  failing: CheckCase;
  /** No answer or one the check cannot read. */
  unavailable: CheckCase;
  /** A check no retry can fix (a bad URL, an unknown severity). */
  misconfigured: CheckCase;
  /** A check whose backend accepts the request and never answers (with `cancellable`). */
  hanging?: CheckCase;
  close?(): Promise<void>;
}

export function assertCheckOutcome(outcome: CheckOutcome, status?: CheckOutcome['status']): void {
  assert.deepEqual(Object.keys(outcome).sort(), ['detail', 'status'], `only domain fields, got ${JSON.stringify(outcome)}`);
  assert.ok(['Passed', 'Failed', 'Unavailable'].includes(outcome.status), `status ${outcome.status}`);
  if (status) assert.equal(outcome.status, status, outcome.detail);
  assert.equal(typeof outcome.detail, 'string');
  assert.ok(outcome.detail.trim().length > 0, 'a detail says why');
  assert.doesNotMatch(outcome.detail, /\n/, 'the detail is one line');
}

const live = () => new AbortController().signal;

export function describeCheckRunnerContract(name: string, makeHarness: () => Promise<CheckRunnerHarness>, options: { cancellable?: boolean } = {}): void {
  describe(`CheckRunner contract: ${name}`, () => {
    let h: CheckRunnerHarness;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => {
      await h?.close?.();
    });
    const run = (c: CheckCase, signal = live()) => h.runner.run(structuredClone(c.check), structuredClone(c.context), signal);

    const cases = [
      ['passing', 'Passed', 'a check that holds: Passed'],
      ['failing', 'Failed', 'a check that does not hold: Failed, saying what was seen'],
      ['unavailable', 'Unavailable', 'a check that cannot be evaluated: Unavailable (retried), not a throw'],
      ['misconfigured', 'Failed', 'a misconfigured check: Failed at once (no retry fixes it), not a throw'],
    ] as const;
    for (const [key, status, title] of cases) {
      test(title, async () => {
        const { check, context } = h[key];
        const before = structuredClone({ check, context });
        assertCheckOutcome(await h.runner.run(check, context, live()), status);
        assert.deepEqual({ check, context }, before, 'the runner changed the check or its context');
      });
    }

    test('running the same check again answers the same', async () => {
      for (const key of ['passing', 'failing', 'unavailable', 'misconfigured'] as const) {
        const [a, b] = [await run(h[key]), await run(h[key])];
        assert.deepEqual(b.status, a.status, key);
      }
    });

    test('an already aborted signal ends the check at once (Unavailable when the check asks a server)', async () => {
      const stop = new AbortController();
      stop.abort();
      const outcome = await withDeadline(run(h.passing, stop.signal), 'an aborted check did not end');
      assertCheckOutcome(outcome);
      // A check that needs no outside answer (scan) may still pass; one that asks must not.
      if (options.cancellable) assert.equal(outcome.status, 'Unavailable', outcome.detail);
    });

    if (options.cancellable) {
      test('aborting a check that waits for an answer ends it at once, Unavailable', async () => {
        assert.ok(h.hanging, 'a cancellable check type needs a hanging case');
        const stop = new AbortController();
        const running = run(h.hanging, stop.signal);
        await new Promise((resolve) => setImmediate(resolve));
        stop.abort();
        assertCheckOutcome(await withDeadline(running, 'the aborted check kept waiting'), 'Unavailable');
      });
    }
  });
}
