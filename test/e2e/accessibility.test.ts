/**
 * Every page of the app, checked with axe-core in light and in dark mode: no serious or critical
 * accessibility violation. On the shipped example config, with a deployment in each kind of
 * state that changes what a page shows: one waiting on prod's gates (approval and change-case
 * forms), one failed (the error panel), one cancelled and one running (Cancel in the list).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CONFIG_DIR } from '../../src/settings.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { build, ended, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, newPage, openApp, phaseStatus, waitForText } from './browser.ts';

const MINUTE = 60_000;

describe('accessibility of every page (axe-core)', () => {
  let t: TestDcp;
  let clock: ManualClock;
  let browser: Browser;
  let page: Page;
  let waiting: string;
  let failed: string;

  before(async () => {
    clock = new ManualClock(new Date());
    ({ t, browser, page } = await openApp({ clock, configDir: DEFAULT_CONFIG_DIR }));
    const submit = async (overrides: Parameters<typeof build>[0]): Promise<string> => {
      const res = await t.api('POST', '/api/v1/builds', build(overrides));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };
    waiting = await submit({ component: 'ledger-worker', version: '4.0.0' });
    failed = await submit({ component: 'identity-gateway', version: '3.0.0', annotations: { 'dcp.simulator/fail-targets': 'dev-usw2-1' } });
    await t.waitFor(failed, ended, 'Failed');
    const cancelled = await submit({ component: 'token-service', version: '0.9.3', annotations: { 'dcp.simulator/release-ms': '600000' } });
    assert.equal((await t.api('POST', `/api/v1/deployments/${cancelled}/cancel`, { reason: 'superseded' })).status, 200);
    await submit({ component: 'payments-api', version: '1.43.0', annotations: { 'dcp.simulator/release-ms': '600000' } });
    assert.equal((await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(), reason: 'Quarter end' })).status, 201);
    // ledger-worker: stage bakes a minute after qa; then prod waits on its approval and change case.
    await t.waitFor(waiting, (d) => d.phases.find((p) => p.environment === 'stage')?.status === 'AwaitingPrerequisites', 'stage baking');
    clock.advance(MINUTE);
    await t.waitFor(waiting, (d) => d.phases.find((p) => p.environment === 'prod')?.status === 'AwaitingPrerequisites', 'prod waiting');
  });
  after(() => closeApp({ t, browser }));

  /** Each page, once it shows what it is for. */
  const pages: [string, (p: Page) => string, (p: Page) => Promise<void>][] = [
    ['the deployments list', () => '/deployments', (p) => p.getByTestId('deployment-row').first().waitFor()],
    ['a deployment waiting on its gates', () => `/deployments/${waiting}`, (p) => p.getByTestId('phase-prod').getByRole('button', { name: 'Submit', exact: true }).waitFor()],
    ['a failed deployment', () => `/deployments/${failed}`, (p) => waitForText(phaseStatus(p, 'dev'), 'Failed')],
    ['an unknown deployment', () => '/deployments/nope', (p) => p.getByRole('heading', { name: 'Deployment not found' }).waitFor()],
    ['the new deployment form', () => '/deployments/new?service=payments-api', (p) => p.getByTestId('plan').waitFor()],
    ['the teams', () => '/teams', (p) => p.getByRole('link', { name: 'Payments', exact: true }).waitFor()],
    ['a team', () => '/teams/payments', (p) => p.getByLabel('Slack channel').waitFor()],
    ['a service', () => '/services/ledger-worker', (p) => p.getByTestId('matrix').waitFor()],
    ['the freezes', () => '/freezes', (p) => p.getByTestId('freeze').first().waitFor()],
    ['the targets', () => '/targets', (p) => p.getByRole('heading', { name: /Channel/ }).first().waitFor()],
    ['a page that does not exist', () => '/nowhere', (p) => p.getByRole('heading', { name: 'Page not found' }).waitFor()],
  ];

  for (const scheme of ['light', 'dark'] as const) {
    test(`every page in ${scheme} mode`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      // Every page is checked before the test fails, so that one run names every problem.
      const problems: string[] = [];
      for (const [what, path, ready] of pages) {
        await page.goto(`${t.url}${path(page)}`);
        await ready(page);
        await expectAccessible(page, `${what}, ${scheme}`).catch((error: Error) => problems.push(error.message));
      }
      assert.deepEqual(problems, [], problems.join('\n'));
      // The dialogs and the search box's list of matches.
      await page.goto(`${t.url}/deployments/${waiting}`);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('dialog').waitFor();
      await expectAccessible(page, `the cancel dialog, ${scheme}`);
      await page.getByRole('button', { name: 'Keep running' }).click();
      await page.getByRole('combobox', { name: 'Search' }).fill('ledger');
      await page.getByRole('option').first().waitFor();
      await expectAccessible(page, `the search box's matches, ${scheme}`);
    });
  }

  test('the sign-in form, and a failed sign-in', async () => {
    const signedOut = await newPage(browser);
    await signedOut.goto(t.url);
    await signedOut.getByLabel('API token').waitFor();
    await expectAccessible(signedOut, 'the sign-in form');
    await signedOut.getByRole('button', { name: 'Sign in' }).click();
    await signedOut.getByRole('alert').waitFor();
    await expectAccessible(signedOut, 'the sign-in form with an error');
    await signedOut.context().close();
  });
});
