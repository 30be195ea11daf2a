/**
 * `npm run bench -- --waiting N`: does waiting cost anything? N deployments wait on gates — a deploy
 * window that is closed, a bake time of 30 days, an approval, a change case — and a DCP started on
 * them is left idle: its CPU (process.cpuUsage, % of one core) and memory (RSS, heap) over
 * `--idle-s`, sampled every 5 s, against the same DCP with only a few waiting. Target: < 5% of one
 * core, memory that does not grow with N.
 *
 * Seeding is SQL (fast): a few template deployments are driven by the engine to their gates, then
 * copied N times — every row of deployments, phases, releases, approvals, change cases and jobs of
 * a template, each UUID in it given a new last 8 hex digits per copy (build ids left out).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CONFIG_DIR, readSettings } from '../src/settings.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { startDcp, type Dcp } from '../src/main.ts';
import type { Db, Queryable } from '../src/store/db.ts';
import { nextDueAt } from '../src/store/jobs.ts';
import { openPglite } from '../src/store/pglite.ts';
import { openPostgres } from '../src/store/postgres.ts';
import type { BuildEvent } from '../src/services/deployments.ts';
import type { Principal } from '../src/core/access.ts';
import type { Caller } from '../src/services/audit.ts';

type Backend = 'pglite' | 'postgres';
const TEMPLATES = 30;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface WaitingOptions {
  waiting: number;
  idleMs: number;
  backends: Backend[];
  resultsDir: URL;
  token: string;
  freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  makeBuilds(count: number, label: string, seed: number): BuildEvent[];
}

/** Gates that keep a deployment waiting for the whole measurement, one kind per strategy. */
function waitingConfig(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcp-bench-waiting-'));
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  // A window on a day three days from today (UTC): closed now, and for the next two days.
  const day = DAYS[(new Date().getUTCDay() + 3) % 7];
  writeFileSync(path.join(dir, 'environments.yaml'), `# dcp bench --waiting: every strategy stops at a gate
environments:
  - name: dev
  - name: qa
    windows: [{ timezone: UTC, days: [${day}], hours: "03:00-03:30" }]
  - name: stage
    gov: gov-stage
    bakeTime: { environment: dev, duration: 30d }
  - name: prod
    gov: gov-prod
    approvals: { required: 1, approvers: [team] }
  - name: gov-stage
    isGov: true
  - name: gov-prod
    isGov: true
    changeCase: { required: true, timeout: 14h }
strategies:
  standard: [dev, qa]
  fast: [dev, stage]
  nonprod: [dev, prod]
`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Counts the statements the DCP runs (in transactions too). */
function counting(db: Db): { db: Db; count(): number } {
  let n = 0;
  const wrap = (q: Queryable): Queryable => ({
    query: (text, values) => {
      n++;
      return q.query(text, values);
    },
    exec: (script) => q.exec(script),
  });
  const wrapped: Db = { ...db, kind: db.kind, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn({ ...wrap(tx), commitBehind: (last) => tx.commitBehind(last) })), listen: (c, f) => db.listen(c, f), close: () => db.close() };
  return { db: wrapped, count: () => n };
}

const caller = (): Caller => {
  const principal: Principal = { kind: 'service', name: 'bench', teams: [], groups: [], admin: false, scopes: ['builds:write'], team: null, tokenId: null, sessionId: null };
  return { principal, action: 'POST /api/v1/builds', address: null, userAgent: null, audited: false };
};

interface Sample {
  atS: number;
  rssMiB: number;
  heapUsedMiB: number;
}

interface Idle {
  waiting: number;
  seconds: number;
  cpuPercentOfOneCore: number;
  statements: number;
  statementsPerMinute: number;
  samples: Sample[];
}

const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

/** The process idle for `ms` (the DCP in it is the only thing running): CPU and memory. */
async function idle(waiting: number, ms: number, statements: () => number): Promise<Idle> {
  const samples: Sample[] = [];
  const sample = (atS: number) => {
    const m = process.memoryUsage();
    samples.push({ atS, rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed) });
  };
  const cpu0 = process.cpuUsage();
  const q0 = statements();
  const t0 = performance.now();
  sample(0);
  while (performance.now() - t0 < ms) {
    await sleep(Math.min(5000, ms - (performance.now() - t0)));
    sample(Math.round((performance.now() - t0) / 100) / 10);
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const n = statements() - q0;
  return {
    waiting, seconds: Math.round(seconds * 10) / 10,
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 1000) / 10,
    statements: n, statementsPerMinute: Math.round((n / seconds) * 60 * 10) / 10, samples,
  };
}

const UUID_TAIL = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})[0-9a-f]{8}';

/** Copies the templates' rows of `table`, copies `from`..`to` of each. */
async function cloneTable(q: Queryable, table: string, where: string, ids: string[], from: number, to: number, overrides: Record<string, string> = {}): Promise<void> {
  const columns = (await q.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND (column_default IS NULL OR column_default NOT LIKE 'nextval%')
      ORDER BY ordinal_position`,
    [table],
  )).map((c) => c.column_name);
  const list = columns.map((c) => `"${c}"`).join(', ');
  const values = columns.map((c) => overrides[c] ?? `r."${c}"`).join(', ');
  await q.query(
    `INSERT INTO ${table} (${list})
     SELECT ${values} FROM ${table} t CROSS JOIN generate_series($1::int, $2::int) g
      CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, regexp_replace(to_jsonb(t)::text, '${UUID_TAIL}', '\\1' || lpad(to_hex(g), 8, '0'), 'g')::jsonb) r
      WHERE ${where}`,
    [from, to, ids],
  );
}

async function seed(db: Db, templates: string[], total: number): Promise<void> {
  const copies = Math.ceil((total - templates.length) / templates.length);
  for (let from = 1; from <= copies; from += 2000) {
    const to = Math.min(copies, from + 1999);
    await db.transaction(async (tx) => {
      await cloneTable(tx, 'deployments', 't.id = ANY($3)', templates, from, to, { build_id: 'NULL', idempotency_key: 'NULL', cloned_from: 'NULL' });
      for (const table of ['phases', 'releases', 'approvals', 'change_cases', 'jobs']) await cloneTable(tx, table, 't.deployment_id = ANY($3)', templates, from, to);
    });
    process.stderr.write(`[bench] waiting: seeded ${Math.min(total, templates.length * (to + 1))} of ${total}\n`);
  }
}

async function waitingBackend(backend: Backend, o: WaitingOptions) {
  const database = backend === 'postgres' ? await o.freshPostgresDatabase() : null;
  const config = waitingConfig();
  const raw = database ? await openPostgres(database.url) : await openPglite({});
  const counted = counting(raw);
  const settings = readSettings({ DCP_DATA_DIR: 'memory://', DCP_BOOTSTRAP_TOKEN: o.token, PORT: '0', DCP_CONFIG: config.dir, ...(database ? { DATABASE_URL: database.url } : {}) });
  let dcp: Dcp | undefined;
  try {
    dcp = await startDcp({ settings, log: silentLogger, db: counted.db });
    // Templates: driven by the engine to their gates.
    const ids: string[] = [];
    for (const build of o.makeBuilds(TEMPLATES, 'waiting', 11)) ids.push((await dcp.deployments.submitBuild(build, caller())).deployment.id);
    const deadline = performance.now() + 120_000;
    for (;;) {
      const all = await Promise.all(ids.map((id) => dcp!.deployments.get(id)));
      const atGate = (d: (typeof all)[number]) => d.phases.some((p) => p.status === 'AwaitingPrerequisites');
      // Some end instead (a channel without the gated environment): they are not templates.
      if (all.every((d) => atGate(d) || ['Completed', 'Failed', 'Cancelled'].includes(d.status))) {
        ids.splice(0, ids.length, ...all.filter(atGate).map((d) => d.id));
        break;
      }
      if (performance.now() > deadline) throw new Error(`templates not all waiting: ${all.map((d) => `${d.status} ${d.phases.map((p) => p.status).join(',')}`).join('; ')}`);
      await sleep(200); // a benchmark, not a test: polling is fine
    }
    await sleep(2000);
    const gates = await counted.db.query<{ environment: string; n: number }>(
      `SELECT environment, count(*)::int AS n FROM phases WHERE status = 'AwaitingPrerequisites' GROUP BY environment ORDER BY environment`,
    );
    process.stderr.write(`[bench] waiting (${backend}): ${ids.length} templates at their gates (${gates.map((g) => `${g.environment} ${g.n}`).join(', ')}); idle baseline\n`);
    const baseline = await idle(ids.length, Math.min(o.idleMs, 30_000), counted.count);
    await dcp.stop();
    dcp = undefined;

    const s0 = performance.now();
    await seed(raw, ids, o.waiting);
    const seedSeconds = Math.round((performance.now() - s0) / 100) / 10;
    const [{ n: waiting }] = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM deployments WHERE status NOT IN ('Completed', 'Failed', 'Cancelled')`);
    const [{ n: jobs }] = await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
    if (database) await raw.query('ANALYZE');

    process.stderr.write(`[bench] waiting (${backend}): ${waiting} waiting (seeded in ${seedSeconds} s, ${jobs} jobs); a DCP started on them, idle ${o.idleMs / 1000} s\n`);
    const b0 = performance.now();
    dcp = await startDcp({ settings, log: silentLogger, db: counted.db });
    const startSeconds = Math.round((performance.now() - b0) / 100) / 10;
    await sleep(5000);
    const loaded = await idle(waiting, o.idleMs, counted.count);
    // What the engine's loop asks before every sleep (the earliest due job): its cost must not grow with the jobs of waiting deployments.
    const nextDueMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await nextDueAt(raw);
      nextDueMs.push(performance.now() - t);
    }
    nextDueMs.sort((a, b) => a - b);
    // The same question as asked before (a min over every job), for comparison.
    const fullScanMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await raw.query('SELECT min(GREATEST(due_at, COALESCE(locked_until, due_at))) AS at FROM jobs');
      fullScanMs.push(performance.now() - t);
    }
    fullScanMs.sort((a, b) => a - b);
    return {
      backend, date: new Date().toISOString(), node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
      waiting, jobs, seedSeconds, startSeconds, templates: ids.length, gates, baseline, loaded,
      nextDueAtMedianMs: Math.round(nextDueMs[10] * 100) / 100,
      nextDueAtAsBeforeMedianMs: Math.round(fullScanMs[10] * 100) / 100,
      rssGrowthMiB: Math.round((loaded.samples.at(-1)!.rssMiB - loaded.samples[0].rssMiB) * 10) / 10,
    };
  } finally {
    await dcp?.stop();
    await raw.close();
    await database?.drop();
    config.remove();
  }
}

export async function benchWaiting(o: WaitingOptions): Promise<number> {
  const results = [];
  for (const backend of o.backends) {
    const result = await waitingBackend(backend, o);
    const file = new URL(`waiting-${backend}.json`, o.resultsDir);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`[bench] waiting (${backend}): wrote ${file.pathname}\n`);
    results.push(result);
  }
  process.stdout.write('\nDCP waiting benchmark: an idle DCP with deployments waiting on gates\n\n');
  for (const r of results) {
    for (const m of [r.baseline, r.loaded]) {
      const rss = m.samples.map((s) => s.rssMiB);
      const heap = m.samples.map((s) => s.heapUsedMiB);
      process.stdout.write(
        `${r.backend.padEnd(8)} waiting ${String(m.waiting).padStart(7)}  idle ${m.seconds} s  CPU ${m.cpuPercentOfOneCore}% of one core  ` +
          `${m.statementsPerMinute} statements/min  RSS ${Math.min(...rss)}–${Math.max(...rss)} MiB  heap ${Math.min(...heap)}–${Math.max(...heap)} MiB\n`,
      );
    }
    process.stdout.write(`${r.backend.padEnd(8)} the engine's "earliest due job" query with ${r.jobs} jobs: median ${r.nextDueAtMedianMs} ms (as before, a min over every job: ${r.nextDueAtAsBeforeMedianMs} ms)\n`);
  }
  return 0;
}
