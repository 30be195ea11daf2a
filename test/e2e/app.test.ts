/**
 * The app's front door in a real browser: signing in with an API token (and a bad one), the
 * deployments list it lands on (newest first, paged with Load more), signing out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import { build, ended, startTestDcp, TOKEN, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, launchBrowser, newPage, screenshot, signIn, waitForText } from './browser.ts';

describe('the app: signing in, the deployments list', () => {
  let t: TestDcp;
  let browser: Browser;
  before(async () => {
    t = await startTestDcp({ backend: 'pglite', clock: new ManualClock(new Date()) });
    browser = await launchBrowser();
  });
  after(() => closeApp({ t, browser }));

  test('an unauthenticated visit shows the sign-in form; a bad token shows an error', async () => {
    const page = await newPage(browser);
    await page.goto(t.url);
    await page.getByLabel('API token').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByTestId('deployment-row').count(), 0, 'no deployments before signing in');

    await page.getByLabel('API token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // An error the user can read, and still the sign-in form.
    await page.getByRole('alert').filter({ hasText: /\S/ }).first().waitFor();
    await page.getByLabel('API token').waitFor();
    await page.context().close();
  });

  test('signing in shows the deployments list; signing out shows the form again', async () => {
    // A list with a bit of everything: completed, failed, cancelled and running deployments.
    const submit = async (overrides: Parameters<typeof build>[0]): Promise<string> => {
      const res = await t.api('POST', '/api/v1/builds', build(overrides));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };
    await t.waitFor(await submit({ component: 'ledger-worker', version: '2.7.0' }), ended);
    await t.waitFor(await submit({ component: 'identity-gateway', version: '3.0.0', annotations: { 'dcp.simulator/fail-targets': 'qa-use1-1' } }), ended);
    const cancelled = await submit({ component: 'cluster-autoscaler-config', version: '0.4.1', annotations: { 'dcp.simulator/release-ms': '60000' } });
    assert.equal((await t.api('POST', `/api/v1/deployments/${cancelled}/cancel`, { reason: 'superseded' })).status, 200);
    await submit({ component: 'payments-api', version: '1.43.0', annotations: { 'dcp.simulator/release-ms': '60000' } });
    await t.waitFor(await submit({ component: 'token-service', version: '0.9.3' }), ended);

    const page = await newPage(browser);
    await signIn(page, t.url, TOKEN);
    const rows = page.getByTestId('deployment-row');
    const row = (service: string, version: string) => rows.filter({ hasText: service }).filter({ hasText: version });
    await waitForText(row('ledger-worker', '2.7.0').getByTestId('status'), 'Completed');
    await waitForText(row('identity-gateway', '3.0.0').getByTestId('status'), 'Failed');
    await waitForText(row('cluster-autoscaler-config', '0.4.1').getByTestId('status'), 'Cancelled');
    await waitForText(row('payments-api', '1.43.0').getByTestId('status'), 'InProgress');
    await waitForText(row('token-service', '0.9.3').getByTestId('status'), 'Completed');
    // Newest first (a row's text begins with its service).
    const newestFirst = ['token-service', 'payments-api', 'cluster-autoscaler-config', 'identity-gateway', 'ledger-worker'];
    const shown = (await rows.allTextContents()).map((text) => newestFirst.find((service) => text.trim().startsWith(service)));
    assert.deepEqual(shown, newestFirst);
    await screenshot(page, 'deployments-list');
    await expectAccessible(page, 'deployments-list');

    // The session outlives a reload (it is a cookie), and ends with Sign out.
    await page.reload();
    await rows.first().waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await page.context().close();
  });

  test('the list shows 50 deployments, and Load more the rest', async () => {
    // Rows to page through, not deployments to run: each one's scan takes an hour of a clock that
    // never moves, so it stays Scanning and costs the engine nothing after it is created.
    const before = (await t.api('GET', '/api/v1/deployments?limit=500')).body.items.length;
    const parked = { 'dcp.simulator/scan-ms': String(3_600_000) };
    for (let i = 0; i < 55 - before; i++) {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent', version: `1.0.${i}`, strategy: 'fast', annotations: parked }));
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'Scanning', 'the deployment waits for its scan');
    }
    const page = await newPage(browser);
    await signIn(page, t.url, TOKEN);
    const rows = page.getByTestId('deployment-row');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(54).waitFor();
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 55);
    await page.context().close();
  });
});
