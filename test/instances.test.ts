/**
 * Replica heartbeats and takeover (engine/instances.ts) on PostgreSQL, driven by a manual clock:
 * a replica silent for 1.5 heartbeats loses its job and sink leases to the others at once, a
 * clock jump or a database outage does not make a live replica look dead, and a clean stop hands
 * back what it still holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createInstances, type Instances } from '../src/engine/instances.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import type { Db } from '../src/store/db.ts';
import { listInstances, registerInstance } from '../src/store/instances.ts';
import * as jobs from '../src/store/jobs.ts';
import { openTestDb } from './helpers/dcp.ts';

const HEARTBEAT = 2000;

describe('replica heartbeats (postgres)', () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => {
    ({ db, drop } = await openTestDb('postgres'));
  });
  after(() => drop());

  const quiet = () => {
    const warnings: string[] = [];
    return { warnings, log: { info: () => undefined, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), debug: () => undefined } };
  };

  function replica(id: string, clock: ManualClock): Instances & { warnings: string[] } {
    const { warnings, log } = quiet();
    return Object.assign(createInstances({ db, clock, log, id, host: 'test', pid: 1, heartbeatMs: HEARTBEAT }), { warnings });
  }

  async function lockedJob(owner: string, clock: ManualClock): Promise<number> {
    const deploymentId = `d-${owner}-${clock.now().getTime()}`;
    await db.query(`INSERT INTO jobs (kind, deployment_id, payload, due_at, created_at) VALUES ('deployment.signal', $1, '{}', $2, $2)`, [deploymentId, clock.now()]);
    const [job] = await db.transaction((tx) => jobs.claim(tx, { owner, now: clock.now(), leaseMs: 30_000, limit: 1 }));
    assert.ok(job, 'claimed');
    return job.id;
  }

  const lockOf = async (id: number) => (await db.query<{ locked_by: string | null }>('SELECT locked_by FROM jobs WHERE id = $1', [id]))[0]?.locked_by;

  test('a dead replica\'s jobs and sinks are taken over after 1.5 heartbeats, a slow one registers again', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await registerInstance(db, { id: 'a', host: 'test', pid: 1, now: clock.now() });
    await registerInstance(db, { id: 'b', host: 'test', pid: 2, now: clock.now() });
    const job = await lockedJob('b', clock);
    await db.query(`INSERT INTO sink_cursors (name, position, locked_by, locked_until, created_at, updated_at) VALUES ('s', 0, 'b', $1, $2, $2)`, [new Date(clock.now().getTime() + 60_000), clock.now()]);

    // b stops beating (it died). Within 1.5 heartbeats it is alive.
    for (let t = 0; t <= HEARTBEAT * 1.5; t += HEARTBEAT / 4) {
      await a.tick();
      assert.equal(await lockOf(job), 'b', `at +${t} ms b still holds its job`);
      clock.advance(HEARTBEAT / 4);
    }
    await a.tick(); // +3500 ms: over 1.5 heartbeats old, and unchanged since the first look
    assert.equal(await lockOf(job), null, 'b\'s job is free');
    assert.deepEqual((await db.query('SELECT locked_by FROM sink_cursors WHERE name = $1', ['s']))[0], { locked_by: null });
    assert.deepEqual((await listInstances(db)).map((i) => i.id), ['a']);
    const [claimed] = await db.transaction((tx) => jobs.claim(tx, { owner: 'a', now: clock.now(), leaseMs: 30_000, limit: 1 }));
    assert.equal(claimed?.id, job, 'a claims it at once (its 30 s lease has not lapsed)');
    // b comes back to the job it had claimed: fenced, it must not run it (engine.ts `running`).
    const hold = (owner: string) => jobs.holdReleases(db, [{ jobId: job, releaseId: 'r-1' }], owner, new Date(clock.now().getTime() + 30_000));
    assert.equal((await hold('b')).held.has(job), false);
    assert.equal((await hold('a')).held.has(job), true);

    // b was only slow: its next beat finds its row gone, says so and writes it again.
    await b.tick();
    assert.match(b.warnings.join('\n'), /took this one for dead/);
    assert.deepEqual((await listInstances(db)).map((i) => i.id).sort(), ['a', 'b']);
    await db.query('DELETE FROM jobs');
    await db.query('DELETE FROM sink_cursors');
  });

  test('a clock jump or a database outage makes nobody dead before it could beat again', async () => {
    const clock = new ManualClock(new Date('2026-02-01T00:00:00Z'));
    const a = replica('a', clock);
    const b = replica('b', clock);
    await a.tick();
    await b.tick();
    const job = await lockedJob('b', clock);

    // Every heartbeat late at once (a jump of the manual clock: as after an outage of the database).
    clock.advance(60_000);
    await a.tick(); // b is stale, but a has not seen it unchanged for half a heartbeat yet
    clock.advance(HEARTBEAT / 4);
    await b.tick(); // b beats: alive
    clock.advance(HEARTBEAT / 4);
    await a.tick();
    assert.equal(await lockOf(job), 'b');

    // The database is away for a minute: a's looks fail, and what it had seen is forgotten.
    let down = false;
    const flaky: Db = { ...db, query: (text, values) => (down ? Promise.reject(new Error('connection terminated')) : db.query(text, values)) };
    const a2 = createInstances({ db: flaky, clock, log: quiet().log, id: 'a', host: 'test', pid: 1, heartbeatMs: HEARTBEAT });
    await a2.tick(); // sees b as it is now
    down = true;
    clock.advance(60_000);
    await assert.rejects(a2.tick(), /connection terminated/);
    down = false;
    await a2.tick(); // back: b is a minute stale, but only watched from now
    clock.advance(HEARTBEAT / 4);
    await b.tick();
    clock.advance(HEARTBEAT / 4);
    await a2.tick();
    assert.equal(await lockOf(job), 'b', 'b beat within a quarter heartbeat of the database coming back: not dead');
    await db.query('DELETE FROM jobs');
  });

  test('a clean stop deletes the row and hands back the leases', async () => {
    const clock = new ManualClock();
    const c = replica('c', clock);
    await c.start();
    const job = await lockedJob('c', clock);
    assert.ok((await listInstances(db)).some((i) => i.id === 'c'));
    await c.stop();
    assert.ok(!(await listInstances(db)).some((i) => i.id === 'c'));
    assert.equal(await lockOf(job), null);
  });
});
