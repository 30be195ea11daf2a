/**
 * The one way into the engine: every change of a deployment — its creation included — reaches the
 * move listeners and the transitions metric after its commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Move } from '../src/core/decide.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

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
  });
}
