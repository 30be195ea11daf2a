/**
 * DCP as a real process (`node src/main.ts`): a deployment survives kill -9 on both backends,
 * one process per embedded data directory (a stale lock is taken over), and the generated admin
 * token outlives a restart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DeploymentDto } from '../src/store/deployments.ts';
import { api, spawnChild, startChild, stream, tail, guard, type DcpChild, type StreamEvent } from './helpers/child.ts';
import { BACKENDS, build, openTestDb } from './helpers/dcp.ts';

const TOKEN = 't';
/** A guard on every wait: failing it means what was awaited never came. */
const GUARD_MS = 30_000;
/**
 * The engine's default lease (engine.ts). On PostgreSQL a job whose process died is claimed
 * again only when its lease lapses (other processes may share the database, so a start cannot
 * reset leases as the embedded database does); the wait after a restart allows for it.
 */
const LEASE_MS = 30_000;

/** Children started by a suite, killed (SIGKILL) when it ends, whatever happened. */
function childPool() {
  const children = new Set<DcpChild>();
  return {
    async start(env: Record<string, string>): Promise<DcpChild> {
      const child = await startChild(env, GUARD_MS);
      children.add(child);
      return child;
    },
    async spawn(env: Record<string, string>): Promise<DcpChild> {
      const child = await spawnChild(env);
      children.add(child);
      return child;
    },
    async killAll(): Promise<void> {
      await Promise.allSettled([...children].map((child) => child.kill('SIGKILL')));
      children.clear();
    },
  };
}

async function ready(child: DcpChild): Promise<void> {
  const res = await fetch(`${child.url}/readyz`);
  assert.equal(res.status, 200, `GET /readyz: ${res.status} ${await res.text()}`);
}

for (const backend of BACKENDS) {
  describe(`restart (${backend})`, () => {
    const children = childPool();
    let dataDir: string;
    let drop: (() => Promise<void>) | undefined;
    let env: Record<string, string>;

    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), `dcp-restart-${backend}-`));
      env = { DCP_DATA_DIR: dataDir, DCP_BOOTSTRAP_TOKEN: TOKEN };
      if (backend === 'postgres') {
        const database = await openTestDb('postgres');
        drop = database.drop;
        env.DATABASE_URL = database.url!;
      }
    });
    after(async () => {
      await children.killAll();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('a deployment survives kill -9', async (t) => {
      const first = await children.start(env);
      await ready(first);
      const submitted = await api<DeploymentDto>(first.url, TOKEN, 'POST', '/api/v1/builds', build({
        strategy: 'standard',
        annotations: { 'dcp.simulator/scan-ms': '0', 'dcp.simulator/release-ms': '300' },
      }));
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
      const id = submitted.body.id;

      // Mid-deployment: a stage release in flight.
      const succeededBeforeKill = new Set<string>();
      const started = await stream(first.url, TOKEN, (event) => {
        if (event.type === 'ReleaseSucceeded') succeededBeforeKill.add(event.data.releaseId!);
        return event.type === 'ReleaseStarted' && event.data.environment === 'stage';
      }, { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'ReleaseStarted for stage' });
      const inFlight = started.data.releaseId!;
      const killedAt = Date.now();
      const exit = await first.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');

      const restarted = Date.now();
      const second = await children.start(env);
      await ready(second);
      const startMs = Date.now() - restarted;
      await stream(second.url, TOKEN, (event) => event.type === 'DeploymentCompleted' || event.type === 'DeploymentFailed', {
        deployment: id,
        after: 0,
        timeoutMs: GUARD_MS + (backend === 'postgres' ? LEASE_MS : 0),
        what: `the end of deployment ${id} after the restart`,
      });
      const resumeMs = Date.now() - restarted;
      if (backend === 'pglite') assert.match(second.stdout, /resumed \d+ job\(s\) left running by the previous process/);

      const done = await api<DeploymentDto>(second.url, TOKEN, 'GET', `/api/v1/deployments/${id}`);
      assert.equal(done.status, 200);
      const d = done.body;
      const summary = JSON.stringify(d.phases.map((p) => [p.environment, p.status, p.releases.map((r) => r.status)]));
      assert.equal(d.status, 'Completed', `${d.status} (${d.statusDetail}): ${summary}`);
      assert.ok(d.phases.every((p) => p.status === 'Completed'), summary);
      const releases = d.phases.flatMap((p) => p.releases);
      assert.equal(releases.length, 12);
      assert.ok(releases.every((r) => r.status === 'Succeeded'), summary);

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
      assert.ok(!succeededBeforeKill.has(inFlight));
      const stage = d.phases.find((p) => p.environment === 'stage')!;
      const release = stage.releases.find((r) => r.id === inFlight);
      assert.ok(release, `release ${inFlight} is not in the stage phase`);
      assert.equal(release.status, 'Succeeded');
      const succeeded = events.find((e) => e.type === 'ReleaseSucceeded' && e.data.releaseId === inFlight)!;
      assert.ok(Date.parse(succeeded.time) > killedAt, `release ${inFlight} succeeded at ${succeeded.time}, before the kill (${new Date(killedAt).toISOString()})`);
      assert.ok(Date.parse(release.statusTimes.Succeeded) > killedAt);

      await second.kill('SIGKILL');
      t.diagnostic(`${backend}: restart to listening ${startMs} ms, restart to DeploymentCompleted ${resumeMs} ms`);
    });

    if (backend === 'pglite') {
      test('one process per data directory', async () => {
        const first = await children.start(env);
        await ready(first);

        const second = await children.spawn(env);
        const exit = await guard(second.exited, GUARD_MS, () => `a second DCP on ${dataDir} kept running; stderr: ${tail(second.stderr)}`);
        assert.notEqual(exit.code, 0, `exit ${JSON.stringify(exit)}`);
        assert.ok(second.stderr.includes(`in use by DCP process ${first.pid}`), `stderr: ${tail(second.stderr)}`);
        assert.ok(second.stderr.includes(dataDir), `stderr: ${tail(second.stderr)}`);
        await ready(first); // the refused process touched nothing

        await first.kill('SIGKILL');
        assert.equal(readFileSync(path.join(dataDir, 'dcp.lock'), 'utf8').trim(), String(first.pid), 'the lock is left behind');
        const third = await children.start(env);
        await ready(third);
        assert.equal(readFileSync(path.join(dataDir, 'dcp.lock'), 'utf8').trim(), String(third.pid), 'the stale lock is taken over');
        const exitThird = await third.kill('SIGTERM');
        assert.equal(exitThird.code, 0, `SIGTERM: exit ${JSON.stringify(exitThird)}; stderr: ${tail(third.stderr)}`);
        assert.ok(!existsSync(path.join(dataDir, 'dcp.lock')), 'a clean stop releases the lock');
      });
    }
  });
}

describe('the generated admin token (pglite)', () => {
  const children = childPool();
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dcp-restart-token-'));
  });
  after(async () => {
    await children.killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the generated admin token', async () => {
    const env = { DCP_DATA_DIR: dataDir }; // no DCP_BOOTSTRAP_TOKEN
    const file = path.join(dataDir, 'admin-token');
    const first = await children.start(env);
    assert.ok(existsSync(file), `no ${file}; stdout: ${tail(first.stdout)}`);
    const token = readFileSync(file, 'utf8').trim();
    assert.ok(token.length >= 20, `a short token: ${JSON.stringify(token)}`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await api(first.url, token, 'GET', '/api/v1/teams')).status, 200);
    assert.equal((await api(first.url, `${token}x`, 'GET', '/api/v1/teams')).status, 401);
    assert.equal((await api(first.url, 'wrong', 'GET', '/api/v1/teams')).status, 401);
    const written = statSync(file);
    await first.kill('SIGKILL');

    const second = await children.start(env);
    assert.equal((await api(second.url, token, 'GET', '/api/v1/teams')).status, 200);
    assert.equal((await api(second.url, 'wrong', 'GET', '/api/v1/teams')).status, 401);
    assert.equal(readFileSync(file, 'utf8').trim(), token, 'the token file changed');
    const now = statSync(file);
    assert.equal(now.mtimeMs, written.mtimeMs, 'the token file was rewritten');
    assert.equal(now.ino, written.ino);
    assert.doesNotMatch(second.stdout, /generated the admin token/);
    await second.kill('SIGKILL');
  });
});
