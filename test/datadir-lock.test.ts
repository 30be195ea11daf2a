/**
 * The embedded data directory's lock (store/datadir-lock.ts) on PGlite: a kill -9'd DCP that its
 * parent has not reaped yet (a zombie) does not block a restart, a lock naming a pid that another
 * process has been given since is stale, and a live DCP still refuses a second one.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { currentOwner, lockDataDir, ownerAlive, parseLock } from '../src/store/datadir-lock.ts';
import { freePort, guard, ROOT, spawnChild, startChild, tail, type DcpChild } from './helpers/child.ts';
import { UNGATED_CONFIG } from './helpers/dcp.ts';

const GUARD_MS = 60_000; // a PGlite DCP starting on a loaded 2-core machine (the suite runs two files at once)
const dirs: string[] = [];
const procs = new Set<ChildProcess>();
after(() => {
  for (const proc of procs) proc.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dcp-lock-'));
  dirs.push(dir);
  return dir;
}

function state(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/** Polls until `fn` is true, within a bound. */
async function until(fn: () => boolean, what: string, ms = GUARD_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `command` (a shell command line) in the background under a parent that never reaps its
 * children (`exec sleep`): once the command dies it stays a zombie until the parent ends. Resolves
 * with the parent and the command's pid; the parent's stdout carries the command's.
 */
async function underNonReapingParent(command: string, env: NodeJS.ProcessEnv = process.env): Promise<{ parent: ChildProcess; pid: number; output: () => string }> {
  const parent = spawn('sh', ['-c', `${command} & echo "pid=$!"; exec sleep 600`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.add(parent);
  let out = '';
  parent.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  parent.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await until(() => /pid=\d+/.test(out), 'the background pid');
  return { parent, pid: Number(/pid=(\d+)/.exec(out)![1]), output: () => out };
}

describe('the data directory lock', () => {
  test('a lock naming a pid another process has now is stale', async () => {
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    procs.add(sleeper);
    await until(() => state(sleeper.pid!) !== null, 'sleep started');
    const dir = tempDir();
    const file = path.join(dir, 'dcp.lock');
    const real = currentOwner(sleeper.pid!);
    assert.ok(real.start, 'a start time from /proc');
    assert.ok(ownerAlive(real), 'the process as it is: alive');

    // The same pid, started at another time: the DCP that wrote the lock is gone.
    for (const owner of [{ ...real, start: String(Number(real.start) - 1), command: 'node src/main.ts' }, { ...currentOwner(process.ppid), start: '1' }]) {
      writeFileSync(file, JSON.stringify(owner));
      const unlock = lockDataDir(dir);
      assert.equal(parseLock(readFileSync(file, 'utf8'))?.pid, process.pid, `a lock naming ${owner.pid} is taken over`);
      unlock();
    }
    // A bare pid (an older DCP's lock) of a process that is no DCP.
    writeFileSync(file, String(sleeper.pid));
    lockDataDir(dir)();

    // The process itself: refused.
    writeFileSync(file, JSON.stringify(real));
    assert.throws(() => lockDataDir(dir), new RegExp(`in use by DCP process ${sleeper.pid}`));
    sleeper.kill('SIGKILL');
  });

  test('a zombie does not hold the lock', async () => {
    const { parent, pid } = await underNonReapingParent('sleep 600');
    const owner = currentOwner(pid);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dcp.lock'), JSON.stringify(owner));
    assert.throws(() => lockDataDir(dir), /in use by DCP process/);
    process.kill(pid, 'SIGKILL');
    await until(() => state(pid) === 'Z', `process ${pid} a zombie`);
    assert.doesNotThrow(() => process.kill(pid, 0), 'kill(pid, 0) succeeds for a zombie');
    lockDataDir(dir)();
    parent.kill('SIGKILL');
  });

  test('DCP on PGlite: a live one refuses a second, a kill -9\'d one not yet reaped does not block the restart', async (t) => {
    const dir = tempDir();
    const port = await freePort();
    const env = { DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: 't', DCP_CONFIG: UNGATED_CONFIG };
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PORT|HOST|DATABASE_URL|DCP_.*|LOG_LEVEL)$/.test(key)));
    const first = await underNonReapingParent(`exec ${JSON.stringify(process.execPath)} src/main.ts`, { ...inherited, ...env, HOST: '127.0.0.1', PORT: String(port) });
    // `exec` in the background subshell: the pid echoed is DCP's own.
    await until(() => / listening on http:\/\//.test(first.output()), `DCP ${first.pid} listening; output: ${tail(first.output())}`);
    assert.equal(parseLock(readFileSync(path.join(dir, 'dcp.lock'), 'utf8'))?.pid, first.pid);

    const children = new Set<DcpChild>();
    t.after(async () => {
      await Promise.allSettled([...children].map((child) => child.kill('SIGKILL')));
    });
    const second = await spawnChild(env);
    children.add(second);
    const exit = await guard(second.exited, GUARD_MS, () => `a second DCP on ${dir} kept running; stderr: ${tail(second.stderr)}`);
    assert.notEqual(exit.code, 0);
    assert.ok(second.stderr.includes(`${dir} is in use by DCP process ${first.pid}`), `stderr: ${tail(second.stderr)}`);

    process.kill(first.pid, 'SIGKILL');
    await until(() => state(first.pid) === 'Z', `DCP ${first.pid} a zombie`);
    const third = await startChild(env, GUARD_MS);
    children.add(third);
    assert.equal((await fetch(`${third.url}/readyz`)).status, 200);
    assert.equal(parseLock(readFileSync(path.join(dir, 'dcp.lock'), 'utf8'))?.pid, third.pid, 'the zombie\'s lock is taken over');
    assert.equal(state(first.pid), 'Z', 'the first DCP was still a zombie');
    first.parent.kill('SIGKILL');
    const stopped = await third.kill('SIGTERM');
    assert.equal(stopped.code, 0, `SIGTERM: ${JSON.stringify(stopped)}; stderr: ${tail(third.stderr)}`);
  });
});
