/**
 * The one way into the engine: every change of a deployment — its creation included — reaches the
 * move listeners and the transitions metric after its commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Move } from '../src/core/decide.ts';
import { BACKENDS, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';

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
}
