/**
 * Queue benchmark (not a test): DCP's own job table against pg-boss, on PGlite and PostgreSQL.
 * It backs `docs/jobs.md`, which says why DCP keeps its own queue.
 *
 *   npm install --no-save pg-boss               # pg-boss is not a dependency of DCP; install it for the run
 *   npx node bench/queue-latency.ts             # everything: both backends, every system
 *   npx node bench/queue-latency.ts --backend pglite --system dcp --single 300 --bulk 2000
 *
 * Systems (`--system`, repeatable):
 * - `dcp`: DCP's store functions (`src/store/jobs.ts`) with a worker loop shaped like the engine's
 *   (`src/engine/engine.ts`): claim up to 64 due jobs in a transaction (FOR UPDATE SKIP LOCKED,
 *   under a lease), run them concurrently (at most 256 in flight), complete each in a transaction
 *   of its own; with nothing due, sleep until the earliest due time or a wake-up. An enqueue commits
 *   the job and a NOTIFY on `dcp_wake` in one transaction, then wakes the loop in process (as
 *   `engine.committed` does); the loop also LISTENs on `dcp_wake` (`db.listen`).
 * - `pgboss`: pg-boss with LISTEN/NOTIFY (`useListenNotify: true`, queues `notify: true`), and the
 *   smallest polling interval it accepts (0.5 s) as the backstop.
 * - `pgboss-poll`: pg-boss polling only, every 0.5 s (its minimum).
 *
 * Backends (`--backend`, repeatable): `pglite` (in memory, a fresh instance per system) and
 * `postgres` (the server in DATABASE_URL, else a private one started with scripts/pg-server.ts;
 * a fresh database per system, dropped afterwards).
 *
 * Measured per system and backend:
 * - setup: opening and migrating a fresh database (DCP: `migrate`; pg-boss: `start()`, which
 *   creates its schema), in ms;
 * - single: `--single` jobs (after `--warmup` not counted), sent one at a time; each is sent after
 *   the previous one's handler started plus a small random gap (for `pgboss-poll`, a random gap
 *   within its polling interval, so that sends fall at random points of the poll cycle).
 *   Reported: the enqueue call (send → committed), and send → handler start, p50/p90/p99/max, ms;
 * - bulk: `--bulk` no-op jobs enqueued at once (DCP: one transaction of `enqueue` calls; pg-boss:
 *   `insert()`, one statement), drained by the worker (pg-boss: `batchSize: 64` and
 *   `burstWhenBatchFull`, its fastest drain). Reported: the enqueue time, jobs/s from the start
 *   of the enqueue until every job is completed in the database, and jobs/s of the drain alone
 *   (from the enqueue's commit);
 * - timers: `--timers` jobs due 100–300 ms in the future (pg-boss: `startAfter`), one at a time;
 *   reported: how late the handler starts after the due time, p50/p90/max, ms;
 * - same-transaction enqueue: a job enqueued in the caller's transaction that also writes a row of
 *   its own; rolled back → no job; committed → the job runs. pg-boss takes the caller's
 *   transaction as its `db` option (an IDatabase with `executeSql`).
 * - transactional worker: whether pg-boss's `work(name, { transactional: true })` (the handler's
 *   writes and the job's completion in one transaction) can be registered on that backend.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { WAKE_CHANNEL } from '../src/store/jobs.ts';
import type { Db, Queryable } from '../src/store/db.ts';
import * as jobs from '../src/store/jobs.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPglite } from '../src/store/pglite.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { ensurePostgres } from '../scripts/pg-server.ts';

type Backend = 'pglite' | 'postgres';
type System = 'dcp' | 'pgboss' | 'pgboss-poll';
const BACKENDS: Backend[] = ['pglite', 'postgres'];
const SYSTEMS: System[] = ['dcp', 'pgboss', 'pgboss-poll'];
const POLL_S = 0.5; // pg-boss's smallest polling interval
const QUEUE = 'bench';

// ---------------------------------------------------------------------------------------------
// Options

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer; got "${value}"`);
  return n;
}

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    system: { type: 'string', multiple: true },
    single: { type: 'string' },
    warmup: { type: 'string' },
    bulk: { type: 'string' },
    timers: { type: 'string' },
  },
});
const backends = (args.backend ?? BACKENDS) as Backend[];
const systems = (args.system ?? SYSTEMS) as System[];
for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}; got "${b}"`);
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`--system must be one of ${SYSTEMS.join(', ')}; got "${s}"`);
const SINGLE = positiveInt('single', args.single, 300);
const WARMUP = positiveInt('warmup', args.warmup, 20);
const BULK = positiveInt('bulk', args.bulk, 2000);
const TIMERS = positiveInt('timers', args.timers, 30);

// ---------------------------------------------------------------------------------------------
// pg-boss, loaded only if installed (it is not a dependency of DCP). The types below are the
// little of its API this file uses, so that typechecking does not need it installed.

interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  beginTransaction?: unknown;
}
interface BossJob {
  id: string;
  data: { seq: number };
}
interface Boss {
  on(event: 'error' | 'warning', listener: (e: { message: string }) => void): void;
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; timeout?: number; close?: boolean }): Promise<void>;
  createQueue(name: string, options?: { notify?: boolean }): Promise<void>;
  send(name: string, data: object, options?: { db?: BossDb; startAfter?: Date }): Promise<string | null>;
  insert(name: string, jobs: { data: object }[]): Promise<unknown>;
  work(name: string, options: Record<string, unknown>, handler: (jobs: BossJob[]) => Promise<void>): Promise<string>;
  offWork(name: string, options?: { wait?: boolean }): Promise<void>;
}
interface PgBossModule {
  PgBoss: new (options: Record<string, unknown>) => Boss;
  fromPglite(pglite: PGlite): BossDb;
}

async function loadPgBoss(): Promise<{ module: PgBossModule; version: string }> {
  const specifier = 'pg-boss'; // a variable: typechecking must not need the package
  try {
    const module = (await import(specifier)) as PgBossModule;
    const pkg = JSON.parse(readFileSync(new URL('../node_modules/pg-boss/package.json', import.meta.url), 'utf8')) as { version: string };
    if (typeof module.PgBoss !== 'function' || typeof module.fromPglite !== 'function') {
      throw new Error(`pg-boss ${pkg.version} lacks PgBoss or fromPglite; this benchmark needs pg-boss 12 or later`);
    }
    return { module, version: pkg.version };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(
        'pg-boss is not installed. It is deliberately not a dependency of DCP; install it for this run with\n' +
          '  npm install --no-save pg-boss\n' +
          '(with Node 24 on the PATH, or `npx node "$(command -v npm)" install --no-save pg-boss`: pg-boss 12 needs Node >= 22)\n' +
          'and remove it afterwards with `npm uninstall --no-save pg-boss`.\n',
      );
      process.exit(1);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const wallNow = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, n: s.length };
}

/** Waiters keyed by job sequence number: resolved with the time its handler started. */
class Starts {
  private waiters = new Map<number, (t: number) => void>();
  wait(seq: number): Promise<number> {
    return new Promise((resolve) => this.waiters.set(seq, resolve));
  }
  started(seq: number): void {
    const t = performance.now();
    const resolve = this.waiters.get(seq);
    this.waiters.delete(seq);
    resolve?.(t);
  }
}

/** Resolves with the time when `predicate` first holds, polled every `everyMs`. */
async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return performance.now();
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Databases

interface Server {
  url: string;
  stop(): Promise<void>;
}
let server: Server | undefined;

async function postgresServer(): Promise<Server> {
  if (!server) server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => undefined } : await ensurePostgres();
  return server;
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { url: serverUrl } = await postgresServer();
  const name = `dcp_qbench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// ---------------------------------------------------------------------------------------------
// The systems under test, behind one interface

interface Subject {
  /** Creating the schema in an empty database (DCP: `migrate`; pg-boss: `start()` and `createQueue`), ms. */
  setupMs: number;
  /** Starts a worker; its handler reports each job's start to `starts`. `bulk`: tuned for draining a backlog. */
  startWorker(starts: Starts, mode: 'single' | 'bulk'): Promise<void>;
  stopWorker(): Promise<void>;
  send(seq: number, dueAt?: Date): Promise<void>;
  sendBulk(seqs: number[]): Promise<void>;
  /** Jobs not completed yet. */
  pending(): Promise<number>;
  /**
   * Enqueues job `seq` in a transaction of the caller's that also writes a row, then rolls it back
   * (`commit` false) or commits it.
   */
  enqueueInCallerTransaction(seq: number, commit: boolean): Promise<void>;
  /** Whether a job with `seq` is in the queue, in any state. */
  hasJob(seq: number): Promise<boolean>;
  /** pg-boss: whether a `transactional: true` worker can be registered (else why not). */
  transactionalWorker(): Promise<string>;
  close(): Promise<void>;
}

const CALLER_TABLE = 'CREATE TABLE IF NOT EXISTS bench_state (id serial PRIMARY KEY, note text NOT NULL)';

/** DCP's job table with a worker loop shaped like the engine's. */
async function dcpSubject(backend: Backend): Promise<Subject> {
  const database = backend === 'postgres' ? await freshDatabase() : undefined;
  const db: Db = database ? await openPostgres(database.url) : await openPglite({});
  const t0 = performance.now();
  await migrate(db);
  const setupMs = performance.now() - t0;
  await db.exec(CALLER_TABLE);

  const owner = `bench-${randomBytes(3).toString('hex')}`;
  const leaseMs = 30_000;
  const maxInFlight = 256;
  let stopped = true;
  let dirty = true;
  let wakeController = new AbortController();
  let loopDone: Promise<void> = Promise.resolve();
  let unlisten: (() => Promise<void>) | undefined;
  const inFlight = new Map<string, Promise<void>>();

  function wake(): void {
    dirty = true;
    wakeController.abort();
  }

  function sleepUntil(when: Date, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, when.getTime() - Date.now()));
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  async function runJob(job: jobs.Job, starts: Starts): Promise<void> {
    try {
      starts.started(Number(job.payload.seq));
      await db.transaction((tx) => jobs.complete(tx, job)); // the engine completes with the state change, in one transaction
    } finally {
      inFlight.delete(`${job.id}:${job.generation}`);
      wake();
    }
  }

  async function loop(starts: Starts): Promise<void> {
    while (!stopped) {
      dirty = false;
      const room = maxInFlight - inFlight.size;
      if (room > 0) {
        const claimed = await db.transaction((tx) => jobs.claim(tx, { owner, now: new Date(), leaseMs, limit: Math.min(room, 64) }));
        for (const job of claimed) inFlight.set(`${job.id}:${job.generation}`, runJob(job, starts));
        if (claimed.length > 0) continue;
      }
      if (dirty) continue;
      wakeController = new AbortController();
      const next = room > 0 ? await jobs.nextDueAt(db) : null;
      if (dirty) continue;
      const idleUntil = new Date(Date.now() + 60_000);
      await sleepUntil(next && next < idleUntil ? next : idleUntil, wakeController.signal);
    }
  }

  const newJob = (seq: number, dueAt: Date): jobs.NewJob => ({ kind: 'deployment.signal', deploymentId: 'bench', payload: { seq }, dueAt });
  const notify = (tx: Queryable) => tx.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, '']);

  return {
    setupMs,
    async startWorker(starts) {
      stopped = false;
      dirty = true;
      unlisten = await db.listen(WAKE_CHANNEL, wake);
      loopDone = loop(starts);
    },
    async stopWorker() {
      stopped = true;
      wake();
      await loopDone;
      await Promise.allSettled(inFlight.values());
      await unlisten?.();
    },
    async send(seq, dueAt) {
      await db.transaction(async (tx) => {
        await jobs.enqueue(tx, newJob(seq, dueAt ?? new Date()), new Date());
        await notify(tx);
      });
      wake(); // engine.committed(): the in-process wake-up after the commit
    },
    async sendBulk(seqs) {
      await db.transaction(async (tx) => {
        const now = new Date();
        for (const seq of seqs) await jobs.enqueue(tx, newJob(seq, now), now);
        await notify(tx);
      });
      wake();
    },
    async pending() {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
      return row.n;
    },
    async enqueueInCallerTransaction(seq, commit) {
      await db
        .transaction(async (tx) => {
          await tx.query('INSERT INTO bench_state (note) VALUES ($1)', [`caller ${seq}`]);
          await jobs.enqueue(tx, newJob(seq, new Date()), new Date());
          await notify(tx);
          if (!commit) throw new Error('rollback');
        })
        .catch((error: Error) => {
          if (error.message !== 'rollback') throw error;
        });
      if (commit) wake();
    },
    async hasJob(seq) {
      const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE (payload->>'seq')::int = $1", [seq]);
      return row.n > 0;
    },
    async transactionalWorker() {
      return 'yes (completion shares the transaction of the state change)';
    },
    async close() {
      await db.close();
      await database?.drop();
    },
  };
}

/** pg-boss on either backend; `listenNotify` false: polling only. */
async function pgBossSubject(backend: Backend, boss$: PgBossModule, listenNotify: boolean): Promise<Subject> {
  const database = backend === 'postgres' ? await freshDatabase() : undefined;
  // The same PGlite options as DCP's adapter (src/store/pglite.ts), in memory.
  const pglite = database ? undefined : await PGlite.create({ relaxedDurability: true });
  const boss = new boss$.PgBoss({
    ...(database ? { connectionString: database.url, max: 10 } : { db: boss$.fromPglite(pglite!), backend: 'pglite' }),
    useListenNotify: listenNotify,
  });
  const problems: string[] = [];
  boss.on('error', (e) => problems.push(`error: ${e.message}`));
  boss.on('warning', (e) => problems.push(`warning: ${e.message}`));
  const t0 = performance.now();
  await boss.start();
  await boss.createQueue(QUEUE, { notify: listenNotify });
  const setupMs = performance.now() - t0;

  // A connection of our own (the caller's), for the caller-transaction check and for counting.
  const client = database ? new pg.Client({ connectionString: database.url }) : undefined;
  await client?.connect();
  const query = async <T>(text: string, values: unknown[] = []): Promise<T[]> =>
    client ? (await client.query(text, values)).rows : (await pglite!.query<T>(text, values)).rows;
  await query(CALLER_TABLE);

  const poll = { pollingIntervalSeconds: POLL_S, notifyPollingIntervalSeconds: POLL_S };

  return {
    setupMs,
    async startWorker(starts, mode) {
      const options = mode === 'single' ? { ...poll, batchSize: 1 } : { ...poll, batchSize: 64, burstWhenBatchFull: true };
      await boss.work(QUEUE, options, async (batch) => {
        for (const job of batch) starts.started(job.data.seq);
      });
    },
    async stopWorker() {
      await boss.offWork(QUEUE, { wait: true });
    },
    async send(seq, dueAt) {
      await boss.send(QUEUE, { seq }, dueAt ? { startAfter: dueAt } : {});
    },
    async sendBulk(seqs) {
      await boss.insert(QUEUE, seqs.map((seq) => ({ data: { seq } })));
    },
    async pending() {
      const [row] = await query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')",
        [QUEUE],
      );
      return row.n;
    },
    async enqueueInCallerTransaction(seq, commit) {
      const work = async (tx: BossDb) => {
        await tx.executeSql('INSERT INTO bench_state (note) VALUES ($1)', [`caller ${seq}`]);
        await boss.send(QUEUE, { seq }, { db: tx });
      };
      if (client) {
        await client.query('BEGIN');
        try {
          await work({ executeSql: (text, values) => client.query(text, values) });
        } finally {
          await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        }
      } else {
        await pglite!
          .transaction(async (tx) => {
            await work({ executeSql: (text, values) => tx.query(text, values) });
            if (!commit) throw new Error('rollback');
          })
          .catch((error: Error) => {
            if (error.message !== 'rollback') throw error;
          });
      }
    },
    async hasJob(seq) {
      const [row] = await query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND (data->>'seq')::int = $2", [QUEUE, seq]);
      return row.n > 0;
    },
    async transactionalWorker() {
      const probe = `${QUEUE}-tx-probe`;
      await boss.createQueue(probe);
      try {
        await boss.work(probe, { transactional: true }, async () => undefined);
        await boss.offWork(probe, { wait: true });
        return 'yes';
      } catch (error) {
        return `no: ${(error as Error).message}`;
      }
    },
    async close() {
      await boss.stop({ graceful: true, timeout: 5000 });
      await client?.end();
      await pglite?.close();
      await database?.drop();
      if (problems.length > 0) process.stderr.write(`  pg-boss reported:\n${problems.map((p) => `    ${p}`).join('\n')}\n`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The measurements

interface Result {
  system: System;
  backend: Backend;
  setupMs: number;
  enqueue: ReturnType<typeof stats>;
  latency: ReturnType<typeof stats>;
  bulkEnqueueMs: number;
  bulkJobsPerS: number;
  drainJobsPerS: number;
  timerLate: ReturnType<typeof stats>;
  callerTx: string;
  transactionalWorker: string;
}

async function measure(system: System, backend: Backend, boss$: PgBossModule | undefined): Promise<Result> {
  const subject = system === 'dcp' ? await dcpSubject(backend) : await pgBossSubject(backend, boss$!, system === 'pgboss');
  let seq = 0;
  try {
    // Same-transaction enqueue, with the single-job worker running.
    const starts = new Starts();
    await subject.startWorker(starts, 'single');
    // Rolled back: no job, and no handler runs for it. Committed: its handler runs.
    const rolledBackSeq = --seq;
    let rolledBackRan = false;
    void starts.wait(rolledBackSeq).then(() => (rolledBackRan = true));
    await subject.enqueueInCallerTransaction(rolledBackSeq, false);
    const rolledBackLeftJob = await subject.hasJob(rolledBackSeq);
    const committedSeq = --seq;
    const ran = starts.wait(committedSeq);
    await subject.enqueueInCallerTransaction(committedSeq, true);
    const committedRan = await Promise.race([ran.then(() => true), sleep(5000).then(() => false)]);
    await sleep(100);
    const callerTx = !rolledBackLeftJob && !rolledBackRan && committedRan
      ? 'yes'
      : `NO (rolled back: job left ${rolledBackLeftJob}, ran ${rolledBackRan}; committed: ran ${committedRan})`;
    seq = 0;

    // Single jobs, one at a time.
    const enqueueMs: number[] = [];
    const latencyMs: number[] = [];
    const gap = () => (system === 'pgboss-poll' ? Math.random() * POLL_S * 1000 : 5 + Math.random() * 10);
    for (let i = 0; i < WARMUP + SINGLE; i++) {
      const s = ++seq;
      const started = starts.wait(s);
      const t0 = performance.now();
      await subject.send(s);
      const sent = performance.now();
      const at = await started;
      if (i >= WARMUP) {
        enqueueMs.push(sent - t0);
        latencyMs.push(at - t0);
      }
      await sleep(gap());
    }

    // Timers: due 100–300 ms ahead.
    const lateMs: number[] = [];
    for (let i = 0; i < TIMERS; i++) {
      const s = ++seq;
      const started = starts.wait(s);
      const due = new Date(Math.round(wallNow() + 100 + Math.random() * 200));
      await subject.send(s, due);
      const at = await started;
      lateMs.push(performance.timeOrigin + at - due.getTime());
      await sleep(5 + Math.random() * 10);
    }
    await until(async () => (await subject.pending()) === 0, 10_000, 'the single jobs to complete');
    await subject.stopWorker();

    // Bulk: enqueue everything, then drain.
    const bulkStarts = new Starts();
    await subject.startWorker(bulkStarts, 'bulk');
    const seqs = Array.from({ length: BULK }, () => ++seq);
    const allStarted = Promise.all(seqs.map((s) => bulkStarts.wait(s)));
    const b0 = performance.now();
    await subject.sendBulk(seqs);
    const bulkEnqueueMs = performance.now() - b0;
    await allStarted;
    const b1 = await until(async () => (await subject.pending()) === 0, 120_000, `${BULK} jobs to complete`, 2);
    await subject.stopWorker();

    return {
      system, backend, setupMs: subject.setupMs,
      enqueue: stats(enqueueMs), latency: stats(latencyMs),
      bulkEnqueueMs, bulkJobsPerS: BULK / ((b1 - b0) / 1000), drainJobsPerS: BULK / ((b1 - b0 - bulkEnqueueMs) / 1000),
      timerLate: stats(lateMs),
      callerTx,
      transactionalWorker: await subject.transactionalWorker(),
    };
  } finally {
    await subject.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

const needsBoss = systems.some((s) => s !== 'dcp');
const loaded = needsBoss ? await loadPgBoss() : undefined;
const label = (s: System) => (s === 'dcp' ? 'dcp job table' : s === 'pgboss' ? `pg-boss ${loaded?.version} notify` : `pg-boss ${loaded?.version} poll ${POLL_S}s`);

process.stderr.write(
  `queue benchmark: ${new Date().toISOString()}, node ${process.version}, ${systems.join(', ')} on ${backends.join(', ')}; ` +
    `${SINGLE} single jobs (+${WARMUP} warm-up), ${BULK} in bulk, ${TIMERS} timers\n`,
);
const results: Result[] = [];
try {
  for (const backend of backends) {
    for (const system of systems) {
      process.stderr.write(`- ${label(system)} on ${backend} …\n`);
      results.push(await measure(system, backend, loaded?.module));
    }
  }
} finally {
  await server?.stop();
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const rows = results.map((r) => [
  label(r.system), r.backend, f(r.setupMs, 0),
  f(r.enqueue.p50), f(r.latency.p50), f(r.latency.p90), f(r.latency.p99), f(r.latency.max),
  f(r.bulkEnqueueMs, 0), f(r.bulkJobsPerS, 0), f(r.drainJobsPerS, 0),
  f(r.timerLate.p50), f(r.timerLate.p90), f(r.timerLate.max),
  r.callerTx,
]);
const header = [
  'system', 'backend', 'schema ms',
  'enqueue p50', 'start p50', 'start p90', 'start p99', 'start max',
  'bulk enqueue ms', 'bulk jobs/s', 'drain jobs/s',
  'timer late p50', 'timer late p90', 'timer late max',
  'enqueue in caller tx',
];
const table = [header, ...rows];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const row of rows) console.log(line(row));
console.log(
  `\nms unless stated. single: ${SINGLE} jobs sent one at a time (send → handler start); bulk: ${BULK} jobs enqueued at once, ` +
    `jobs/s = ${BULK} / (enqueue start → all completed), ` +
    `drain jobs/s = ${BULK} / (enqueue committed → all completed); timers: ${TIMERS} jobs due 100–300 ms ahead, handler start − due time.`,
);
console.log('\ntransactional worker (handler writes and job completion in one transaction):');
for (const r of results) console.log(`  ${label(r.system)} on ${r.backend}: ${r.transactionalWorker}`);
