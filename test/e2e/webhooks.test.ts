/**
 * The Webhooks page in a real browser, as an admin: subscribe a loopback receiver that answers
 * 500, see the signing secret once, send a build, and see the failed try in the subscription's
 * delivery log and its sink failing with the receiver's answer; then delete the subscription
 * (confirmed in a dialog). A member has no link to the page and is told it is for admins.
 *
 * The delivery runs on the test's ManualClock: the first try happens at once, and its retry (1 s
 * later) never comes, since the clock does not move. The test waits for the delivery's pass, never
 * for a time.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CONFIG_DIR } from '../../src/settings.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { build, type TestDcp } from '../helpers/dcp.ts';
import { closeApp, expectAccessible, newPage, openApp, personalToken, screenshot, signIn, waitForText } from './browser.ts';

describe('the Webhooks page', () => {
  let t: TestDcp;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let url = '';
  let received = 0;
  const clock = new ManualClock(new Date());

  before(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(500).end('receiver is down for maintenance');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dcp`;
    ({ t, browser, page } = await openApp({ clock, configDir: DEFAULT_CONFIG_DIR, as: 'dana' }));
  });
  after(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await closeApp({ t, browser });
  });

  test('an admin subscribes a URL, sees its secret once, sees the failed delivery and the failing sink, and deletes it', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL((u) => u.pathname === '/webhooks');
    await page.getByText('No subscriptions yet.').waitFor();

    // The form refuses what is not a URL before asking the API.
    await page.getByLabel('URL', { exact: true }).fill('hooks.example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('The URL must start with http:// or https://.').waitFor();

    await page.getByLabel('URL', { exact: true }).fill(url);
    await page.getByLabel('Description (optional)').fill('release dashboard');
    await page.getByRole('button', { name: 'Subscribe' }).click();

    const shown = page.getByTestId('new-webhook');
    await shown.getByText('This is the only time you will see the signing secret.').waitFor();
    const secretField = shown.getByLabel('Signing secret');
    assert.equal(await secretField.getAttribute('readonly'), '', 'the secret is read-only');
    const secret = await secretField.inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{20,}$/);
    await shown.getByRole('button', { name: 'Copy' }).waitFor();

    const row = page.getByTestId('webhook').filter({ hasText: url });
    await waitForText(row.getByTestId('webhook-state'), 'Enabled');
    await row.getByText('release dashboard').waitFor();
    await row.getByText('all', { exact: true }).waitFor();
    await row.getByText('by dana').waitFor();
    const list = await t.api('GET', '/api/v1/webhooks');
    assert.equal(list.body.items.length, 1);
    const id: string = list.body.items[0].id;
    assert.ok(!JSON.stringify(list.body).includes(secret), 'the list holds no secret');

    // Its sink is there from the start, healthy, nothing behind.
    const sink = page.getByTestId('sink').filter({ hasText: url });
    await waitForText(sink.getByTestId('sink-state'), 'Healthy');

    // Dismissed, the secret is nowhere on the page.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.equal(await page.getByText(secret).count(), 0);

    // An event: the delivery tries it at once, the receiver answers 500.
    const failed = new Promise<string>((resolve) => {
      const off = t.dcp.delivery.onPass((name, error) => {
        if (name === `webhook:${id}` && error) {
          off();
          resolve(error);
        }
      });
    });
    const created = await t.api('POST', '/api/v1/builds', build());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(await failed, 'HTTP 500: receiver is down for maintenance');
    assert.ok(received >= 1);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForText(sink.getByTestId('sink-state'), 'Failing');
    await waitForText(sink.getByTestId('sink-error'), /HTTP 500: receiver is down for maintenance/);
    await waitForText(sink.getByTestId('sink-lag'), /^\s*[1-9]\d* events?\s*$/);

    await row.getByRole('button', { name: `Delivery log of ${url}` }).click();
    const log = page.getByTestId('delivery-log');
    const delivery = log.getByTestId('delivery').first();
    await waitForText(delivery.getByTestId('delivery-outcome'), 'Failed');
    await waitForText(delivery.getByTestId('delivery-status'), 'HTTP 500');
    const tries = await t.api('GET', `/api/v1/webhooks/${id}/deliveries`);
    assert.equal(await log.getByTestId('delivery').count(), tries.body.items.length);
    await delivery.getByText(tries.body.items[0].eventId).waitFor();

    await screenshot(page, 'webhooks');
    await expectAccessible(page, 'the webhooks page with a failing sink and its delivery log');

    // Delete: a dialog asks first; keeping it changes nothing.
    await row.getByRole('button', { name: `Delete ${url}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this subscription?' });
    await dialog.waitFor();
    await expectAccessible(page, 'the delete dialog');
    await dialog.getByRole('button', { name: 'Keep subscription' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await t.api('GET', '/api/v1/webhooks')).body.items.length, 1);

    await row.getByRole('button', { name: `Delete ${url}` }).click();
    await dialog.getByRole('button', { name: 'Delete subscription' }).click();
    await page.getByText('No subscriptions yet.').waitFor();
    await log.waitFor({ state: 'detached' });
    await sink.waitFor({ state: 'detached' });
    assert.equal((await t.api('GET', '/api/v1/webhooks')).body.items.length, 0);
    assert.equal((await t.api('GET', `/api/v1/webhooks/${id}/deliveries`)).status, 404);
  });

  test('a member has no Webhooks link, and is told the page is for admins', async () => {
    const member = await newPage(browser);
    try {
      await signIn(member, t.url, await personalToken(t, 'alice'));
      const nav = member.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Tokens' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Webhooks' }).count(), 0);
      await member.goto(`${t.url}/webhooks`);
      await member.getByRole('status').filter({ hasText: 'Only admins can manage webhook subscriptions.' }).waitFor();
      await expectAccessible(member, 'the webhooks page for a member');
    } finally {
      await member.context().close();
    }
  });
});
