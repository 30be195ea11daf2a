/**
 * Release progress from Argo in the app: a phase workflow's callbacks (Running, then the
 * outcome) show on the deployment's page live, without a reload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo } from '../fakes/argo-server.ts';
import { freePort } from '../helpers/child.ts';
import { configWithCpc } from '../helpers/config.ts';
import { build, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, openApp, releaseStatus, screenshot, waitForText } from './browser.ts';

describe('release progress from an Argo workflow, in the app', () => {
  let t: TestDcp;
  let browser: Browser;
  let page: Page;
  let argo: FakeArgo;

  before(async () => {
    argo = await startFakeArgo({ namespace: 'argo', token: FAKE_ARGO_TOKEN });
    const port = await freePort();
    ({ t, browser, page } = await openApp({
      clock: new ManualClock(new Date()),
      configDir: configWithCpc((cluster) => `https://cpc.${cluster}.example.com`),
      env: { PORT: String(port), DCP_PUBLIC_URL: `http://127.0.0.1:${port}`, DCP_EXECUTOR: 'argo', DCP_ARGO_URL: argo.url, DCP_ARGO_TOKEN: FAKE_ARGO_TOKEN },
    }));
  });
  after(async () => {
    await closeApp({ t, browser });
    await argo.close();
  });

  test('Running with the workflow\'s detail, then Succeeded with CPC\'s, as the callbacks come', async () => {
    const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'fast' }));
    assert.equal(res.status, 201);
    const id: string = res.body.id;
    await page.goto(`${t.url}/deployments/${id}`);
    await page.getByTestId('deployment-status').waitFor();
    await page.evaluate('window.__notReloaded = true');

    const scan = await argo.waitForWorkflow((w) => w.labels['dcp.io/deployment'] === id && w.labels['dcp.io/kind'] === 'scan');
    await argo.play(scan.name);
    const d = await t.waitFor(id, (x) => x.phases[0].status === 'Deploying');
    const dev = await argo.waitForWorkflow((w) => w.labels['dcp.io/phase'] === d.phases[0].id);
    const release = d.phases[0].releases[0];
    // What the template sends once CPC has the release.
    const running = await fetch(dev.parameters.callbackUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.parameters.callbackToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: dev.name, kind: 'release', id: release.id, status: 'Running', detail: 'releasing ledger-worker 1.42.0 to dev-usw2-1/ledger-worker' }),
    });
    assert.equal(running.status, 204);
    const row = page.getByTestId(`release-${release.target}`);
    await waitForText(row, /Running: releasing ledger-worker 1\.42\.0 to dev-usw2-1/);
    await waitForText(releaseStatus(page, release.target), 'Deploying');
    await screenshot(page, 'deployment-argo-progress');

    await argo.play(dev.name);
    await waitForText(releaseStatus(page, release.target), 'Succeeded');
    await waitForText(row, /Succeeded: .*deployed|Succeeded:/);
    assert.equal(await page.evaluate('window.__notReloaded'), true, 'it all arrived live');
  });
});
