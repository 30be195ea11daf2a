/**
 * Tokens and the audit trail in a real browser: a person makes a token on the Tokens page, sees
 * its secret once (and it works), finds it listed without the secret, revokes it (and it stops
 * working at once); the Audit page is an admin's: they find that token's creation and revocation,
 * filtered by actor, while the person has no link to it and is told it is only for admins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CONFIG_DIR } from '../../src/settings.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import type { TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, newPage, openApp, personalToken, screenshot, signIn, waitForText } from './browser.ts';

describe('tokens and the audit trail', () => {
  let t: TestDcp;
  let browser: Browser;
  let page: Page;
  let tokenId = '';
  const clock = new ManualClock(new Date());

  before(async () => {
    ({ t, browser, page } = await openApp({ clock, configDir: DEFAULT_CONFIG_DIR, as: 'alice' }));
  });
  after(() => closeApp({ t, browser }));

  test('a person makes a token, sees its secret once, finds it listed without it, and revokes it', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tokens' }).click();
    await page.waitForURL((url) => url.pathname === '/tokens');
    assert.equal(await nav.getByRole('link', { name: 'Audit' }).count(), 0, 'no Audit link for a member');
    // A member is offered no admin scope and no "for a person".
    await page.getByLabel('deployments:write').waitFor();
    assert.equal(await page.getByLabel('admin', { exact: true }).count(), 0);
    assert.equal(await page.getByLabel('For a person (optional)').count(), 0);

    await page.getByLabel('Name').fill('my laptop');
    await page.getByLabel('deployments:write').check();
    await page.getByRole('button', { name: 'Make token' }).click();

    const shown = page.getByTestId('new-token');
    await shown.getByText('This is the only time you will see it.').waitFor();
    const secretField = shown.getByLabel('Secret');
    assert.equal(await secretField.getAttribute('readonly'), '', 'the secret is read-only');
    const secret = await secretField.inputValue();
    assert.ok(secret.length >= 20, `a secret: ${secret}`);

    // It works, as alice, at once.
    const me = await t.api('GET', '/api/v1/session', undefined, { authorization: `Bearer ${secret}` });
    assert.equal(me.status, 200);
    assert.equal(me.body.name, 'alice');

    const row = page.getByTestId('token').filter({ hasText: 'my laptop' });
    await waitForText(row.getByTestId('token-state'), 'Active');
    await row.getByText('deployments:write').waitFor();
    await screenshot(page, 'tokens');
    await expectAccessible(page, 'the tokens page with a new secret');

    // Once dismissed, the secret is nowhere: not on the page, not in the list the API gives.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');
    const list = await t.api('GET', '/api/v1/tokens', undefined, { authorization: `Bearer ${secret}` });
    assert.equal(list.status, 200);
    const listed = list.body.items.find((item: { name: string }) => item.name === 'my laptop');
    assert.ok(listed, 'listed');
    assert.equal(listed.token, undefined);
    assert.ok(!JSON.stringify(list.body).includes(secret), 'no secret in the list');
    tokenId = listed.id;

    // Revoke: a confirm first; keeping it changes nothing.
    await row.getByRole('button', { name: 'Revoke my laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “my laptop”?' });
    await dialog.getByRole('button', { name: 'Keep token' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await t.api('GET', '/api/v1/session', undefined, { authorization: `Bearer ${secret}` })).status, 200);

    await row.getByRole('button', { name: 'Revoke my laptop' }).click();
    await expectAccessible(page, 'the revoke dialog');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(row.getByTestId('token-state'), 'Revoked');
    assert.equal(await row.getByRole('button', { name: 'Revoke my laptop' }).count(), 0);
    await expectAccessible(page, 'the tokens page');

    const refused = await t.api('GET', '/api/v1/session', undefined, { authorization: `Bearer ${secret}` });
    assert.equal(refused.status, 401, 'a revoked token is refused at once');
  });

  test('a member who opens /audit is told it is for admins', async () => {
    await page.goto(`${t.url}/audit`);
    await page.getByRole('status').filter({ hasText: 'Only admins can see the audit trail.' }).waitFor();
    assert.equal(await page.getByTestId('audit-record').count(), 0);
    await expectAccessible(page, 'the audit page for a member');
  });

  test("an admin finds the token's creation and revocation in the audit trail, and filters by actor", async () => {
    // Someone else's write too, so that filtering by actor has something to leave out: a team's CI token.
    const ci = await t.api('POST', '/api/v1/tokens', { name: 'payments CI', scopes: ['read', 'builds:write'], team: 'payments' });
    assert.equal(ci.status, 201);
    assert.equal(ci.body.owner, null);

    const admin = await newPage(browser);
    await signIn(admin, t.url, await personalToken(t, 'dana'));
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await admin.waitForURL((url) => url.pathname === '/audit');
    await admin.locator('[data-testid="audit-records"][aria-busy="false"]').waitFor();

    const records = admin.getByTestId('audit-record');
    const created = records.filter({ hasText: 'POST /api/v1/tokens' }).filter({ hasText: 'alice' });
    const revoked = records.filter({ hasText: 'DELETE /api/v1/tokens/:id' }).filter({ hasText: 'alice' });
    await created.first().waitFor();
    await revoked.first().waitFor();
    await waitForText(revoked.first().getByTestId('audit-outcome'), 'success');
    await revoked.first().getByText(`tokens/${tokenId}`).waitFor();

    // Newest first: the revocation above the creation.
    const actions = await records.getByTestId('audit-action').allTextContents();
    assert.ok(actions.indexOf('DELETE /api/v1/tokens/:id') < actions.lastIndexOf('POST /api/v1/tokens'), `newest first: ${JSON.stringify(actions)}`);

    const everyone = await records.getByTestId('audit-actor').allTextContents();
    assert.ok(everyone.some((actor) => actor !== 'alice'), `others' records too: ${JSON.stringify(everyone)}`);

    await admin.getByLabel('Actor').fill('alice');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.waitForURL((url) => url.searchParams.get('actor') === 'alice');
    await admin.locator('[data-testid="audit-records"][aria-busy="false"]').waitFor();
    await revoked.first().waitFor();
    const actors = await records.getByTestId('audit-actor').allTextContents();
    assert.ok(actors.length >= 2, `alice's records: ${JSON.stringify(actors)}`);
    assert.deepEqual([...new Set(actors)], ['alice'], 'only alice');
    await screenshot(admin, 'audit');
    await expectAccessible(admin, 'the audit page');

    await admin.getByLabel('Actor').fill('nobody-at-all');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.getByText('No records match.').waitFor();
    await admin.context().close();
  });

  test("an admin sees everyone's tokens a page at a time, and may make a token for a person", async () => {
    // More than a page (50) of tokens: the rest comes with Load more.
    for (let i = 0; i < 52; i++) {
      const res = await t.api('POST', '/api/v1/tokens', { name: `bulk ${String(i).padStart(2, '0')}`, scopes: ['read'] });
      assert.equal(res.status, 201);
    }
    const admin = await newPage(browser);
    await signIn(admin, t.url, await personalToken(t, 'dana'));
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' }).click();
    const rows = admin.getByTestId('token');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50, 'the first page');
    await admin.getByRole('button', { name: 'Load more' }).click();
    await rows.filter({ hasText: 'my laptop' }).waitFor();
    await admin.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    const all = await t.api('GET', '/api/v1/tokens?limit=500');
    assert.ok(all.body.items.length > 50);
    assert.deepEqual(await rows.locator('th').allTextContents(), all.body.items.map((item: { name: string; bootstrap: boolean }) => item.name + (item.bootstrap ? ' (first start)' : '')), 'every token once, newest first');

    // A moment later, so that it is the newest (tokens made at the same instant come in no set order).
    clock.advance(1000);
    await admin.getByLabel('Name').fill('for bob');
    await admin.getByLabel('For a person (optional)').fill('bob');
    await admin.getByRole('button', { name: 'Make token' }).click();
    const secret = await admin.getByTestId('new-token').getByLabel('Secret').inputValue();
    const bob = await t.api('GET', '/api/v1/session', undefined, { authorization: `Bearer ${secret}` });
    assert.equal(bob.status, 200);
    assert.equal(bob.body.name, 'bob');
    await rows.filter({ hasText: 'for bob' }).filter({ hasText: 'bob' }).first().waitFor();
    await admin.context().close();
  });
});
