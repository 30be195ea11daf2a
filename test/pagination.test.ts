/**
 * Every list pages (contract §7): `limit` (default 50, at most 500) and an opaque `cursor`, and
 * `{ items, nextCursor }` back. Teams, services, targets, change cases and freezes, followed page by
 * page with a small limit, give exactly the whole list, in order, each item once; a cursor the API
 * did not give is a 400 naming `query.cursor`. On both backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { insertChangeCase } from '../src/store/gates.ts';
import { BACKENDS, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { seedParkedDeployments } from './helpers/seed.ts';

for (const backend of BACKENDS) {
  describe(`paged lists (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      t = await startTestDcp({ backend, configDir: DEFAULT_CONFIG_DIR });
      // Change cases of seeded deployments: two in the same millisecond, so a page edge falls between equal times.
      const [a, b] = await seedParkedDeployments(t, [{ component: 'payments-api' }, { component: 'token-service' }]);
      const at = [new Date('2030-01-01T00:00:00.000Z'), new Date('2030-01-01T00:00:00.000Z'), new Date('2030-01-02T00:00:00.000Z')];
      const phases = [a.phases[0], a.phases[1], b.phases[0]];
      for (const [i, phase] of phases.entries()) {
        await insertChangeCase(t.dcp.db, { id: `cc-${i}`, provider: 'builtin', deploymentId: i < 2 ? a.id : b.id, phaseId: phase.id, queue: 'q', service: 's',
          environment: phase.environment, isGov: false, summary: 'x', description: 'y' }, at[i]);
      }
      for (const startsAt of ['2030-01-01T00:00:00.000001Z', '2030-01-01T00:00:00.000002Z', '2030-01-01T00:00:00.000002Z', '2031-01-01T00:00:00Z']) {
        const res = await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt, reason: `from ${startsAt}` });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(() => t.stop());

    async function pageThrough(path: string, limit: number): Promise<unknown[]> {
      const items: unknown[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const sep = path.includes('?') ? '&' : '?';
        const res: { status: number; body: any } = await t.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.items.length <= limit);
        assert.ok('nextCursor' in res.body, `${path}: no nextCursor`);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        if (cursor === null) return items;
        assert.equal(res.body.items.length, limit, `${path}: a page short of the limit must be the last`);
      }
      throw new Error(`${path}: more than 100 pages`);
    }

    for (const [path, limit] of [['/api/v1/teams', 1], ['/api/v1/services', 2], ['/api/v1/targets', 3], ['/api/v1/targets?channel=stable', 2],
      ['/api/v1/change-cases', 1], ['/api/v1/freezes', 1], ['/api/v1/freezes?current=true', 2]] as const) {
      test(`${path} page by page (limit ${limit}) is the whole list, in order, each item once`, async () => {
        const whole = await t.api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=500`);
        assert.equal(whole.status, 200, JSON.stringify(whole.body));
        assert.equal(whole.body.nextCursor, null);
        assert.ok(whole.body.items.length > limit, `${path}: only ${whole.body.items.length} items; the test needs more than one page`);
        assert.deepEqual(await pageThrough(path, limit), whole.body.items);
      });
    }

    test('the default page is 50 and limit is at most 500', async () => {
      assert.equal((await t.api('GET', '/api/v1/teams?limit=501')).status, 400);
      assert.equal((await t.api('GET', '/api/v1/freezes?limit=0')).status, 400);
      const res = await t.api('GET', '/api/v1/targets');
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 50);
    });

    test('a cursor the API did not give: 400 naming query.cursor, on every paged list', async () => {
      const forged = [
        'abc!', 'bm90IGpzb24', Buffer.from('[1]').toString('base64url'), Buffer.from('["a","b"]').toString('base64url'),
        Buffer.from('["0000-01-01T00:00:00Z","x"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), 'x'.repeat(1001),
      ];
      for (const path of ['/api/v1/teams', '/api/v1/services', '/api/v1/targets', '/api/v1/change-cases', '/api/v1/freezes']) {
        for (const cursor of forged) {
          const res = await t.api('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
          assert.equal(res.status, 400, `${path} ${cursor}: ${JSON.stringify(res.body)}`);
          assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'query.cursor'), `${path} ${cursor}: ${JSON.stringify(res.body)}`);
        }
      }
    });
  });
}
