/**
 * Lists over HTTP (contract §7): `GET /api/v1/deployments` filters by service, team, status,
 * environment and free text, pages by cursor, newest first. The deployments are seeded parked in
 * Scanning (helpers/seed.ts): nothing runs, so the list is exactly what was seeded, on PGlite and
 * on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { seedParkedDeployments } from './helpers/seed.ts';

for (const backend of BACKENDS) {
  describe(`deployment lists (${backend})`, () => {
    let t: TestDcp;
    /** In creation order: d[0] is the oldest. */
    let d: DeploymentDto[];
    before(async () => {
      t = await startTestDcp({ backend });
      d = await seedParkedDeployments(t, [
        { component: 'payments-api', version: '3.0.0' }, // payments, GOV
        { component: 'token-service', version: '3.0.1' }, // identity
        { component: 'payments-api', version: '3.0.2' },
        { component: 'cluster-autoscaler-config', version: '3.0.3' }, // runtime
        { component: 'payments-api', version: '3.0.4' },
        { component: 'token-service', version: '3.0.5' },
        { component: 'payments-api', version: '3.0.6', strategy: 'fast' },
      ]);
      const cancelled = await t.api('POST', `/api/v1/deployments/${d[4].id}/cancel`, {});
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    });
    after(() => t.stop());

    const ids = (res: { body: { items: DeploymentDto[] } }) => res.body.items.map((x) => x.id);
    /** The seeded deployments at these indexes, newest first. */
    const newestFirst = (...indexes: number[]) => indexes.toSorted((a, b) => b - a).map((i) => d[i].id);

    async function list(query: string): Promise<string[]> {
      const res = await t.api('GET', `/api/v1/deployments${query ? `?${query}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return ids(res);
    }

    /** Follows nextCursor to the end; returns every page's ids. */
    async function pages(query: string, limit: number): Promise<string[][]> {
      const all: string[][] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: DeploymentDto[]; nextCursor: string | null } } = await t.api('GET', `/api/v1/deployments?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.items.length <= limit);
        all.push(ids(res));
        cursor = res.body.nextCursor;
        assert.ok(all.length <= 10, 'paging never ends');
      } while (cursor);
      return all;
    }

    test('newest first; without a limit, every item and no next cursor', async () => {
      const res = await t.api('GET', '/api/v1/deployments');
      assert.deepEqual(ids(res), newestFirst(0, 1, 2, 3, 4, 5, 6));
      assert.equal(res.body.nextCursor, null);
    });

    test('pages by cursor, each item exactly once, the last page without a next cursor', async () => {
      assert.deepEqual(await pages('', 3), [newestFirst(4, 5, 6), newestFirst(1, 2, 3), newestFirst(0)]);
      assert.deepEqual(await pages('', 7), [newestFirst(0, 1, 2, 3, 4, 5, 6)]);
      assert.deepEqual((await pages('', 1)).flat(), newestFirst(0, 1, 2, 3, 4, 5, 6));
    });

    test('filters by service, team, status and environment, and pages within a filter', async () => {
      assert.deepEqual(await list('service=payments-api'), newestFirst(0, 2, 4, 6));
      assert.deepEqual(await pages('service=payments-api', 2), [newestFirst(4, 6), newestFirst(0, 2)]);
      assert.deepEqual(await list('team=identity'), newestFirst(1, 5));
      assert.deepEqual(await list('team=runtime'), newestFirst(3));
      assert.deepEqual(await list('status=Cancelled'), newestFirst(4));
      assert.deepEqual(await list('status=Scanning'), newestFirst(0, 1, 2, 3, 5, 6));
      assert.deepEqual(await list('status=Completed'), []);
      // GOV phases are planned only for GOV services; `fast` plans no stage.
      assert.deepEqual(await list('environment=gov-prod'), newestFirst(0, 2, 4, 6));
      assert.deepEqual(await list('environment=stage&service=payments-api'), newestFirst(0, 2, 4));
      assert.deepEqual(await list('environment=dev'), newestFirst(0, 1, 2, 3, 4, 5, 6));
      assert.deepEqual(await list('environment=nowhere'), []);
    });

    test('filters combine', async () => {
      assert.deepEqual(await list('service=payments-api&status=Scanning'), newestFirst(0, 2, 6));
      assert.deepEqual(await list('team=payments&environment=stage&status=Scanning'), newestFirst(0, 2));
      assert.deepEqual(await list('team=identity&service=payments-api'), []);
    });

    test('free text finds by version, build id, deployment id and service; % and _ are literal', async () => {
      assert.deepEqual(await list('q=3.0.5'), newestFirst(5));
      assert.deepEqual(await list(`q=${encodeURIComponent(d[3].buildId!)}`), newestFirst(3));
      assert.deepEqual(await list(`q=${d[1].id}`), newestFirst(1));
      assert.deepEqual(await list('q=token'), newestFirst(1, 5));
      assert.deepEqual(await list('q=%25'), []);
      assert.deepEqual(await list('q=3_0'), []);
    });

    test('a bad limit, cursor or status is 400 naming the field', async () => {
      for (const [query, field] of [['limit=501', 'query.limit'], ['limit=0', 'query.limit'], ['status=Sleeping', 'query.status']] as const) {
        const res = await t.api('GET', `/api/v1/deployments?${query}`);
        assert.equal(res.status, 400, query);
        assert.equal(res.body.errors[0].field, field, query);
      }
      assert.equal((await t.api('GET', '/api/v1/deployments?cursor=abc')).status, 400);
    });
  });
}
