/**
 * The GitHub catalog source (contract §12, issue 12) against a fake GitHub API: an organisation
 * whose repositories (two pages of them) hold `catalog-info.yaml` and `kilonova.yaml` at their
 * root, one of them broken; conditional requests answered 304; a rate limit to wait for, on the
 * test's clock. Then a DCP on it, on both databases: isGov from kilonova.yaml wins over the
 * `dcp/is-gov` annotation, a broken file keeps its entities' last good version, edit links are
 * the files on GitHub.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/shared/clocks.ts';
import { createGitHubCatalogSource, memoryHttpCache, nextLink } from '../src/integrations/catalog/github.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { FAKE_GITHUB_TOKEN, startFakeGitHub, type FakeGitHub, type FakeRepo } from './fakes/github.ts';

const ORG = 'acme';

const LEDGER = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: billing, annotations: { slack.com/channel: "#billing" } }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: erin }
spec: { profile: { email: erin@example.com }, memberOf: [group:default/billing] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ledger, annotations: { dcp/is-gov: "false" } }
spec: { type: service, lifecycle: production, owner: group:billing }
`;

const repos = (): FakeRepo[] => [
  { name: 'ledger', files: { 'catalog-info.yaml': LEDGER, 'kilonova.yaml': 'isGov: true\n' } },
  { name: 'search', files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: search }\nspec: { type: service, owner: "user:erin" }\n' } },
  { name: 'broken', files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: broken-svc }\nspec: { type: service, owner: billing }\n' } },
  {
    name: 'maps',
    files: {
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: maps-api, annotations: { dcp/is-gov: "true" } }\nspec: { type: service, owner: billing }\n',
      'kilonova.yaml': 'isGov: false\n',
    },
  },
  { name: 'old-docs', archived: true, files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: old-docs }\nspec: { type: service, owner: billing }\n' } },
  { name: 'website', files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: website }\nspec: { type: website, owner: billing }\n' } },
  { name: 'no-catalog', files: {} },
];

const BROKEN_YAML = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: broken-svc\nspec: [\n';

test('Link headers: the rel="next" target, whatever the order and spacing', () => {
  assert.equal(nextLink('<https://api.github.com/orgs/acme/repos?page=2>; rel="next", <https://api.github.com/orgs/acme/repos?page=5>; rel="last"'), 'https://api.github.com/orgs/acme/repos?page=2');
  assert.equal(nextLink('<https://x/1>; rel="prev",<https://x/3>;rel="next"'), 'https://x/3');
  assert.equal(nextLink('<https://x/1>; rel="last"'), null);
  assert.equal(nextLink(null), null);
});

describe('the GitHub source', () => {
  let fake: FakeGitHub;
  const clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
  before(async () => {
    fake = await startFakeGitHub({ org: ORG, repos: repos(), clock, perPage: 4 });
  });
  after(() => fake.close());

  test('every repository over two pages; catalog-info.yaml and kilonova.yaml; a broken file reported; then 304s', async () => {
    const cache = memoryHttpCache();
    const source = createGitHubCatalogSource({ url: fake.url, token: FAKE_GITHUB_TOKEN, org: ORG, clock, cache });
    const first = await source.fetch();
    const pages = fake.requests.filter((r) => r.url.startsWith(`/orgs/${ORG}/repos`));
    assert.deepEqual(pages.map((r) => r.url), [`/orgs/${ORG}/repos?per_page=100`, `/orgs/${ORG}/repos?per_page=4&page=2`]);
    assert.deepEqual(first.entities.map((e) => [e.kind, e.kind === 'gov' ? e.service : e.name]), [
      ['team', 'billing'], ['user', 'erin'], ['service', 'ledger'], ['gov', 'ledger'],
      ['service', 'search'], ['service', 'broken-svc'], ['service', 'maps-api'], ['gov', 'maps-api'],
    ]);
    assert.deepEqual(first.problems, []);
    const ledger = first.entities.find((e) => e.kind === 'service' && e.name === 'ledger')!;
    assert.deepEqual(ledger.origin, {
      source: 'github', ref: 'component:default/ledger', file: 'ledger/catalog-info.yaml', editUrl: `https://github.example.com/${ORG}/ledger/blob/main/catalog-info.yaml`,
    });
    // The archived repository is not read at all.
    assert.ok(!fake.requests.some((r) => r.url.includes('/old-docs/')));

    fake.repos.find((r) => r.name === 'broken')!.files['catalog-info.yaml'] = BROKEN_YAML;
    const from = fake.requests.length;
    const second = await source.fetch();
    const asked = fake.requests.slice(from);
    assert.ok(asked.every((r) => r.ifNoneMatch !== undefined || r.status === 404), 'every known URL is asked conditionally');
    assert.deepEqual(asked.filter((r) => r.status === 200).map((r) => r.url), [`/repos/${ORG}/broken/contents/catalog-info.yaml`]);
    assert.ok(asked.filter((r) => r.status === 304).length >= 6);
    assert.deepEqual(second.problems.map((p) => [p.ref, p.field, p.file]), [['broken/catalog-info.yaml', '(syntax)', 'broken/catalog-info.yaml']]);
    assert.match(second.problems[0].reason, /YAML syntax error/);
    assert.ok(!second.entities.some((e) => e.kind === 'service' && e.name === 'broken-svc'));
    fake.repos.find((r) => r.name === 'broken')!.files['catalog-info.yaml'] = repos()[2].files['catalog-info.yaml'];
  });

  test('the rate limit: when x-ratelimit-remaining reaches 0 the next request waits for x-ratelimit-reset (on the clock)', async () => {
    const reset = new Date(clock.now().getTime() + 10 * 60_000);
    fake.rateLimit(3, reset);
    const waits: Date[] = [];
    const source = createGitHubCatalogSource({
      url: fake.url, token: FAKE_GITHUB_TOKEN, org: ORG, clock, cache: memoryHttpCache(),
      onRateLimit: (until) => {
        waits.push(until);
        clock.set(until); // the test is the passing time
      },
    });
    const refusedBefore = fake.refused;
    const read = await source.fetch();
    assert.equal(fake.refused, refusedBefore, 'no request was sent while the limit was spent');
    assert.deepEqual(waits, [new Date(Math.ceil(reset.getTime() / 1000) * 1000)]);
    assert.equal(read.entities.length, 8);
  });

  test('a limit spent by someone else: the 403 says so; DCP waits for the reset and asks again', async () => {
    const reset = new Date(clock.now().getTime() + 60_000);
    fake.rateLimit(0, reset);
    const waits: Date[] = [];
    const source = createGitHubCatalogSource({
      url: fake.url, token: FAKE_GITHUB_TOKEN, org: ORG, clock, cache: memoryHttpCache(),
      onRateLimit: (until) => {
        waits.push(until);
        clock.set(until);
      },
    });
    const refusedBefore = fake.refused;
    const read = await source.fetch();
    assert.equal(fake.refused, refusedBefore + 1);
    assert.equal(waits.length, 1);
    assert.equal(read.entities.length, 8);
  });

  test('a wrong token or organisation fails the whole fetch, saying which setting to check', async () => {
    await assert.rejects(createGitHubCatalogSource({ url: fake.url, token: 'nope', org: ORG, clock }).fetch(), /401.*DCP_GITHUB_TOKEN/);
    await assert.rejects(createGitHubCatalogSource({ url: fake.url, token: FAKE_GITHUB_TOKEN, org: 'other', clock }).fetch(), /DCP_GITHUB_ORG/);
  });
});

for (const backend of BACKENDS) {
  describe(`catalog sources: a GitHub organisation (${backend})`, () => {
    let t: TestDcp;
    let fake: FakeGitHub;
    const clock = new ManualClock();
    before(async () => {
      fake = await startFakeGitHub({ org: ORG, repos: repos(), clock, perPage: 4 });
      t = await startTestDcp({ backend, clock, env: { DCP_GITHUB_URL: fake.url, DCP_GITHUB_TOKEN: FAKE_GITHUB_TOKEN, DCP_GITHUB_ORG: ORG } });
      await t.dcp.catalogSync.syncNow();
    });
    after(async () => {
      await t.stop();
      await fake.close();
    });
    const services = async () => (await t.api('GET', '/api/v1/services?limit=500')).body.items.filter((s: any) => s.provenance.entity.source === 'github');

    test('teams, people and services from the repositories; isGov from kilonova.yaml wins over the annotation', async () => {
      assert.deepEqual((await services()).map((s: any) => [s.name, s.team, s.owner.status, s.isGov, s.provenance.isGov.file]), [
        ['broken-svc', 'billing', 'resolved', false, 'broken/catalog-info.yaml'],
        ['ledger', 'billing', 'resolved', true, 'ledger/kilonova.yaml'],
        ['maps-api', 'billing', 'resolved', false, 'maps/kilonova.yaml'],
        ['search', 'billing', 'derived', false, 'search/catalog-info.yaml'],
      ]);
      const billing = (await t.api('GET', '/api/v1/teams/billing')).body;
      assert.deepEqual([billing.members, billing.slack.channel, billing.provenance.entity.editUrl], [['erin'], '#billing', `https://github.example.com/${ORG}/ledger/blob/main/catalog-info.yaml`]);
      const plan = await t.api('POST', '/api/v1/plans', { component: 'ledger', channel: 'stable', strategy: 'standard' });
      assert.ok(plan.body.phases.some((p: any) => p.isGov), 'ledger is a GOV service');
    });

    test('a broken catalog-info.yaml is reported and its services stay as they were; conditional requests answer 304', async () => {
      fake.repos.find((r) => r.name === 'broken')!.files['catalog-info.yaml'] = BROKEN_YAML;
      const from = fake.requests.length;
      const res = await t.api('POST', '/api/v1/catalog/sync');
      const github = res.body.items.find((s: any) => s.name === 'github');
      assert.equal(github.status, 'partial');
      assert.deepEqual(github.problems.map((p: any) => [p.source, p.ref, p.field]), [['github', 'broken/catalog-info.yaml', '(syntax)']]);
      assert.equal(github.problems[0].editUrl, `https://github.example.com/${ORG}/broken/blob/main/catalog-info.yaml`);
      assert.deepEqual([github.added, github.updated, github.removed], [0, 0, 0]);
      assert.ok((await services()).some((s: any) => s.name === 'broken-svc'));
      // The ETags live in the database: this sync's requests were conditional, and most answered 304.
      assert.ok(fake.requests.slice(from).filter((r) => r.status === 304).length >= 6);
      const ok = await t.api('POST', '/api/v1/builds', build({ component: 'broken-svc', strategy: 'fast' }));
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      await t.api('POST', `/api/v1/deployments/${ok.body.id}/cancel`, { reason: 'test' });
    });

    test('a repository that loses its catalog-info.yaml: its service is retired', async () => {
      delete fake.repos.find((r) => r.name === 'search')!.files['catalog-info.yaml'];
      await t.api('POST', '/api/v1/catalog/sync');
      const search = (await services()).find((s: any) => s.name === 'search');
      assert.equal(search.retiredAt, clock.now().toISOString());
    });
  });
}
