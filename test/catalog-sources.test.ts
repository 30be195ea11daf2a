/**
 * Catalog sources (contract §12, issue 12): DCP on a fake Backstage catalog serving Backstage's
 * own example entities (test/fixtures/backstage/) with its paging, merged with the config folder.
 *
 * The expected table is written out below: the teams (Groups of type team), the people (Users,
 * with their memberOf), and the services with each owner form Backstage allows (`team-a`,
 * `group:team-b`, `group:default/team-a`, a user `user:guest`, and an owner in no source).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import { createBackstageCatalogSource } from '../src/integrations/catalog/backstage.ts';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, UNGATED_CONFIG, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { FAKE_BACKSTAGE_TOKEN, loadEntities, startFakeBackstage, type FakeBackstage } from './fakes/backstage.ts';

/** Two components of our own beside the examples: the other owner forms. */
const EXTRA = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ticket-office', annotations: { 'dcp/is-gov': 'true' } }, spec: { type: 'service', lifecycle: 'production', owner: 'group:team-b' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'seat-map' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/team-a' } },
  // Not a service: the filter (spec.type=service) leaves it out.
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'box-office-site' }, spec: { type: 'website', lifecycle: 'production', owner: 'team-a' } },
];

const entities = () => [...loadEntities(), ...structuredClone(EXTRA)];

/** [service, team, owner status, via, isGov] */
const SERVICES = [
  ['artist-lookup', 'team-a', 'resolved', undefined, false],
  ['petstore', 'sre', 'unknown', undefined, false],
  ['playback-order', 'team-a', 'derived', 'user:default/guest', false],
  ['seat-map', 'team-a', 'resolved', undefined, false],
  ['ticket-office', 'team-b', 'resolved', undefined, true],
  ['wayback-search', 'team-a', 'resolved', undefined, false],
];
const TEAM_A = ['breanna.davison', 'development/guest', 'guest', 'janelle.dawe', 'nigel.manning'];
const TEAM_B = ['amelia.park', 'colette.brock', 'jenny.doe', 'jonathon.page', 'justine.barrow'];

test('the Backstage source reads the examples page by page: teams, people and services, a bad entity reported and skipped', async () => {
  const fake = await startFakeBackstage({ entities: entities(), pageSize: 3 });
  try {
    const source = createBackstageCatalogSource({ url: fake.url, token: FAKE_BACKSTAGE_TOKEN, filter: 'kind=component,spec.type=service' });
    const { entities: read, problems } = await source.fetch();
    assert.deepEqual(problems, []);
    assert.deepEqual(read.filter((e) => e.kind === 'team').map((e) => e.name), ['team-a', 'team-b']);
    assert.deepEqual(read.filter((e) => e.kind === 'user').map((e) => e.name).sort(), [...TEAM_A, ...TEAM_B].sort());
    assert.deepEqual(read.filter((e) => e.kind === 'service').map((e) => [e.name, (e as any).owner]), [
      ['artist-lookup', 'team-a'], ['petstore', 'sre'], ['playback-order', 'user:guest'], ['seat-map', 'group:default/team-a'],
      ['ticket-office', 'group:team-b'], ['wayback-search', 'team-a'],
    ]);
    const guest = read.find((e) => e.kind === 'user' && e.name === 'development/guest') as any;
    assert.deepEqual(guest.memberOf, ['team-a']);
    assert.equal(guest.origin.editUrl, `${fake.url}/catalog/development/user/guest`);
    // Paging: the first page of each query names the filter, every later one only the cursor.
    const queries = fake.requests.map((r) => new URL(r.url, fake.url).searchParams);
    assert.ok(queries.filter((q) => q.has('cursor')).length >= 4, 'several pages were read by cursor');
    assert.ok(queries.every((q) => q.has('cursor') !== q.has('filter')));
    assert.ok(fake.requests.every((r) => r.authorization === `Bearer ${FAKE_BACKSTAGE_TOKEN}`));

    // One entity made invalid: it is reported (source, entity ref, field, reason) and skipped; the rest is read.
    fake.entities.find((e) => e.metadata.name === 'wayback-search')!.spec.owner = 42;
    fake.entities.find((e) => e.metadata.name === 'amelia.park')!.spec.memberOf = ['user:jenny.doe'];
    const again = await source.fetch();
    assert.deepEqual(again.problems.map((p) => [p.source, p.ref, p.field, p.key]), [
      ['backstage', 'user:default/amelia.park', 'spec.memberOf[0]', 'user:amelia.park'],
      ['backstage', 'component:default/wayback-search', 'spec.owner', 'service:wayback-search'],
    ]);
    assert.match(again.problems[1].reason, /expected a string, got number/);
    assert.equal(again.entities.filter((e) => e.kind === 'service').length, 5);
    assert.equal(again.entities.filter((e) => e.kind === 'user').length, 9);

    fake.down = true;
    await assert.rejects(source.fetch(), /Backstage answered 503/);
  } finally {
    await fake.close();
  }
});

for (const backend of BACKENDS) {
  describe(`catalog sources: Backstage and the config folder (${backend})`, () => {
    let t: TestDcp;
    let fake: FakeBackstage;
    const clock = new ManualClock();
    let configDir: string;
    before(async () => {
      fake = await startFakeBackstage({ entities: entities(), pageSize: 4 });
      // The folder adds a service owned by a Backstage team, and one owned by nobody anywhere.
      configDir = mkdtempSync(join(tmpdir(), 'dcp-catalog-sources-'));
      cpSync(UNGATED_CONFIG, configDir, { recursive: true });
      writeFileSync(join(configDir, 'catalog', 'extra.yaml'), [
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: box-office }\nspec: { type: service, owner: team-a }',
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ghost-svc }\nspec: { type: service, owner: group:nobody }',
      ].join('\n---\n'));
      t = await startTestDcp({ backend, clock, configDir, env: { DCP_BACKSTAGE_URL: fake.url, DCP_BACKSTAGE_TOKEN: FAKE_BACKSTAGE_TOKEN } });
      await t.dcp.catalogSync.syncNow();
    });
    after(async () => {
      await t.stop();
      await fake.close();
      rmSync(configDir, { recursive: true, force: true });
    });

    const service = async (name: string) => (await t.api('GET', '/api/v1/services?limit=500')).body.items.find((s: any) => s.name === name);

    test('the expected teams, people and services, with where each fact came from', async () => {
      const teams = (await t.api('GET', '/api/v1/teams')).body.items;
      assert.deepEqual(teams.map((x: any) => x.name), ['identity', 'payments', 'runtime', 'team-a', 'team-b']);
      const teamA = teams.find((x: any) => x.name === 'team-a');
      assert.deepEqual(teamA.members, TEAM_A);
      assert.deepEqual(teams.find((x: any) => x.name === 'team-b').members, TEAM_B);
      assert.deepEqual(teamA.services, ['artist-lookup', 'box-office', 'playback-order', 'seat-map', 'wayback-search']);
      assert.equal(teams.find((x: any) => x.name === 'team-b').title, 'Team B');
      assert.deepEqual(teamA.provenance.entity, { source: 'backstage', ref: 'group:default/team-a', editUrl: `${fake.url}/catalog/default/group/team-a` });
      // The config folder's teams say which file holds them.
      const payments = teams.find((x: any) => x.name === 'payments');
      assert.deepEqual(payments.provenance.entity, { source: 'config', ref: 'group:default/payments', file: 'catalog/teams.yaml', line: 2, editUrl: null });

      const services = (await t.api('GET', '/api/v1/services?limit=500')).body.items.filter((s: any) => s.provenance.entity.source === 'backstage');
      assert.deepEqual(services.map((s: any) => [s.name, s.team, s.owner.status, s.owner.via, s.isGov]), SERVICES);
      const playback = services.find((s: any) => s.name === 'playback-order');
      // Derived: the team comes from the user's memberOf, and the provenance says so.
      assert.deepEqual(playback.provenance.team, { source: 'backstage', ref: 'user:default/guest', editUrl: `${fake.url}/catalog/default/user/guest` });
      assert.equal(playback.provenance.entity.editUrl, `${fake.url}/catalog/default/component/playback-order`);

      const sources = (await t.api('GET', '/api/v1/catalog/sources')).body.items;
      assert.deepEqual(sources.map((s: any) => [s.name, s.kind, s.status, s.rank < 100]), [['backstage', 'backstage', 'ok', true], ['config', 'config', 'ok', false]]);
      assert.equal(sources[0].entities, 2 + 10 + 6);
      // The sync at start added them all; the one the test asked for found nothing new.
      assert.deepEqual([sources[0].added, sources[0].updated, sources[0].removed], [0, 0, 0]);
    });

    test("the config folder's services may be owned by a Backstage team; an owner in no source is owner unknown", async () => {
      const boxOffice = await service('box-office');
      assert.deepEqual([boxOffice.team, boxOffice.owner.status, boxOffice.provenance.entity.file], ['team-a', 'resolved', 'catalog/extra.yaml']);
      const ghost = await service('ghost-svc');
      assert.deepEqual([ghost.team, ghost.owner.status], ['nobody', 'unknown']);
      assert.ok((await t.api('GET', '/api/v1/teams/team-a')).body.services.includes('box-office'));
    });

    test('Users with memberOf are DCP people: a Backstage user may deploy for their team', async () => {
      const asGuest = await t.as('guest');
      const reset = { workspace: null, channel: null };
      assert.equal((await asGuest('PUT', '/api/v1/teams/team-a/notifications', reset)).status, 200);
      assert.equal((await asGuest('PUT', '/api/v1/teams/team-b/notifications', reset)).status, 403);
    });

    test('a build for a service whose owner is in no source is refused with a 422 that says so', async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'petstore' }));
      assert.equal(res.status, 422);
      assert.match(res.body.detail, /owner unknown: its owner "sre" is no team or user in any catalog source/);
      assert.match(res.body.detail, /catalog\/default\/component\/petstore/);
      assert.equal(res.body.errors[0].field, 'component');
    });

    test("a team's Slack override made in DCP survives a sync", async () => {
      const put = await t.api('PUT', '/api/v1/teams/team-a/notifications', { workspace: 'acme', channel: '#team-a-deploys' });
      assert.equal(put.status, 200);
      fake.entities.find((e) => e.metadata.name === 'team-a')!.metadata.annotations = { 'slack.com/channel': '#from-backstage' };
      await t.api('POST', '/api/v1/catalog/sync');
      const team = (await t.api('GET', '/api/v1/teams/team-a')).body;
      assert.equal(team.slack.channel, '#from-backstage');
      assert.deepEqual([team.notifications.channel, team.notifications.source], ['#team-a-deploys', 'override']);
    });

    test("a sync changes no running deployment's plan", async () => {
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'artist-lookup', annotations: { 'dcp.simulator/release-ms': '86400000' } }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const running = await t.waitFor(res.body.id, (d) => d.status === 'InProgress', 'InProgress');
      // The catalog moves the service to team-b and makes it a GOV service.
      const lookup = fake.entities.find((e) => e.metadata.name === 'artist-lookup')!;
      lookup.spec.owner = 'team-b';
      lookup.metadata.annotations = { ...lookup.metadata.annotations, 'dcp/is-gov': 'true' };
      await t.api('POST', '/api/v1/catalog/sync');
      assert.deepEqual([(await service('artist-lookup')).team, (await service('artist-lookup')).isGov], ['team-b', true]);
      const after = await t.dcp.deployments.get(res.body.id);
      const plan = (d: typeof after) => ({ team: d.team, phases: d.phases.map((p) => ({ environment: p.environment, isGov: p.isGov, targets: p.releases.map((r) => r.target) })) });
      assert.deepEqual(plan(after), plan(running));
      assert.equal(after.team, 'team-a');
      // A new build plans with the new facts.
      const preview = await t.api('POST', '/api/v1/plans', { component: 'artist-lookup', channel: 'stable', strategy: 'standard' });
      assert.equal(preview.status, 200);
      assert.ok(preview.body.phases.some((p: any) => p.isGov), 'the new plan has a GOV phase');
      await t.api('POST', `/api/v1/deployments/${res.body.id}/cancel`, { reason: 'done with the test' });
    });

    test('a bad entity is reported and its previous good version kept; the rest syncs', async () => {
      fake.entities.find((e) => e.metadata.name === 'wayback-search')!.metadata.annotations = { 'dcp/is-gov': 'maybe' };
      fake.entities.find((e) => e.metadata.name === 'team-b')!.spec.profile.displayName = 'Team B (renamed)';
      fake.entities.push({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'bad name!' }, spec: { type: 'service', owner: 'team-a' } });
      const res = await t.api('POST', '/api/v1/catalog/sync');
      assert.equal(res.status, 200);
      const backstage = res.body.items.find((s: any) => s.name === 'backstage');
      assert.equal(backstage.status, 'partial');
      assert.deepEqual(backstage.problems.map((p: any) => [p.source, p.ref, p.field]), [
        ['backstage', '(entity)', 'metadata.name'],
        ['backstage', 'component:default/wayback-search', 'metadata.annotations.dcp/is-gov'],
      ]);
      assert.match(backstage.problems[1].reason, /expected "true" or "false", got "maybe"/);
      assert.equal(backstage.updated, 1, 'team-b changed');
      assert.equal((await t.api('GET', '/api/v1/teams/team-b')).body.title, 'Team B (renamed)');
      const wayback = await service('wayback-search');
      assert.deepEqual([wayback.team, wayback.isGov, wayback.retiredAt], ['team-a', false, undefined]);
      fake.entities.pop();
      fake.entities.find((e) => e.metadata.name === 'wayback-search')!.metadata.annotations = {};
    });

    test('an unreachable source keeps its last good data', async () => {
      fake.down = true;
      const res = await t.api('POST', '/api/v1/catalog/sync');
      fake.down = false;
      const backstage = res.body.items.find((s: any) => s.name === 'backstage');
      assert.equal(backstage.status, 'failed');
      assert.match(backstage.error, /Backstage answered 503/);
      assert.ok(backstage.lastSuccessAt < backstage.lastSyncAt || backstage.lastSuccessAt !== null);
      assert.equal((await service('artist-lookup')).team, 'team-b');
      assert.equal((await t.api('GET', '/api/v1/teams/team-a')).status, 200);
    });

    test('a service gone from every source is retired: listed with its history, builds refused with a 422', async () => {
      fake.entities = fake.entities.filter((e) => e.metadata.name !== 'artist-lookup');
      const res = await t.api('POST', '/api/v1/catalog/sync');
      assert.equal(res.body.items.find((s: any) => s.name === 'backstage').removed, 1);
      const retired = await service('artist-lookup');
      assert.equal(retired.retiredAt, clock.now().toISOString());
      const history = await t.api('GET', '/api/v1/deployments?service=artist-lookup');
      assert.equal(history.body.items.length, 1);
      const refused = await t.api('POST', '/api/v1/builds', build({ component: 'artist-lookup' }));
      assert.equal(refused.status, 422);
      assert.match(refused.body.detail, /service "artist-lookup" is retired/);
    });

    test('the schedule: every DCP_CATALOG_SYNC (5m) on the clock, from a timer kept in the database', async () => {
      const before = fake.requests.length;
      const synced = new Promise<void>((resolve) => {
        const off = t.dcp.catalogSync.onSync(() => {
          off();
          resolve();
        });
      });
      clock.advance(5 * 60_000);
      await synced;
      assert.ok(fake.requests.length > before);
    });

    test('the sync is for admins', async () => {
      const asBob = await t.as('bob');
      assert.equal((await asBob('POST', '/api/v1/catalog/sync')).status, 403);
      assert.equal((await asBob('GET', '/api/v1/catalog/sources')).status, 200);
    });
  });
}
