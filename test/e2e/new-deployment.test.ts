/**
 * A manual deployment made in a real browser: fill the form, watch the plan follow the channel
 * and the environments chosen, create it, land on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import { DEFAULT_SCAN_MS } from '../../src/integrations/scan/simulated.ts';
import type { TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, openApp, phaseStatus, screenshot, setField, waitForText } from './browser.ts';

describe('a new manual deployment', () => {
  let t: TestDcp;
  let clock: ManualClock;
  let browser: Browser;
  let page: Page;

  before(async () => {
    // The clock moves only when the test says: each state of the new deployment stays until it is seen.
    clock = new ManualClock(new Date());
    ({ t, browser, page } = await openApp({ clock }));
  });
  after(() => closeApp({ t, browser }));

  test('fill the form, see the plan, create it and land on it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New deployment' }).click();
    await setField(page.getByLabel('Service', { exact: true }), 'token-service');
    await page.getByLabel('Version', { exact: true }).fill('2.3.1');
    await setField(page.getByLabel('Channel', { exact: true }), 'stable');
    await setField(page.getByLabel('Strategy', { exact: true }), 'standard');

    const plan = page.getByTestId('plan');
    const phases = plan.locator(':scope > li');
    const planned = async (environments: string[]) => {
      for (const environment of environments) await plan.getByText(environment, { exact: true }).waitFor();
    };
    await planned(['dev', 'qa', 'stage', 'prod']);

    // The edge channel has no qa targets: the plan leaves qa out.
    await setField(page.getByLabel('Channel', { exact: true }), 'edge');
    await plan.getByText('qa', { exact: true }).waitFor({ state: 'detached' });
    await planned(['dev', 'stage', 'prod']);
    await plan.getByText('prod-usw2-2').waitFor();

    // Leaving stage out too: the plan follows.
    await page.getByRole('checkbox', { name: 'stage', exact: true }).uncheck();
    await plan.getByText('stage', { exact: true }).waitFor({ state: 'detached' });
    await planned(['dev', 'prod']);
    assert.equal(await phases.count(), 2, `the plan shows dev and prod only: ${await phases.allTextContents()}`);

    await page.getByLabel('Reason', { exact: true }).fill('hotfix for the token refresh bug');
    await screenshot(page, 'new-deployment');
    await expectAccessible(page, 'new-deployment');
    await page.getByRole('button', { name: 'Create deployment' }).click();

    await page.waitForURL((url) => /^\/deployments\/(?!new$)[^/]+$/.test(url.pathname));
    // The artifact is scanned first (the simulated scan takes DEFAULT_SCAN_MS of the clock); then dev deploys.
    await waitForText(page.getByTestId('deployment-status'), 'Scanning');
    await waitForText(phaseStatus(page, 'dev'), 'Pending');
    clock.advance(DEFAULT_SCAN_MS);
    await waitForText(page.getByTestId('deployment-status'), 'InProgress');
    await waitForText(phaseStatus(page, 'dev'), 'Deploying');
    await waitForText(phaseStatus(page, 'prod'), 'Pending');
    assert.equal(await page.getByTestId('phase-qa').count(), 0);
    assert.equal(await page.getByTestId('phase-stage').count(), 0);
    await page.getByText('hotfix for the token refresh bug').waitFor();

    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const created = await t.api('GET', `/api/v1/deployments/${id}`);
    assert.equal(created.body.service, 'token-service');
    assert.equal(created.body.version, '2.3.1');
    assert.equal(created.body.channel, 'edge');
    assert.equal(created.body.triggeredBy, 'admin');
    assert.equal(created.body.reason, 'hotfix for the token refresh bug');
    assert.deepEqual(created.body.phases.map((p: { environment: string }) => p.environment), ['dev', 'prod']);
  });
});
