/**
 * The ScanProvider contract (src/integrations/scan/port.ts): what every scan provider —
 * simulated now, the artifact-scan API and Harbor later — promises the engine. One line per adapter:
 *
 *   describeScanProviderContract('harbor', () => startHarborHarness());
 *
 * Promises checked:
 * - domain types out: `{ done: false, checkAgainAt?, detail? }` (a Date, not in the past; one line of text) while the scan
 *   runs, then `{ done: true, findings: { counts } }` with counts by severity (low … critical),
 *   each a positive whole number — no vendor fields;
 * - it is a read: asking again (the engine polls, and retries after a crash) changes nothing and
 *   answers the same; once done it stays done with the same findings;
 * - failures of the provider are RetryableIntegrationError or PermanentIntegrationError.
 *
 * The port takes no AbortSignal (a poll is one short read), so there is no cancellation to check:
 * the engine stops polling a cancelled deployment (`scan.stop`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../src/core/errors.ts';
import { SEVERITIES, type ScanFindings } from '../../src/core/types.ts';
import type { ScanProvider, ScanRequest, ScanStatus } from '../../src/integrations/scan/port.ts';

export interface ScanProviderHarness {
  provider: ScanProvider;
  /** The time as the provider sees it (checkAgainAt is compared with it). */
  now(): Date;
  /** A request for a new artifact whose scan will find `findings` (none by default). */
  request(findings?: ScanFindings['counts']): ScanRequest;
  /** Let every scan under way finish. */
  untilDone(): Promise<void>;
  close?(): Promise<void>;
}

export interface ScanProviderContractOptions {
  failures?: { retryable(): Promise<ScanProvider>; permanent(): Promise<ScanProvider> };
}

function assertStatus(h: ScanProviderHarness, status: ScanStatus): void {
  if (!status.done) {
    assert.deepEqual(Object.keys(status).filter((k) => k !== 'checkAgainAt' && k !== 'detail'), ['done'], `only domain fields, got ${JSON.stringify(status)}`);
    if (status.detail !== undefined) {
      assert.equal(typeof status.detail, 'string', 'detail is a string');
      assert.ok(status.detail.trim() !== '' && !/[\r\n]/.test(status.detail), `detail is one line of text, got ${JSON.stringify(status.detail)}`);
    }
    if (status.checkAgainAt !== undefined) {
      assert.ok(status.checkAgainAt instanceof Date && !Number.isNaN(status.checkAgainAt.getTime()), 'checkAgainAt is a Date');
      assert.ok(status.checkAgainAt >= h.now(), 'checkAgainAt is not in the past');
    }
    return;
  }
  assert.deepEqual(Object.keys(status).sort(), ['done', 'findings']);
  assert.deepEqual(Object.keys(status.findings), ['counts']);
  for (const [severity, count] of Object.entries(status.findings.counts)) {
    assert.ok((SEVERITIES as readonly string[]).includes(severity), `unknown severity ${severity}`);
    assert.ok(Number.isInteger(count) && count! > 0, `${severity}: ${count} is a positive count`);
  }
}

export function describeScanProviderContract(name: string, makeHarness: () => Promise<ScanProviderHarness>, options: ScanProviderContractOptions = {}): void {
  describe(`ScanProvider contract: ${name}`, () => {
    let h: ScanProviderHarness;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => {
      await h?.close?.();
    });

    test('not done while the scan runs; asking again answers the same', async () => {
      const request = h.request();
      const first = await h.provider.status(request);
      assertStatus(h, first);
      assert.equal(first.done, false);
      assert.deepEqual(await h.provider.status(structuredClone(request)), first);
    });

    test('done with its findings by severity, and it stays done with the same findings', async () => {
      const request = h.request({ critical: 1, high: 3 });
      await h.provider.status(request);
      await h.untilDone();
      const done = await h.provider.status(request);
      assertStatus(h, done);
      assert.deepEqual(done, { done: true, findings: { counts: { critical: 1, high: 3 } } });
      await h.untilDone();
      assert.deepEqual(await h.provider.status(structuredClone(request)), done);
    });

    test('a clean scan: done with no counts', async () => {
      const request = h.request();
      await h.untilDone();
      const done = await h.provider.status(request);
      assertStatus(h, done);
      assert.deepEqual(done, { done: true, findings: { counts: {} } });
    });

    test('scans of different artifacts do not mix', async () => {
      const dirty = h.request({ low: 2 });
      const clean = h.request();
      await h.untilDone();
      assert.deepEqual(await h.provider.status(dirty), { done: true, findings: { counts: { low: 2 } } });
      assert.deepEqual(await h.provider.status(clean), { done: true, findings: { counts: {} } });
    });

    if (options.failures) {
      const failures = options.failures;
      test('a provider that is down: RetryableIntegrationError', async () => {
        await assert.rejects((await failures.retryable()).status(h.request()), RetryableIntegrationError);
      });
      test('a provider that refuses DCP: PermanentIntegrationError', async () => {
        await assert.rejects((await failures.permanent()).status(h.request()), PermanentIntegrationError);
      });
    }
  });
}
