/**
 * DCP as a real process (`node src/main.ts`): a deployment survives kill -9 on both backends,
 * one process per embedded data directory (a stale lock is taken over), and the generated admin
 * token outlives a restart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { parseLock } from '../src/store/datadir-lock.ts';
import { api, guard, spawnChild, startChild, stream, tail, type DcpChild, type StreamEvent } from './helpers/child.ts';
import { build, openTestDb, UNGATED_CONFIG, type Backend } from './helpers/dcp.ts';

const TOKEN = 't';
/** A guard on every wait: failing it means what was awaited never came. */
const GUARD_MS = 30_000;
/**
 * The engine's lease, shortened for the test (DCP_LEASE_MS; default 30 s). On PostgreSQL a job
 * whose process died is claimed again only once its lease lapses (other processes may share the
 * database, so a start cannot reset leases as it does on the embedded database).
 */
const LEASE_MS = 3000;

/**
 * The two lanes below run at once, but never their CPU bursts (a child starting) together with
 * the moment a kill must land inside a 300 ms release: that moment waits for a start, and the
 * other way round.
 */
function mutex() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = last.then(fn);
    last = run.catch(() => undefined);
    return run;
  };
}
const exclusive = mutex();

type Context = { after(fn: () => Promise<unknown> | void): void };

/** Temp dirs and databases of a suite, removed when it ends. */
function suiteResources() {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return {
    tempDir(name: string): string {
      const dir = mkdtempSync(path.join(tmpdir(), `dcp-restart-${name}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    onEnd(cleanup: () => Promise<unknown> | void): void {
      cleanups.push(cleanup);
    },
  };
}
type SuiteResources = ReturnType<typeof suiteResources>;

/** Children of a test: every one is SIGKILLed when the test ends, whatever happened. */
function children(t: Context) {
  const all = new Set<DcpChild>();
  t.after(async () => {
    await Promise.allSettled([...all].map((child) => child.kill('SIGKILL')));
  });
  return {
    /** A child that has logged `listening on` and answers /readyz with 200. */
    async start(env: Record<string, string>): Promise<DcpChild> {
      const child = await exclusive(() => startChild(env, GUARD_MS));
      all.add(child);
      const res = await fetch(`${child.url}/readyz`);
      assert.equal(res.status, 200, `GET /readyz: ${res.status} ${await res.text()}`);
      return child;
    },
    /** A child, not waited for. */
    async spawn(env: Record<string, string>): Promise<DcpChild> {
      const child = await spawnChild(env);
      all.add(child);
      return child;
    },
  };
}
type Children = ReturnType<typeof children>;

/** The environment of a DCP on `backend`: a data dir, and for PostgreSQL a fresh migrated database. */
async function backendEnv(backend: Backend, r: SuiteResources): Promise<Record<string, string>> {
  // The example config without gates (bake times, approvals): a deployment runs to its end alone.
  const env: Record<string, string> = {
    DCP_DATA_DIR: r.tempDir(backend), DCP_BOOTSTRAP_TOKEN: TOKEN, DCP_CONFIG: UNGATED_CONFIG, DCP_LEASE_MS: String(LEASE_MS),
  };
  if (backend === 'postgres') {
    const database = await openTestDb('postgres');
    r.onEnd(() => database.drop());
    env.DATABASE_URL = database.url!;
  }
  return env;
}

/**
 * Submits a build on `child` and kills it (SIGKILL) as soon as the stream shows a stage release
 * started: mid-deployment, that release in flight.
 */
async function buildAndKillMidStage(child: DcpChild): Promise<{ id: string; inFlight: string; killedAt: number; succeededBeforeKill: Set<string> }> {
  const submitted = await api<DeploymentDto>(child.url, TOKEN, 'POST', '/api/v1/builds', build({
    strategy: 'standard',
    annotations: { 'dcp.simulator/scan-ms': '0', 'dcp.simulator/release-ms': '300' },
  }));
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const id = submitted.body.id;

  // Mid-deployment: a stage release in flight.
  const succeededBeforeKill = new Set<string>();
  const started = await stream(child.url, TOKEN, (event) => {
    if (event.type === 'ReleaseSucceeded') succeededBeforeKill.add(event.data.releaseId!);
    return event.type === 'ReleaseStarted' && event.data.environment === 'stage';
  }, { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'ReleaseStarted for stage' });
  const inFlight = started.data.releaseId!;
  const killedAt = Date.now();
  const exit = await child.kill('SIGKILL');
  assert.equal(exit.signal, 'SIGKILL');
  return { id, inFlight, killedAt, succeededBeforeKill };
}

async function killNineSurvival(backend: Backend, env: Record<string, string>, c: Children, diagnostic: (message: string) => void): Promise<void> {
  const first = await c.start(env);
  const { id, inFlight, killedAt, succeededBeforeKill } = await exclusive(() => buildAndKillMidStage(first));

  const restartedAt = Date.now();
  const second = await c.start(env);
  const listeningMs = Date.now() - restartedAt;
  const end = await stream(second.url, TOKEN, (event) => ['DeploymentCompleted', 'DeploymentFailed', 'DeploymentCancelled'].includes(event.type), {
    deployment: id,
    after: 0,
    timeoutMs: GUARD_MS + (backend === 'postgres' ? LEASE_MS : 0),
    what: `the end of deployment ${id} after the restart`,
  });
  const endMs = Date.now() - restartedAt;
  assert.equal(end.type, 'DeploymentCompleted');
  if (backend === 'pglite') assert.match(second.stdout, /resumed \d+ job\(s\) left running by the previous process/);

  const got = await api<DeploymentDto>(second.url, TOKEN, 'GET', `/api/v1/deployments/${id}`);
  assert.equal(got.status, 200);
  const d = got.body;
  const summary = JSON.stringify(d.phases.map((p) => [p.environment, p.status, p.releases.map((rel) => rel.status)]));
  assert.equal(d.status, 'Completed', `${d.status} (${d.statusDetail}): ${summary}`);
  assert.ok(d.phases.every((p) => p.status === 'Completed'), summary);
  const releases = d.phases.flatMap((p) => p.releases);
  assert.equal(releases.length, 12); // payments-api on stable: 1 + 2 + 2 + 4 + GOV 1 + 2
  assert.ok(releases.every((rel) => rel.status === 'Succeeded'), summary);

  const log = await api<{ items: StreamEvent[] }>(second.url, TOKEN, 'GET', `/api/v1/events?deployment=${id}&after=0&limit=500`);
  assert.equal(log.status, 200);
  const events = log.body.items;
  assert.equal(events.at(-1)!.type, 'DeploymentCompleted');
  assert.equal(events.filter((e) => e.type === 'DeploymentCompleted').length, 1);
  for (const release of releases) {
    const succeeded = events.filter((e) => e.type === 'ReleaseSucceeded' && e.data.releaseId === release.id);
    assert.equal(succeeded.length, 1, `release ${release.id} (${release.target}): ${succeeded.length} ReleaseSucceeded events`);
  }

  // The stage release in flight at the kill was re-driven by the new process.
  const release = d.phases.find((p) => p.environment === 'stage')!.releases.find((rel) => rel.id === inFlight);
  assert.ok(release, `release ${inFlight} is not in the stage phase`);
  assert.equal(release.status, 'Succeeded');
  assert.ok(!succeededBeforeKill.has(inFlight), `release ${inFlight} had succeeded before the kill`);
  const succeeded = events.find((e) => e.type === 'ReleaseSucceeded' && e.data.releaseId === inFlight)!;
  assert.ok(Date.parse(succeeded.time) > killedAt, `release ${inFlight} succeeded at ${succeeded.time}, before the kill at ${new Date(killedAt).toISOString()}`);

  await second.kill('SIGKILL');
  const margin = killedAt - Date.parse(release.statusTimes.Deploying);
  diagnostic(`${backend}: killed ${margin} ms into the 300 ms stage release; restart to listening ${listeningMs} ms, to DeploymentCompleted ${endMs} ms`);
}

/**
 * Two lanes at once: the PostgreSQL test spends most of its time waiting out a lease, the PGlite
 * tests theirs starting processes (CPU); one after the other they would take the sum.
 */
describe('DCP as a process', { concurrency: 2 }, () => {
  describe('restart (postgres)', { concurrency: 1 }, () => {
    const r = suiteResources();
    test('a deployment survives kill -9', async (t) => killNineSurvival('postgres', await backendEnv('postgres', r), children(t), (m) => t.diagnostic(m)));
  });

  describe('restart (pglite)', { concurrency: 1 }, () => {
    const r = suiteResources();
    // One data dir for the first two tests: a fresh one costs seconds at the first start.
    let shared: Promise<Record<string, string>> | undefined;
    const sharedEnv = () => (shared ??= backendEnv('pglite', r));
    test('a deployment survives kill -9', async (t) => killNineSurvival('pglite', await sharedEnv(), children(t), (m) => t.diagnostic(m)));

    test('one process per data directory', async (t) => {
      const c = children(t);
      const env = await sharedEnv();
      const dataDir = env.DCP_DATA_DIR;
      const lock = path.join(dataDir, 'dcp.lock');
      const first = await c.start(env);

      const second = await c.spawn(env);
      const exit = await guard(second.exited, GUARD_MS, () => `a second DCP on ${dataDir} kept running; stderr: ${tail(second.stderr)}`);
      assert.notEqual(exit.code, 0, `exit ${JSON.stringify(exit)}`);
      assert.ok(second.stderr.includes(`${dataDir} is in use by DCP process ${first.pid}`), `stderr: ${tail(second.stderr)}`);
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200, 'the first process still serves');

      await first.kill('SIGKILL');
      assert.equal(parseLock(readFileSync(lock, 'utf8'))?.pid, first.pid, 'kill -9 leaves its lock behind');
      const third = await c.start(env);
      assert.equal(parseLock(readFileSync(lock, 'utf8'))?.pid, third.pid, 'the stale lock is taken over');
      const stopped = await third.kill('SIGTERM');
      assert.equal(stopped.code, 0, `SIGTERM: exit ${JSON.stringify(stopped)}; stderr: ${tail(third.stderr)}`);
      assert.ok(!existsSync(lock), 'a clean stop releases the lock');
    });

    test('the generated admin token', async (t) => {
      const c = children(t);
      const env = { DCP_DATA_DIR: r.tempDir('token') }; // a fresh data dir, no DCP_BOOTSTRAP_TOKEN
      const file = path.join(env.DCP_DATA_DIR, 'admin-token');
      const first = await c.start(env);
      assert.ok(existsSync(file), `no ${file}; stdout: ${tail(first.stdout)}`);
      const token = readFileSync(file, 'utf8').trim();
      assert.match(token, /^\S{20,}$/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal((await api(first.url, token, 'GET', '/api/v1/teams')).status, 200);
      assert.equal((await api(first.url, `${token}x`, 'GET', '/api/v1/teams')).status, 401);
      assert.equal((await api(first.url, 'wrong', 'GET', '/api/v1/teams')).status, 401);
      const written = statSync(file);
      await first.kill('SIGKILL');

      const second = await c.start(env);
      assert.equal((await api(second.url, token, 'GET', '/api/v1/teams')).status, 200);
      assert.equal((await api(second.url, 'wrong', 'GET', '/api/v1/teams')).status, 401);
      assert.equal(readFileSync(file, 'utf8').trim(), token, 'the token file changed');
      const now = statSync(file);
      assert.deepEqual([now.ino, now.mtimeMs], [written.ino, written.mtimeMs], 'the token file was rewritten');
      assert.doesNotMatch(second.stdout, /generated the admin token/);
      await second.kill('SIGKILL');
    });
  });
});
