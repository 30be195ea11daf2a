/**
 * Signing in with SSO in a real browser: DCP configured for OIDC at a real provider in this
 * process (fakes/oidc-provider.ts); Chromium follows every redirect itself. A refusal comes back
 * to the sign-in screen, which says why.
 */
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import { startOidcDcp, type OidcDcp } from '../helpers/oidc.ts';
import { exitWhenDone, expectAccessible, launchBrowser, newPage, screenshot, waitForText } from './browser.ts';

describe('the app: signing in with SSO', () => {
  let o: OidcDcp;
  let browser: Browser;
  before(async () => {
    o = await startOidcDcp({ backend: 'pglite', clock: new ManualClock(new Date()), env: { DCP_OIDC_UNKNOWN: 'deny' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await o?.stop();
    exitWhenDone();
  });

  test('"Sign in with SSO" goes by the provider and lands in the app, signed in as alice', async () => {
    o.idp.signInAs({ sub: 'alice-at-idp', email: 'alice@example.com' });
    const page = await newPage(browser);
    await page.goto(`${o.t.url}/teams`);
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    await page.getByLabel('API token').waitFor();
    await expectAccessible(page, 'the sign-in screen with SSO');
    await screenshot(page, 'signin-sso');
    await sso.click();
    await waitForText(page.getByTitle(/^Signed in as/), 'alice');
    await page.waitForURL(`${o.t.url}/teams`);
    await page.context().close();
  });

  test('a person DCP does not know is sent back to the sign-in screen, which says why', async () => {
    o.idp.signInAs({ sub: 'mallory', email: 'mallory@example.org' });
    const page = await newPage(browser);
    await page.goto(o.t.url);
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await waitForText(page.getByRole('alert'), /not in its catalog/);
    await page.getByLabel('API token').waitFor();
    await page.waitForURL(`${o.t.url}/`);
    await expectAccessible(page, 'the sign-in screen after a refusal');
    await page.context().close();
  });
});
