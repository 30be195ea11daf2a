/**
 * The transaction that creates a deployment neither reads its view nor reads it back for the
 * answer: both are built from what it inserted (store/deployments.ts `newDeploymentView`,
 * `newDeploymentDto`, `withWrites`). Here they are held to what reading them gives, on both
 * backends, for every plan of the example config's GOV service (its gated phases included), with
 * a freeze in force and after writes of every kind.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { loadConfigFolder } from '../src/config/folder.ts';
import { NO_PREREQUISITES } from '../src/core/gates.ts';
import { plan } from '../src/core/planner.ts';
import type { ConfigSnapshot } from '../src/core/types.ts';
import { sqlState, type Db } from '../src/store/db.ts';
import { getDeployments } from '../src/store/deployment-reads.ts';
import {
  insertDeployment, loadViews, newDeploymentDto, newDeploymentView, withGateFacts, withWrites, writeRows, type NewDeployment, type RowWrite,
} from '../src/store/deployments.ts';
import { insertFreeze } from '../src/store/gates.ts';
import { BACKENDS, openTestDb } from './helpers/dcp.ts';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../config/', import.meta.url));
/** As the API answers: JSON (key order aside, which deepEqual ignores). */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

let counter = 0;
const id = (kind: string) => `${kind}-${(counter += 1)}`;

function newDeployment(config: ConfigSnapshot, channel: string, strategy: string): NewDeployment {
  const p = plan(config, { component: 'payments-api', channel, strategy });
  const deploymentId = id('d');
  return {
    id: deploymentId,
    buildId: `build-${deploymentId}`,
    idempotencyKey: null,
    service: p.service.name,
    team: p.service.team,
    channel,
    strategy,
    artifactManifest: { name: 'payments-api', version: '1.42.0', images: [{ name: 'registry.example.com/payments-api', digest: 'sha256:abc' }], charts: [], annotations: { a: 'b' } },
    source: { repository: 'https://github.com/acme/payments-api', commit: '8c1f2e', branch: 'main' },
    reason: null,
    triggeredBy: 'ci',
    clonedFrom: null,
    requestDigest: { body: 'x' },
    omittedEnvironments: p.omittedEnvironments,
    phases: p.phases.map((phase) => ({
      id: id('p'), environment: phase.environment, isGov: phase.isGov, policy: phase.policy,
      releases: phase.targets.map((target) => ({ id: id('r'), target })),
    })),
  };
}

/** Writes of every kind to `d`'s rows (moves, a row moved twice, details, checks, prerequisites, findings, touched), and one to another deployment's. */
function writesTo(d: NewDeployment, other: NewDeployment): RowWrite[] {
  const [first, second] = d.phases;
  const release = first.releases[0];
  return [
    { entity: 'deployment', id: d.id, from: 'Pending', to: 'Scanning', detail: 'Waiting for the scan', history: true },
    { entity: 'deployment', id: d.id, from: 'Scanning', to: 'Scanned', detail: 'No findings', history: true, findings: { counts: { low: 1 } } },
    { entity: 'deployment', id: d.id, from: 'Scanned', to: 'InProgress', detail: null, history: true },
    { entity: 'phase', id: first.id, from: 'Pending', to: 'Checking', detail: 'Running checks', history: true, checks: [{ name: 'c', type: 'http', status: 'Passed', detail: 'ok' }], checkRound: 1 },
    { entity: 'phase', id: first.id, from: 'Checking', to: 'Checking', detail: 'Still checking', history: false },
    { entity: 'phase', id: second.id, from: 'Pending', to: 'Pending', detail: null, history: false, prerequisites: { ...NO_PREREQUISITES, approvals: { required: 2, approvers: ['alice'], received: [], rejectedBy: null, met: false } } },
    { entity: 'release', id: release.id, from: 'Pending', to: 'Deploying', detail: 'Releasing', history: true, touched: true },
    { entity: 'release', id: release.id, from: 'Deploying', to: 'Succeeded', detail: 'Done', history: true },
    { entity: 'deployment', id: other.id, from: 'Pending', to: 'Scanning', detail: 'Not this one', history: true },
  ];
}

for (const backend of BACKENDS) {
  describe(`a created deployment, known without reading it (${backend})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let config: ConfigSnapshot;
    before(async () => {
      ({ db, drop } = await openTestDb(backend));
      config = await loadConfigFolder(EXAMPLE_CONFIG);
    });
    after(() => drop());

    test('its view and its answer are what reading them gives, as inserted and after the writes of its transaction', async () => {
      const now = new Date('2026-12-02T10:00:00.123Z');
      const later = new Date('2026-12-02T10:00:01.456Z');
      await db.transaction(async (tx) => {
        // A freeze in force over the prod environments: the fresh view reads it as loadViews does.
        const frozen = config.environments.filter((e) => e.freezable).map((e) => e.name);
        assert.ok(frozen.length > 0, 'the example config has freezable environments');
        await insertFreeze(tx, { id: id('f'), environments: frozen, startsAt: new Date(now.getTime() - 60_000), endsAt: null, reason: 'release day', by: 'alice' }, now);
      });
      const plans = Object.keys(config.channels).flatMap((channel) => Object.keys(config.strategies).map((strategy) => ({ channel, strategy })));
      let compared = 0;
      let frozenPlans = 0;
      for (const { channel, strategy } of plans) {
        let d: NewDeployment;
        try {
          d = newDeployment(config, channel, strategy);
        } catch {
          continue; // a plan with no phase in this channel
        }
        if (d.phases.length < 2) continue;
        const other = newDeployment(config, channel, strategy);
        await db.transaction(async (tx) => {
          await Promise.all([insertDeployment(tx, d, now), insertDeployment(tx, other, now)]);
          const [fresh] = await withGateFacts(tx, [newDeploymentView(d)], now, true);
          const read = (await loadViews(tx, [d.id], now)).get(d.id);
          assert.deepEqual(json(fresh), json(read), `${channel}/${strategy}: the view`);
          if (fresh.phases.some((p) => p.policy.freezable)) {
            assert.ok(fresh.phases.some((p) => p.gates.freezes.length > 0), 'the freeze is in the view');
            frozenPlans += 1;
          }

          assert.deepEqual(json(newDeploymentDto(d, now)), json((await getDeployments(tx, [d.id])).get(d.id)), `${channel}/${strategy}: as inserted`);
          const writes = writesTo(d, other);
          await writeRows(tx, writes, later);
          assert.deepEqual(json(withWrites(newDeploymentDto(d, now), writes, later)), json((await getDeployments(tx, [d.id])).get(d.id)), `${channel}/${strategy}: after the writes`);
        });
        compared += 1;
      }
      assert.ok(compared >= 3 && frozenPlans >= 1, `${compared} plans compared, ${frozenPlans} with a freeze`);
    });

    test('a phase or release is stored only under its parents, and a parent with children keeps its id and stays (migration 016)', async () => {
      const now = new Date('2026-12-02T10:00:00.123Z');
      const [d, other] = [newDeployment(config, 'stable', 'standard'), newDeployment(config, 'stable', 'standard')];
      await db.transaction(async (tx) => {
        await Promise.all([insertDeployment(tx, d, now), insertDeployment(tx, other, now)]);
      });
      const [phase, otherPhase] = [d.phases[0], other.phases[0]];
      const refused = async (what: string, sql: string, values: unknown[]) => {
        await assert.rejects(db.transaction((tx) => tx.query(sql, values)), (error: unknown) => {
          assert.equal(sqlState(error), '23503', `${what}: ${String(error)}`);
          return true;
        }, what);
      };
      const copyPhase = `INSERT INTO phases (id, deployment_id, position, environment, is_gov, policy, status, status_detail, created_at, updated_at)
        SELECT $1, $2, position + 100, environment, is_gov, policy, status, status_detail, created_at, updated_at FROM phases WHERE id = $3`;
      const copyRelease = `INSERT INTO releases (id, phase_id, deployment_id, position, service, target, region, target_spec, status, status_detail, created_at, updated_at)
        SELECT $1, $2, $3, position + 100, service, target, region, target_spec, status, status_detail, created_at, updated_at FROM releases WHERE id = $4`;
      await refused('a phase of no deployment', copyPhase, [id('p'), 'd-missing', phase.id]);
      await refused('a release of no phase', copyRelease, [id('r'), 'p-missing', d.id, phase.releases[0].id]);
      await refused("a release under another deployment's phase", copyRelease, [id('r'), otherPhase.id, d.id, phase.releases[0].id]);
      await refused('a phase moved to another deployment', 'UPDATE phases SET deployment_id = $1 WHERE id = $2', [other.id, phase.id]);
      await refused('a release moved to another phase', 'UPDATE releases SET phase_id = $1 WHERE id = $2', [otherPhase.id, phase.releases[0].id]);
      await refused('a deployment renamed', 'UPDATE deployments SET id = $1 WHERE id = $2', [id('d'), d.id]);
      await refused('a phase renamed', 'UPDATE phases SET id = $1 WHERE id = $2', [id('p'), phase.id]);
      await refused('a deployment deleted under its phases', 'DELETE FROM deployments WHERE id = $1', [d.id]);
      await refused('a phase deleted under its releases', 'DELETE FROM phases WHERE id = $1', [phase.id]);

      // What the rules allow: rows under their parents (as inserted above), and deletes from the leaves up.
      const rolledBack = new Error('rolled back');
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query(copyPhase, [`${phase.id}-copy`, d.id, phase.id]);
        await tx.query(copyRelease, [`${phase.releases[0].id}-copy`, `${phase.id}-copy`, d.id, phase.releases[0].id]);
        await tx.query('UPDATE releases SET status_detail = $1 WHERE deployment_id = $2', ['touched', d.id]);
        await tx.query('DELETE FROM releases WHERE deployment_id = $1', [d.id]);
        await tx.query('DELETE FROM phases WHERE deployment_id = $1', [d.id]);
        assert.equal((await tx.query('DELETE FROM deployments WHERE id = $1 RETURNING id', [d.id])).length, 1);
        throw rolledBack;
      }), rolledBack);
    });
  });
}
