/**
 * The one way into the engine: every change of a deployment — its creation included — reaches the
 * move listeners and the transitions metric after its commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Move } from '../src/core/decide.ts';
import type { Db } from '../src/store/db.ts';
import { BACKENDS, build, ended, startTestDcp, type ApiResponse, type TestDcp } from './helpers/dcp.ts';

for (const backend of BACKENDS) {
  describe(`engine.apply (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      t = await startTestDcp({ backend });
    });
    after(() => t.stop());

    test("a new deployment's first move reaches the listeners and the transitions metric before the answer", async () => {
      const moves: Move[] = [];
      const unsubscribe = t.dcp.engine.onMoves((m) => moves.push(...m));
      const transitionsBefore = t.dcp.engine.stats().transitions;
      const res = await t.api('POST', '/api/v1/builds', build({ annotations: { 'dcp.simulator/scan-ms': '3600000' } }));
      unsubscribe();
      assert.equal(res.status, 201);
      assert.deepEqual(moves.filter((m) => m.id === res.body.id).map((m) => `${m.from}→${m.to}`), ['Pending→Scanning']);
      assert.ok(t.dcp.engine.stats().transitions >= transitionsBefore + 1);
      const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
      assert.match(metrics, /^dcp_engine_transitions_total [1-9]\d*$/m);
    });

    test('a cancel, an approval-free phase and a job all go through it (the listeners see each move once)', async () => {
      const seen = new Map<string, number>();
      const unsubscribe = t.dcp.engine.onMoves((m) => {
        for (const move of m) seen.set(`${move.id}:${move.to}`, (seen.get(`${move.id}:${move.to}`) ?? 0) + 1);
      });
      const res = await t.api('POST', '/api/v1/builds', build({ annotations: { 'dcp.simulator/scan-ms': '3600000' } }));
      const cancelled = await t.api('POST', `/api/v1/deployments/${res.body.id}/cancel`, { reason: 'test' });
      unsubscribe();
      assert.equal(cancelled.body.status, 'Cancelled');
      assert.equal(seen.get(`${res.body.id}:Scanning`), 1);
      assert.equal(seen.get(`${res.body.id}:Cancelled`), 1);
    });

    test('builds posted at once share transactions; the same build twice among them is one deployment, answered 200, and the others are not disturbed', async () => {
      const slowScan = { annotations: { 'dcp.simulator/scan-ms': '3600000' } };
      const twice = build(slowScan);
      const bodies = [twice, ...Array.from({ length: 8 }, () => build(slowScan)), twice];
      const answers = await Promise.all(bodies.map((body) => t.api('POST', '/api/v1/builds', body)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(9).fill(201)]);
      const [first, last] = [answers[0].body.id, answers.at(-1)!.body.id];
      assert.equal(first, last, 'the repeat answers with the first deployment');
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 9);
      for (const answer of answers) assert.equal(answer.body.status, 'Scanning');
      const stored = await t.api('GET', `/api/v1/deployments?q=${twice.buildId}`);
      assert.equal(stored.body.items.length, 1, 'nothing half-stored: one deployment of the build');
    });

    test('deployments of one service to one target applied together: one holds the target, the next is handed it when the first ends', async () => {
      const quick = { component: 'mule-runtime-agent', strategy: 'fast', channel: 'edge' };
      // The order of the releases' moves, as committed.
      const order: Move[] = [];
      const unsubscribe = t.dcp.engine.onMoves((m) => order.push(...m.filter((move) => move.entity === 'release')));
      const posted = await Promise.all([1, 2, 3].map((n) => t.api('POST', '/api/v1/builds', build({ ...quick, version: `3.0.${n}` }))));
      const done = await Promise.all(posted.map((p) => t.waitFor(p.body.id, ended, 'the end')));
      unsubscribe();
      assert.deepEqual(done.map((d) => d.status), ['Completed', 'Completed', 'Completed']);
      // Never two at once on a target: between a release's Deploying and its end, no other release of the target starts.
      const targetOf = new Map(done.flatMap((d) => d.phases.flatMap((p) => p.releases.map((r) => [r.id, r.target] as const))));
      const running = new Map<string, string>();
      for (const move of order) {
        const target = targetOf.get(move.id);
        if (!target) continue;
        if (move.to === 'Deploying') {
          assert.equal(running.get(target), undefined, `two releases at once on ${target}`);
          running.set(target, move.id);
        } else if (running.get(target) === move.id) running.delete(target);
      }
      assert.equal(order.filter((m) => targetOf.has(m.id) && m.to === 'Succeeded').length, targetOf.size);
    });
  });

  describe(`a stop asked while a release is starting (${backend})`, () => {
    // The cancel commits after the release job read its release (not stopped yet) and before the
    // job looked at its lease: the moment the engine's own sweep of running releases cannot see it.
    let t: TestDcp;
    let beforeHold: ((db: Db, jobIds: number[]) => Promise<void>) | undefined;
    before(async () => {
      t = await startTestDcp({
        backend,
        wrapDb: (db) => ({
          ...db,
          async query(sql, params) {
            if (beforeHold && sql.includes('WITH held AS (UPDATE jobs')) {
              const step = beforeHold;
              beforeHold = undefined;
              await step(db, params![0] as number[]);
            }
            return db.query(sql, params);
          },
        }),
      });
    });
    after(() => t.stop());

    test('the release is stopped, not run', async () => {
      let cancelled: ApiResponse | undefined;
      beforeHold = async (db, jobIds) => {
        const [{ deployment_id }] = await db.query<{ deployment_id: string }>('SELECT deployment_id FROM jobs WHERE id = $1', [jobIds[0]]);
        cancelled = await t.api('POST', `/api/v1/deployments/${deployment_id}/cancel`, { reason: 'mid-start' });
      };
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', annotations: { 'dcp.simulator/release-ms': '600000' } }));
      const settled = await t.waitFor(res.body.id, (d) => d.status === 'Cancelled' && d.phases[0].releases.every((r) => r.status !== 'Pending' && r.status !== 'Deploying'), 'the release to stop');
      assert.equal(cancelled?.status, 200, 'the cancel came between the read and the lease');
      assert.equal(settled.phases[0].releases[0].status, 'Cancelled');
      assert.match(settled.phases[0].releases[0].statusDetail, /before it touched the target/);
    });
  });
}
