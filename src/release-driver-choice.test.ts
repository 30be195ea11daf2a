/**
 * main.ts's createReleaseDriver: DCP_RELEASE_DRIVER picks the driver, and the driver gets its settings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PermanentIntegrationError } from './core/errors.ts';
import { createReleaseDriver } from './main.ts';
import { readSettings } from './settings.ts';
import { ManualClock } from './shared/clocks.ts';
import { silentLogger } from './shared/logger.ts';

const clock = new ManualClock();
const request = {
  releaseId: 'r-1', deploymentId: 'd-1', idempotencyKey: 'r-1:1', startedAt: clock.now(), service: 'payments-api', environment: 'prod',
  target: { cluster: 'prod-usw2-1', region: 'us-west-2' },
  artifact: { name: 'payments-api', version: '1.0.0', images: [], charts: [{ name: 'payments-api', version: '1.0.0' }], annotations: { 'dcp.simulator/release-ms': '0' } },
};
const live = () => new AbortController().signal;

describe('createReleaseDriver (DCP_RELEASE_DRIVER)', () => {
  test('simulated by default', async () => {
    const driver = createReleaseDriver(readSettings({}), { clock, log: silentLogger });
    assert.equal((await driver.release(request, live())).outcome, 'Succeeded');
  });

  test('cpc: the CPC driver (a target without cpcEndpoint is refused, naming the cluster)', async () => {
    const driver = createReleaseDriver(readSettings({ DCP_RELEASE_DRIVER: 'cpc' }), { clock, log: silentLogger });
    await assert.rejects(driver.release(request, live()), (error: Error) => error instanceof PermanentIntegrationError && /prod-usw2-1 has no cpcEndpoint/.test(error.message));
  });

  test('helm: the Helm driver, running DCP_HELM_BIN', async () => {
    const driver = createReleaseDriver(readSettings({ DCP_RELEASE_DRIVER: 'helm', DCP_HELM_BIN: '/nonexistent/helm' }), { clock, log: silentLogger });
    await assert.rejects(driver.release(request, live()), (error: Error) => error instanceof PermanentIntegrationError && /\/nonexistent\/helm/.test(error.message));
  });
});
