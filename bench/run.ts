/**
 * Engine benchmark (not a test): how fast does a DCP drive deployments end to end?
 *
 *   npm run bench                              # both backends, 500 builds each
 *   npm run bench -- --builds 2000             # or BENCH_BUILDS=2000
 *   npm run bench -- --backend pglite          # one backend only (pglite | postgres)
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof bench/run.ts --backend pglite
 *
 * For each backend — the embedded database (PGlite, in memory) and PostgreSQL (the server in
 * DATABASE_URL, else a private one from scripts/pg-server.ts; either way a fresh database
 * `dcp_bench_<random>` for the run, dropped afterwards) — it starts a DCP in this process on the
 * system clock, warms it up with a few builds, then submits N builds through the deployment
 * service (not HTTP: this measures the engine) with zero-latency simulators (release and scan
 * take 0 ms), spread over the example catalog's services, channels and strategies, with bounded
 * concurrency. It waits, event-driven (`engine.onMoves`), until every deployment ended.
 *
 * Reported per backend (and written to bench/results/<backend>.json):
 * - wall time (first submit → last deployment ended), deployments/s, state transitions/s (the
 *   engine's moves; the `Pending → Scanning` move of each deployment is made by the service in
 *   the creating transaction and is not among them);
 * - phase hand-over latency: for every phase after the first, previous phase `Completed` →
 *   this phase `Checking`, as seen by `engine.onMoves` (p50/p90/p99/max, ms);
 * - a breakdown of where time goes (lock waits, release job round-trips, end-to-end);
 * - counts of deployments, phases and releases, and whether all deployments Completed (the
 *   process exits non-zero if any did not).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Move } from '../src/core/decide.ts';
import { readSettings } from '../src/config.ts';
import { silentLogger } from '../src/engine/logger.ts';
import { startDcp, type Dcp } from '../src/main.ts';
import type { BuildEvent } from '../src/services/deployments.ts';
import type { DeploymentDto } from '../src/store/deployments.ts';
import { ensurePostgres } from '../scripts/pg-server.ts';

type Backend = 'pglite' | 'postgres';
const BACKENDS: Backend[] = ['pglite', 'postgres'];

const SERVICES = ['payments-api', 'ledger-worker', 'identity-gateway', 'token-service', 'mule-runtime-agent', 'cluster-autoscaler-config'];
/** Weighted: most builds take the full path, some the short ones. */
const STRATEGIES = ['standard', 'standard', 'fast', 'nonprod'];
const CHANNELS = ['stable', 'stable', 'stable', 'stable', 'edge'];
const ENDED = new Set(['Completed', 'Failed', 'Cancelled']);

// ---------------------------------------------------------------------------------------------
// Options

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer; got "${value}"`);
  return n;
}

const { values: args } = parseArgs({
  options: {
    builds: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string' },
    backend: { type: 'string', multiple: true },
    'timeout-s': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});

if (args.help) {
  process.stdout.write(
    'usage: node bench/run.ts [--builds N (500; env BENCH_BUILDS)] [--warmup N (20)] [--concurrency N (16)]\n' +
      '                         [--backend pglite|postgres ...] [--timeout-s S (600)]\n',
  );
  process.exit(0);
}

const options = {
  builds: positiveInt('--builds', args.builds ?? process.env.BENCH_BUILDS, 500),
  warmup: positiveInt('--warmup', args.warmup, 20),
  concurrency: positiveInt('--concurrency', args.concurrency, 16),
  timeoutMs: positiveInt('--timeout-s', args['timeout-s'], 600) * 1000,
  backends: (args.backend ?? BACKENDS).map((b) => {
    if (!BACKENDS.includes(b as Backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}; got "${b}"`);
    return b as Backend;
  }),
};

// ---------------------------------------------------------------------------------------------
// Builds

/** A small deterministic PRNG (mulberry32): the same mix on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeBuilds(count: number, label: string, seed: number): BuildEvent[] {
  const random = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => {
    // Services round-robin: builds of one service queue on the same targets (by design), so an
    // even spread is what keeps the engine, not one service's lock queue, the thing measured.
    const component = SERVICES[i % SERVICES.length];
    const version = `1.${i}.0`;
    return {
      buildId: `bench-${label}-${run}-${component}-${version}`,
      component,
      channel: pick(CHANNELS),
      strategy: pick(STRATEGIES),
      artifactManifest: {
        name: component,
        version,
        images: [{ name: `registry.example.com/${component}`, digest: `sha256:${randomBytes(32).toString('hex')}` }],
        charts: [{ name: component, version, repository: 'oci://registry.example.com/charts' }],
        annotations: { 'dcp.simulator/release-ms': '0', 'dcp.simulator/scan-ms': '0' },
      },
      source: { repository: `https://github.com/acme/${component}`, commit: randomBytes(6).toString('hex'), branch: 'main' },
      triggeredBy: 'bench',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics

interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentiles.
  const at = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { count: sorted.length, p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(at(100)) };
}

// ---------------------------------------------------------------------------------------------
// One measured run on a started DCP

interface RunResult {
  builds: number;
  wallSeconds: number;
  transitions: number;
  movesSeen: number;
  deployments: DeploymentDto[];
  handoverMs: number[];
  lockWaitMs: number[];
  releaseRunMs: number[];
  phaseMs: number[];
  scanMs: number[];
  endToEndMs: number[];
  submitMs: number[];
}

async function runBuilds(dcp: Dcp, builds: BuildEvent[], concurrency: number, timeoutMs: number): Promise<RunResult> {
  // Timestamps (performance.now()) of the moves this run cares about, keyed by entity id.
  const phaseAt = new Map<string, Partial<Record<'Checking' | 'Deploying' | 'Completed', number>>>();
  const releaseAt = new Map<string, Partial<Record<'Deploying' | 'Succeeded', number>>>();
  const scanAt = new Map<string, Partial<Record<'Scanned', number>>>();
  const endedAt = new Map<string, { at: number; status: string }>();
  let movesSeen = 0;

  const submitted = new Map<string, number>(); // deployment id -> submit start
  const submitMs: number[] = [];
  let waiting: Set<string> | null = null; // set once every build is submitted
  let done!: () => void;
  const allEnded = new Promise<void>((resolve) => (done = resolve));

  const unsubscribe = dcp.engine.onMoves((moves: Move[]) => {
    const now = performance.now();
    movesSeen += moves.length;
    for (const m of moves) {
      if (m.entity === 'phase') {
        if (m.to === 'Checking' || m.to === 'Deploying' || m.to === 'Completed') {
          let t = phaseAt.get(m.id);
          if (!t) phaseAt.set(m.id, (t = {}));
          t[m.to] ??= now;
        }
      } else if (m.entity === 'release') {
        if (m.to === 'Deploying' || m.to === 'Succeeded') {
          let t = releaseAt.get(m.id);
          if (!t) releaseAt.set(m.id, (t = {}));
          t[m.to] ??= now;
        }
      } else if (m.to === 'Scanned') {
        scanAt.set(m.id, { Scanned: now });
      } else if (ENDED.has(m.to) && !endedAt.has(m.id)) {
        endedAt.set(m.id, { at: now, status: m.to });
        if (waiting?.delete(m.id) && waiting.size === 0) done();
      }
    }
  });

  const transitionsBefore = dcp.engine.stats().transitions;
  const started = performance.now();
  try {
    // Bounded concurrency: `concurrency` submissions in flight at any time.
    let next = 0;
    const worker = async () => {
      while (next < builds.length) {
        const build = builds[next++];
        const t0 = performance.now();
        const { created, deployment } = await dcp.deployments.submitBuild(build);
        submitMs.push(performance.now() - t0);
        if (!created) throw new Error(`build ${build.buildId} was not created (a duplicate?)`);
        submitted.set(deployment.id, t0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, builds.length) }, worker));

    // Moves may have ended deployments before their submit returned: wait only for the others.
    waiting = new Set([...submitted.keys()].filter((id) => !endedAt.has(id)));
    if (waiting.size === 0) done();
    let guard: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      // A guard against a hung run, not a wait for state.
      guard = setTimeout(() => reject(new Error(`${waiting!.size} of ${builds.length} deployment(s) had not ended after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([allEnded, timedOut]);
    } catch (error) {
      const stuck = await Promise.all([...waiting].slice(0, 5).map((id) => dcp.deployments.get(id)));
      const describe = (d: DeploymentDto) =>
        `  ${d.id} ${d.service} ${d.status} (${d.statusDetail}): ${d.phases.map((p) => `${p.environment}=${p.status}[${p.releases.map((r) => `${r.status}: ${r.statusDetail}`).join('; ')}]`).join(' ')}`;
      throw new Error(`${(error as Error).message}; e.g.\n${stuck.map(describe).join('\n')}`);
    } finally {
      clearTimeout(guard);
    }
  } finally {
    unsubscribe();
  }
  const ended = performance.now();
  const transitions = dcp.engine.stats().transitions - transitionsBefore;

  // Outside the measured window: read every deployment once, for phase order and counts.
  const deployments: DeploymentDto[] = [];
  const ids = [...submitted.keys()];
  for (let i = 0; i < ids.length; i += 32) deployments.push(...(await Promise.all(ids.slice(i, i + 32).map((id) => dcp.deployments.get(id)))));

  const handoverMs: number[] = [];
  const lockWaitMs: number[] = [];
  const releaseRunMs: number[] = [];
  const phaseMs: number[] = [];
  const scanMs: number[] = [];
  const endToEndMs: number[] = [];
  for (const d of deployments) {
    const end = endedAt.get(d.id);
    if (end) endToEndMs.push(end.at - submitted.get(d.id)!);
    const scanned = scanAt.get(d.id)?.Scanned;
    if (scanned !== undefined) scanMs.push(scanned - submitted.get(d.id)!);
    d.phases.forEach((phase, i) => {
      const t = phaseAt.get(phase.id) ?? {};
      if (t.Checking !== undefined && t.Completed !== undefined) phaseMs.push(t.Completed - t.Checking);
      if (i > 0) {
        const previous = phaseAt.get(d.phases[i - 1].id)?.Completed;
        if (previous !== undefined && t.Checking !== undefined) handoverMs.push(t.Checking - previous);
      }
      for (const release of phase.releases) {
        const r = releaseAt.get(release.id) ?? {};
        if (t.Deploying !== undefined && r.Deploying !== undefined) lockWaitMs.push(r.Deploying - t.Deploying);
        if (r.Deploying !== undefined && r.Succeeded !== undefined) releaseRunMs.push(r.Succeeded - r.Deploying);
      }
    });
  }

  return {
    builds: builds.length,
    wallSeconds: (ended - started) / 1000,
    transitions,
    movesSeen,
    deployments,
    handoverMs,
    lockWaitMs,
    releaseRunMs,
    phaseMs,
    scanMs,
    endToEndMs,
    submitMs,
  };
}

// ---------------------------------------------------------------------------------------------
// One backend: database, DCP, warm-up, measured run, teardown

interface BackendResult {
  backend: Backend;
  builds: number;
  wallSeconds: number;
  deploymentsPerSecond: number;
  transitionsPerSecond: number;
  handoverMs: { p50: number; p90: number; p99: number; max: number };
  completed: boolean;
  node: string;
  cpus: number;
  date: string;
  // Beyond the headline numbers:
  concurrency: number;
  deployments: number;
  phases: number;
  releases: number;
  transitions: number;
  statuses: Record<string, number>;
  latencyMs: Record<string, Percentiles>;
  cpuModel: string;
}

/** A fresh database on the PostgreSQL server; `drop()` removes it (and the server, if we started it). */
async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const given = process.env.DATABASE_URL;
  const server = given ? { url: given, stop: async () => undefined } : await ensurePostgres();
  const name = `dcp_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await server.stop();
      }
    },
  };
}

async function benchBackend(backend: Backend): Promise<BackendResult> {
  const database = backend === 'postgres' ? await freshPostgresDatabase() : null;
  let dcp: Dcp | undefined;
  try {
    const settings = readSettings({
      DCP_DATA_DIR: 'memory://',
      DCP_BOOTSTRAP_TOKEN: 'bench',
      PORT: '0',
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    dcp = await startDcp({ settings, log: silentLogger });

    process.stderr.write(`[bench] ${backend}: warm-up, ${options.warmup} builds\n`);
    const warm = await runBuilds(dcp, makeBuilds(options.warmup, 'warmup', 7), options.concurrency, options.timeoutMs);
    const warmFailed = warm.deployments.filter((d) => d.status !== 'Completed');
    if (warmFailed.length > 0) throw new Error(`${backend}: ${warmFailed.length} warm-up deployment(s) did not complete, e.g. ${warmFailed[0].id}: ${warmFailed[0].status} (${warmFailed[0].statusDetail})`);

    process.stderr.write(`[bench] ${backend}: ${options.builds} builds, ${options.concurrency} in flight\n`);
    const run = await runBuilds(dcp, makeBuilds(options.builds, 'run', 42), options.concurrency, options.timeoutMs);

    const statuses: Record<string, number> = {};
    for (const d of run.deployments) statuses[d.status] = (statuses[d.status] ?? 0) + 1;
    const handover = percentiles(run.handoverMs);
    return {
      backend,
      builds: run.builds,
      wallSeconds: round(run.wallSeconds, 3),
      deploymentsPerSecond: round(run.deployments.filter((d) => ENDED.has(d.status)).length / run.wallSeconds, 2),
      transitionsPerSecond: round(run.transitions / run.wallSeconds, 1),
      handoverMs: { p50: handover.p50, p90: handover.p90, p99: handover.p99, max: handover.max },
      completed: run.deployments.length === run.builds && run.deployments.every((d) => d.status === 'Completed'),
      node: process.version,
      cpus: os.availableParallelism(),
      date: new Date().toISOString(),
      concurrency: options.concurrency,
      deployments: run.deployments.length,
      phases: run.deployments.reduce((n, d) => n + d.phases.length, 0),
      releases: run.deployments.reduce((n, d) => n + d.phases.reduce((m, p) => m + p.releases.length, 0), 0),
      transitions: run.transitions,
      statuses,
      latencyMs: {
        handover: handover,
        submit: percentiles(run.submitMs),
        submitToScanned: percentiles(run.scanMs),
        phaseCheckingToCompleted: percentiles(run.phaseMs),
        releaseLockWait: percentiles(run.lockWaitMs),
        releaseDeployingToSucceeded: percentiles(run.releaseRunMs),
        submitToEnded: percentiles(run.endToEndMs),
      },
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
    };
  } finally {
    await dcp?.stop();
    await database?.drop();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ---------------------------------------------------------------------------------------------
// Main

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

async function main(): Promise<number> {
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const results: BackendResult[] = [];
  for (const backend of options.backends) {
    const result = await benchBackend(backend);
    const file = new URL(`${backend}.json`, resultsDir);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`[bench] ${backend}: wrote ${file.pathname}\n`);
    results.push(result);
  }

  const ms = (n: number) => n.toFixed(2);
  process.stdout.write(
    `\nDCP engine benchmark — ${options.builds} builds per backend, ${options.concurrency} submissions in flight, zero-latency simulators ` +
      `(node ${process.version}, ${os.availableParallelism()} CPUs)\n\n`,
  );
  process.stdout.write(
    `${table([
      ['backend', 'deploys', 'phases', 'releases', 'wall s', 'deploys/s', 'transitions/s', 'handover p50', 'p90', 'p99', 'max ms', 'all Completed'],
      ...results.map((r) => [
        r.backend, String(r.deployments), String(r.phases), String(r.releases), r.wallSeconds.toFixed(2), r.deploymentsPerSecond.toFixed(1),
        r.transitionsPerSecond.toFixed(0), ms(r.handoverMs.p50), ms(r.handoverMs.p90), ms(r.handoverMs.p99), ms(r.handoverMs.max),
        r.completed ? 'yes' : `NO ${JSON.stringify(r.statuses)}`,
      ]),
    ])}\n\n`,
  );
  process.stdout.write(
    `${table([
      ['latency ms (p50 / p99 / max)', ...results.map((r) => r.backend)],
      ...Object.keys(results[0]?.latencyMs ?? {}).map((key) => [
        key, ...results.map((r) => `${ms(r.latencyMs[key].p50)} / ${ms(r.latencyMs[key].p99)} / ${ms(r.latencyMs[key].max)}`),
      ]),
    ])}\n`,
  );

  const failed = results.filter((r) => !r.completed);
  if (failed.length > 0) {
    process.stderr.write(`\n[bench] FAILED: not every deployment Completed on ${failed.map((r) => `${r.backend} ${JSON.stringify(r.statuses)}`).join(', ')}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`[bench] ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
