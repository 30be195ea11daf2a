/**
 * Catalog sources in a real browser (issue 12): DCP on a fake Backstage serving Backstage's
 * example entities. The Catalog page shows each source's last sync, its counts and the entity it
 * skipped with a link to fix it; a team's page says where it came from with a link to its
 * Backstage entity page; a service whose owner is in no source says "owner unknown" (no Deploy
 * button), and a service gone from every source says "retired".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clocks.ts';
import type { TestDcp } from '../helpers/dcp.ts';
import { FAKE_BACKSTAGE_TOKEN, startFakeBackstage, type FakeBackstage } from '../fakes/backstage.ts';
import { closeApp, expectAccessible, openApp, screenshot } from './browser.ts';

describe('catalog sources in the app', () => {
  let t: TestDcp;
  let browser: Browser;
  let page: Page;
  let fake: FakeBackstage;

  before(async () => {
    fake = await startFakeBackstage({ pageSize: 5 });
    // One entity that does not validate: it is skipped and shown with its reason.
    fake.entities.find((e) => e.metadata.name === 'wayback-search')!.metadata.annotations = { 'dcp/is-gov': 'maybe' };
    ({ t, browser, page } = await openApp({ clock: new ManualClock(new Date()), env: { DCP_BACKSTAGE_URL: fake.url, DCP_BACKSTAGE_TOKEN: FAKE_BACKSTAGE_TOKEN } }));
    await t.dcp.catalogSync.syncNow();
  });
  after(async () => {
    await closeApp({ t, browser });
    await fake.close();
  });

  test('the Catalog page: each source, its last sync, what changed, the entity it skipped and where to fix it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('main').getByRole('link', { name: 'Catalog', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/catalog');
    const backstage = page.getByRole('region', { name: /Backstage/ });
    await backstage.getByText('some entities skipped').waitFor();
    await backstage.getByRole('cell', { name: 'component:default/wayback-search', exact: true }).waitFor();
    await backstage.getByRole('cell', { name: 'metadata.annotations.dcp/is-gov', exact: true }).waitFor();
    await backstage.getByText(/expected "true" or "false", got "maybe"/).waitFor();
    const edit = backstage.getByRole('link', { name: /Edit component:default\/wayback-search/ });
    assert.equal(await edit.getAttribute('href'), `${fake.url}/catalog/default/component/wayback-search`);
    await page.getByRole('region', { name: /the config folder/ }).getByText('ok', { exact: true }).waitFor();

    // Admins sync now; the fixed entity comes in and the problem goes.
    fake.entities.find((e) => e.metadata.name === 'wayback-search')!.metadata.annotations = {};
    await page.getByRole('button', { name: 'Sync now' }).click();
    await backstage.getByText('ok', { exact: true }).waitFor();
    assert.equal(await backstage.getByRole('table').count(), 0);
    await backstage.getByText('Added').locator('..').getByText('1').waitFor();
    await screenshot(page, 'catalog-sources');
    await expectAccessible(page, 'catalog-sources');
  });

  test("a team's page says where it came from, with a link to its Backstage entity page", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('link', { name: 'Team B', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/teams/team-b');
    const where = page.getByRole('region', { name: 'Where this comes from' });
    await where.getByText('group:default/team-b').waitFor();
    assert.equal(await where.getByRole('link', { name: /Edit in Backstage/ }).getAttribute('href'), `${fake.url}/catalog/default/group/team-b`);
    await expectAccessible(page, 'team-provenance');
  });

  test('a service with no known owner says so and offers no Deploy; a retired one says retired', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    const orphans = page.getByRole('region', { name: 'Services with no known owner' });
    await orphans.getByRole('link', { name: 'petstore' }).click();
    await page.waitForURL((url) => url.pathname === '/services/petstore');
    await page.getByRole('heading', { level: 1 }).getByText('owner unknown').waitFor();
    await page.getByText(/Owner unknown: sre is no team or user in any catalog source/).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Deploy petstore' }).count(), 0);
    await screenshot(page, 'service-owner-unknown');
    await expectAccessible(page, 'service-owner-unknown');

    fake.entities = fake.entities.filter((e) => e.metadata.name !== 'artist-lookup');
    await t.dcp.catalogSync.syncNow();
    await page.goto(`${t.url}/services/artist-lookup`);
    await page.getByRole('heading', { level: 1 }).getByText('retired').waitFor();
    await page.getByText(/in no catalog source any more/).waitFor();
    await page.getByRole('region', { name: 'Where this comes from' }).getByText('component:default/artist-lookup').waitFor();
  });
});
