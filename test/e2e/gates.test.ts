/**
 * Gates in a real browser, on the shipped example config and a clock the test moves: the prod
 * path done by hand in the page (approve with a comment, the built-in change case Submit →
 * Approve with window, the bake times), and setting and lifting a change freeze.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CONFIG_DIR } from '../../src/settings.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { build, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, newPage, openApp, personalToken, phaseStatus, screenshot, signIn, waitForText } from './browser.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A time as an <input type="datetime-local"> value; the browser runs in UTC (browser.ts). */
const localInput = (date: Date) => date.toISOString().slice(0, 16);

describe('gates in the app', () => {
  let t: TestDcp;
  let clock: ManualClock;
  let browser: Browser;
  let page: Page;

  before(async () => {
    clock = new ManualClock(new Date());
    ({ t, browser, page } = await openApp({ clock, configDir: DEFAULT_CONFIG_DIR, as: 'alice' }));
  });
  after(() => closeApp({ t, browser }));

  test('the prod path by hand: approve with a comment, submit and approve the change case, wait out the bake time', async () => {
    const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', version: '4.0.0' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id: string = res.body.id;
    await page.goto(`${t.url}/deployments/${id}`);

    // stage bakes a minute after qa; then prod waits on its gates.
    await waitForText(phaseStatus(page, 'stage'), 'AwaitingPrerequisites');
    await waitForText(phaseStatus(page, 'qa'), 'Completed');
    clock.advance(MINUTE);
    await waitForText(phaseStatus(page, 'stage'), 'Completed');
    await waitForText(phaseStatus(page, 'prod'), 'AwaitingPrerequisites');
    const prod = page.getByTestId('phase-prod');
    await prod.getByRole('button', { name: 'Submit', exact: true }).waitFor();
    await screenshot(page, 'deployment-awaiting-approval');
    await expectAccessible(page, 'deployment-awaiting-approval');

    // The approval, with a comment.
    await prod.getByLabel('Comment').fill('ship it');
    await prod.getByRole('button', { name: 'Approve', exact: true }).click();
    await prod.getByText('ship it').waitFor();
    await prod.getByRole('button', { name: 'Approve', exact: true }).waitFor({ state: 'detached' });

    // The built-in change case: new → submitted → scheduled-approved for a window open now.
    await prod.getByRole('button', { name: 'Submit', exact: true }).click();
    await prod.getByRole('button', { name: 'Approve with window' }).waitFor();
    const opens = new Date(clock.now().getTime() - MINUTE);
    await prod.getByLabel('Window start').fill(localInput(opens));
    await prod.getByLabel('Window end').fill(localInput(new Date(opens.getTime() + 2 * HOUR)));
    await prod.getByRole('button', { name: 'Approve with window' }).click();
    await prod.getByRole('button', { name: 'Approve with window' }).waitFor({ state: 'detached' });

    // Everything but the bake time is met: prod still waits, until the clock passes it.
    const [changeCase] = (await t.api('GET', `/api/v1/change-cases?deployment=${id}`)).body.items;
    assert.equal(changeCase.status, 'scheduled-approved');
    assert.equal(changeCase.history.at(-1).by, 'alice');
    await waitForText(phaseStatus(page, 'prod'), 'AwaitingPrerequisites');
    await prod.getByText(/bake time/i).first().waitFor();
    clock.advance(2 * MINUTE);
    await waitForText(phaseStatus(page, 'prod'), 'Completed');
    await waitForText(page.getByTestId('deployment-status'), 'Completed');

    const done = await t.api('GET', `/api/v1/deployments/${id}`);
    assert.equal(done.body.status, 'Completed');
    const approvals = done.body.phases.find((p: { environment: string }) => p.environment === 'prod').prerequisites.approvals.received;
    assert.deepEqual(approvals.map((a: { by: string; decision: string; comment: string }) => [a.by, a.decision, a.comment]), [['alice', 'approve', 'ship it']]);
  });

  test('a rejection in the page cancels the phase and the deployment', async () => {
    const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', version: '4.0.1' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await page.goto(`${t.url}/deployments/${res.body.id}`);
    await waitForText(phaseStatus(page, 'stage'), 'AwaitingPrerequisites');
    clock.advance(MINUTE);
    await waitForText(phaseStatus(page, 'prod'), 'AwaitingPrerequisites');
    const prod = page.getByTestId('phase-prod');
    await prod.getByLabel('Comment').fill('not this week');
    await prod.getByRole('button', { name: 'Reject', exact: true }).click();
    await waitForText(phaseStatus(page, 'prod'), 'Cancelled');
    await waitForText(page.getByTestId('deployment-status'), 'Cancelled');
    await prod.getByText('Rejected by alice: not this week').first().waitFor();
  });

  test('a change freeze is set and lifted on the freezes page (by an admin)', async () => {
    page = await newPage(browser);
    await signIn(page, t.url, await personalToken(t, 'dana'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Freezes' }).click();
    const form = page.getByRole('form', { name: 'Set a freeze' });
    // Only prod (the freezable environments are all chosen to begin with).
    await form.getByRole('checkbox', { name: 'prod', exact: true }).check();
    await form.getByRole('checkbox', { name: 'gov-prod', exact: true }).uncheck();
    await form.getByLabel('Reason').fill('holiday freeze');
    await form.getByRole('button', { name: 'Set freeze' }).click();

    const current = page.getByRole('region', { name: 'Current' });
    const row = current.getByRole('listitem').filter({ hasText: 'holiday freeze' });
    await row.waitFor();
    const set = (await t.api('GET', '/api/v1/freezes?current=true')).body.items;
    assert.equal(set.length, 1, JSON.stringify(set));
    assert.deepEqual(set[0].environments, ['prod']);
    assert.equal(set[0].reason, 'holiday freeze');
    await screenshot(page, 'freezes');
    await expectAccessible(page, 'freezes');

    await row.getByRole('button', { name: 'Lift', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Lift freeze' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Past' }).getByRole('listitem').filter({ hasText: 'holiday freeze' }).filter({ hasText: 'Lifted' }).waitFor();
    await expectAccessible(page, 'freezes with a lifted one');

    const lifted = (await t.api('GET', '/api/v1/freezes')).body.items.find((f: { id: string }) => f.id === set[0].id);
    assert.equal(lifted.liftedBy, 'dana');
    assert.equal((await t.api('GET', '/api/v1/freezes?current=true')).body.items.length, 0);
  });
});
