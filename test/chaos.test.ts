/**
 * Chaos, in the suite (scripts/chaos.ts): 3 DCP replicas as real processes on a private
 * PostgreSQL server, 300 deployments with random release times and failures, a random replica
 * kill -9'd every few seconds and started again, PostgreSQL restarted once mid-run. Afterwards
 * every deployment has ended and nothing is stuck, no release was executed twice, the event log
 * is gap-free and in commit order, and the core invariants hold on the stored data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos } from '../scripts/chaos.ts';

const DEPLOYMENTS = Number(process.env.DCP_CHAOS_DEPLOYMENTS ?? 300);

test(`chaos: ${DEPLOYMENTS} deployments on 3 replicas, kill -9 every few seconds, PostgreSQL restarted once`, { timeout: 8 * 60_000 }, async (t) => {
  const lines: string[] = [];
  const report = await runChaos({ deployments: DEPLOYMENTS, replicas: 3, log: (line) => lines.push(line) });
  const { rss: _rss, violations, ...summary } = report;
  t.diagnostic(JSON.stringify(summary));
  assert.deepEqual(violations, [], `${violations.length} violation(s); the run:\n${lines.join('\n')}`);
  assert.equal(report.deployments, DEPLOYMENTS);
  assert.ok(report.kills >= 3, `only ${report.kills} kill(s)`);
  assert.equal(report.postgresRestarts, 1);
});
