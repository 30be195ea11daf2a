/**
 * A deployment's page in a real browser, on the gate-free config and a clock the test moves:
 * watching the phases move without reloading, cancelling through the dialog, cloning a subset of
 * the environments, and the page on a phone.
 *
 * Builds carry `dcp.simulator/release-ms: 60000`, so each phase's releases hold in Deploying until
 * the test advances the clock a minute: every state is there to be seen, none is raced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import type { DeploymentDto } from '../../src/store/deployment-reads.ts';
import { build, TOKEN, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, openApp, newPage, PHONE, phaseStatus, releaseStatus, screenshot, signIn, waitForText } from './browser.ts';

const RELEASE_MS = 60_000;
const held = { 'dcp.simulator/release-ms': String(RELEASE_MS) };

describe('the deployment page', () => {
  let t: TestDcp;
  let clock: ManualClock;
  let browser: Browser;
  let page: Page;
  /** The deployment the first test watches to the end (the clone test clones it). */
  let watched: DeploymentDto;

  before(async () => {
    clock = new ManualClock(new Date());
    ({ t, browser, page } = await openApp({ clock }));
  });
  after(() => closeApp({ t, browser }));

  async function submit(overrides: Parameters<typeof build>[0]): Promise<DeploymentDto> {
    const res = await t.api('POST', '/api/v1/builds', build(overrides));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function open(target: Page, id: string): Promise<void> {
    await target.goto(`${t.url}/deployments/${id}`);
    await target.getByTestId('deployment-status').waitFor();
  }

  /** Lets the releases running now finish: the clock passes their simulated duration. */
  function releasesFinish(): void {
    clock.advance(RELEASE_MS);
  }

  test('the phases move through their statuses while the page watches', async () => {
    watched = await submit({ component: 'ledger-worker', version: '3.1.0', annotations: held });
    await open(page, watched.id);
    const url = page.url();
    // Gone if the page reloads: what follows must arrive live.
    await page.evaluate('window.__notReloaded = true');

    await waitForText(page.getByTestId('deployment-status'), 'InProgress');
    await waitForText(phaseStatus(page, 'dev'), 'Deploying');
    await waitForText(releaseStatus(page, 'dev-usw2-1'), 'Deploying');
    for (const environment of ['qa', 'stage', 'prod']) await waitForText(phaseStatus(page, environment), 'Pending');
    await screenshot(page, 'deployment-in-progress');
    await expectAccessible(page, 'deployment-in-progress');

    releasesFinish();
    await waitForText(releaseStatus(page, 'dev-usw2-1'), 'Succeeded');
    await waitForText(phaseStatus(page, 'dev'), 'Completed');
    await waitForText(phaseStatus(page, 'qa'), 'Deploying');
    await waitForText(releaseStatus(page, 'qa-usw2-1'), 'Deploying');
    await waitForText(releaseStatus(page, 'qa-use1-1'), 'Deploying');
    await waitForText(phaseStatus(page, 'stage'), 'Pending');

    releasesFinish();
    await waitForText(phaseStatus(page, 'qa'), 'Completed');
    await waitForText(phaseStatus(page, 'stage'), 'Deploying');

    releasesFinish();
    await waitForText(phaseStatus(page, 'stage'), 'Completed');
    await waitForText(phaseStatus(page, 'prod'), 'Deploying');

    releasesFinish();
    await waitForText(phaseStatus(page, 'prod'), 'Completed');
    for (const cluster of ['prod-usw2-1', 'prod-use1-1', 'prod-euc1-1', 'prod-apse2-1']) await waitForText(releaseStatus(page, cluster), 'Succeeded');
    await waitForText(page.getByTestId('deployment-status'), 'Completed');
    assert.equal(page.url(), url, 'the page was never left');
    assert.equal(await page.evaluate('window.__notReloaded'), true, 'the page was never reloaded');

    // The timeline has an entry for each event of the deployment.
    const events = await t.api('GET', `/api/v1/events?deployment=${watched.id}&after=0&limit=500`);
    const timeline = page.getByTestId('timeline').locator('li');
    await timeline.nth(events.body.items.length - 1).waitFor();
    assert.equal(await timeline.count(), events.body.items.length);
    await screenshot(page, 'deployment-completed');
    await expectAccessible(page, 'deployment-completed');
  });

  test('on a phone the deployment page shows its phases', async () => {
    const phone = await newPage(browser, PHONE);
    await signIn(phone, t.url, TOKEN);
    await open(phone, watched.id);
    await waitForText(phone.getByTestId('deployment-status'), 'Completed');
    for (const environment of ['dev', 'qa', 'stage', 'prod']) await waitForText(phaseStatus(phone, environment), 'Completed');
    await screenshot(phone, 'deployment-phone');
    await expectAccessible(phone, 'deployment-phone');
    await phone.context().close();
  });

  test('cancelling through the dialog: Keep running leaves it, Cancel deployment stops it', async () => {
    const running = await submit({ component: 'token-service', version: '0.9.4', annotations: held });
    await open(page, running.id);
    await waitForText(phaseStatus(page, 'dev'), 'Deploying');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(page.getByTestId('deployment-status'), 'InProgress');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('wrong version');
    await dialog.getByRole('button', { name: 'Cancel deployment' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(page.getByTestId('deployment-status'), 'Cancelled');
    await waitForText(phaseStatus(page, 'dev'), 'Cancelled');
    await waitForText(releaseStatus(page, 'dev-usw2-1'), 'Cancelled');
    // The phases that had not started are skipped.
    for (const environment of ['qa', 'stage', 'prod']) await waitForText(phaseStatus(page, environment), 'Skipped');

    const after = await t.api('GET', `/api/v1/deployments/${running.id}`);
    assert.equal(after.body.status, 'Cancelled');
    assert.match(JSON.stringify(after.body), /wrong version/, 'the reason is recorded');
  });

  test('cancelling from the deployments list: a running row has Cancel, which asks first with the same dialog', async () => {
    const running = await submit({ component: 'token-service', version: '0.9.5', annotations: held });
    await page.goto(`${t.url}/deployments`);
    const rows = page.getByTestId('deployment-row');
    const row = rows.filter({ hasText: 'token-service' }).filter({ hasText: '0.9.5' });
    await waitForText(row.getByTestId('status'), 'InProgress');
    // Only running rows have the button: the one watched to the end has none.
    const done = rows.filter({ hasText: 'ledger-worker' }).filter({ hasText: '3.1.0' });
    await waitForText(done.getByTestId('status'), 'Completed');
    assert.equal(await done.getByRole('button', { name: /^Cancel/ }).count(), 0);

    const cancel = row.getByRole('button', { name: 'Cancel token-service 0.9.5' });
    await cancel.click();
    const dialog = page.getByRole('dialog', { name: 'Cancel token-service 0.9.5?' });
    await dialog.waitFor();
    await expectAccessible(page, 'the cancel dialog over the deployments list');
    await dialog.getByRole('button', { name: 'Keep running' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(row.getByTestId('status'), 'InProgress');

    await cancel.click();
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('cancelled from the list');
    await dialog.getByRole('button', { name: 'Cancel deployment' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(row.getByTestId('status'), 'Cancelled');
    await cancel.waitFor({ state: 'detached' });

    const after = await t.api('GET', `/api/v1/deployments/${running.id}`);
    assert.equal(after.body.status, 'Cancelled');
    assert.match(JSON.stringify(after.body), /cancelled from the list/, 'the reason is recorded');
  });

  test('cloning a subset of environments: the plan follows the choice, and the clone has only those phases', async () => {
    assert.ok(watched, 'the first test completed a deployment to clone');
    await open(page, watched.id);
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const plan = dialog.getByTestId('plan');
    for (const environment of ['dev', 'qa', 'stage', 'prod']) await plan.getByText(environment, { exact: true }).waitFor();

    await dialog.getByRole('checkbox', { name: 'qa', exact: true }).uncheck();
    await dialog.getByRole('checkbox', { name: 'stage', exact: true }).uncheck();
    await plan.getByText('qa', { exact: true }).waitFor({ state: 'detached' });
    await plan.getByText('stage', { exact: true }).waitFor({ state: 'detached' });
    await plan.getByText('dev', { exact: true }).waitFor();
    await plan.getByText('prod', { exact: true }).waitFor();

    await dialog.getByRole('button', { name: 'Clone deployment' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/deployments/') && !url.pathname.endsWith(watched.id));
    await waitForText(phaseStatus(page, 'dev'), 'Deploying');
    await waitForText(phaseStatus(page, 'prod'), 'Pending');
    assert.equal(await page.getByTestId('phase-qa').count(), 0);
    assert.equal(await page.getByTestId('phase-stage').count(), 0);

    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const clone = await t.api('GET', `/api/v1/deployments/${id}`);
    assert.equal(clone.body.clonedFrom, watched.id);
    assert.deepEqual(clone.body.phases.map((p: { environment: string }) => p.environment), ['dev', 'prod']);
  });
});
