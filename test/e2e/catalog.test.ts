/**
 * Teams and services in a real browser: a team's Slack channel set in its page (and still there
 * after a reload), and a service found through the search box, landing on its page with the
 * matrix of what runs where.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import { build, ended, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, openApp, screenshot, waitForText } from './browser.ts';

describe('teams and services', () => {
  let t: TestDcp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ t, browser, page } = await openApp({ clock: new ManualClock(new Date()) }));
  });
  after(() => closeApp({ t, browser }));

  test("a team's Slack channel is set in its page and kept", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/teams/payments');

    const workspace = page.getByLabel('Slack workspace');
    const channel = page.getByLabel('Slack channel');
    await channel.waitFor();
    assert.equal(await channel.inputValue(), '#payments-deploys', "the catalog's channel to begin with");
    await workspace.fill('acme-eng');
    await channel.fill('#payments-releases');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /Saved/ }).waitFor();

    await page.reload();
    await channel.waitFor();
    await page.getByText('#payments-releases').first().waitFor();
    assert.equal(await workspace.inputValue(), 'acme-eng');
    assert.equal(await channel.inputValue(), '#payments-releases');
    await screenshot(page, 'team');
    await expectAccessible(page, 'team');

    const team = await t.api('GET', '/api/v1/teams/payments');
    assert.equal(team.body.notifications.workspace, 'acme-eng');
    assert.equal(team.body.notifications.channel, '#payments-releases');
    assert.equal(team.body.notifications.source, 'override');
  });

  test('a service found by search opens on its page with the matrix of what runs where', async () => {
    const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', version: '5.2.0' }));
    assert.equal(res.status, 201);
    const done = await t.waitFor(res.body.id, ended);
    assert.equal(done.status, 'Completed');

    await page.getByLabel('Search', { exact: true }).fill('ledger');
    const results = page.getByRole('listbox');
    await results.waitFor();
    await results.getByRole('option').filter({ hasText: 'Service' }).filter({ hasText: 'ledger-worker' }).click();
    await page.waitForURL((url) => url.pathname === '/services/ledger-worker');

    const matrix = page.getByTestId('matrix');
    await matrix.waitFor();
    for (const environment of ['dev', 'qa', 'stage', 'prod']) await matrix.getByText(environment, { exact: true }).first().waitFor();
    await waitForText(matrix, /5\.2\.0/);
    await page.getByTestId('deployment-row').filter({ hasText: '5.2.0' }).waitFor();
    await screenshot(page, 'service');
    await expectAccessible(page, 'service');
  });
});
