/**
 * Engine benchmark (not a test): how fast does a DCP drive deployments end to end?
 *
 *   npm run bench                              # both backends, 500 builds each
 *   npm run bench -- --builds 2000             # or BENCH_BUILDS=2000
 *   npm run bench -- --backend pglite          # one backend only (pglite | postgres)
 *   npm run bench -- --sql-stats               # also time every SQL statement (a diagnostic)
 *   npm run bench -- --stream-clients 1000     # POST /builds again with 1,000 /stream readers connected
 *   npm run bench -- --waiting 100000          # idle cost of 100,000 deployments waiting on gates (bench/waiting.ts)
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/run.ts --backend pglite
 *
 * For each backend — the embedded database (PGlite, in memory) and PostgreSQL (the server in
 * DATABASE_URL, else a private, durable one (fsync and synchronous commit on) from scripts/pg-server.ts; either way a fresh database
 * `dcp_bench_<random>` for the run, dropped afterwards) — it starts a DCP in this process on the
 * system clock, warms it up with a few builds (not counted), then submits N builds through the
 * deployment service (not HTTP: this measures the engine) with zero-latency simulators (release
 * and scan take 0 ms), spread round-robin over the services — the example catalog's and
 * `--services N` (as many as builds, at least 300) generated ones, so that one release per service × target at a time does
 * not make the run a queue — and over its channels and strategies,
 * `--concurrency` submissions in flight. It waits, event-driven (`engine.onMoves`), until every
 * deployment ended.
 *
 * The config is the example one (config/) with the environments' prerequisites left out
 * (approvals, change cases, freezes, deploy windows, bake times): those wait on people and on the
 * calendar, not on the engine, and no deployment would complete. Checks stay. `--config DIR`
 * uses a folder as it is.
 *
 * Reported per backend (and written to bench/results/<backend>.json):
 * - wall time (first submit → last deployment ended), deployments/s, state transitions/s
 *   (`engine.stats().transitions` over the run);
 * - phase hand-over latency: for every phase after the first, the previous phase's last release
 *   `Succeeded` → this phase's first release `Deploying`, as seen by `engine.onMoves`
 *   (p50/p90/p99/max, ms; the prod phases' scan check lies in between: a check is not a gate);
 * - the ceiling, in the same run: single-row durable commits (autocommit INSERTs into a table of
 *   their own) on 8 connections to the same PostgreSQL for `--ceiling-s` (10), `synchronous_commit`
 *   as the server has it; on PGlite its one connection. `ratio` = transitions/s ÷ commits/s;
 * - `POST /api/v1/builds` over HTTP: `--http-builds` (= --builds) builds from `--http-clients` (32)
 *   clients at once, each posting its next when answered (p50/p99 ms as the clients saw them, in a
 *   process of their own: bench/http-clients.ts; all waited for to end), after `--http-warmup`
 *   (500) builds posted the same way and not measured (their latency reported apart), and
 *   with `--stream-clients N` the same again while N `/api/v1/stream` readers (bench/stream-clients.ts,
 *   a process of their own) are connected: what they got, and the latency beside;
 * - a breakdown of where time goes (checks and gates, lock waits, release job round-trips, end
 *   to end) in `latencyMs`;
 * - counts of deployments, phases and releases, and whether all deployments Completed (the
 *   process exits non-zero if any did not).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Move } from '../src/core/decide.ts';
import { DEFAULT_CONFIG_DIR, readSettings } from '../src/settings.ts';
import { silentLogger, type Logger } from '../src/shared/logger.ts';
import { startDcp, type Dcp } from '../src/main.ts';
import type { Db, Queryable } from '../src/store/db.ts';
import { openPglite } from '../src/store/pglite.ts';
import { openPostgres } from '../src/store/postgres.ts';
import type { BuildEvent } from '../src/services/deployments.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { ensurePostgres } from '../scripts/pg-server.ts';
import type { Principal } from '../src/core/access.ts';
import type { Caller } from '../src/services/audit.ts';
import { prng } from '../scripts/prng.ts';

/** The benchmark posts builds as CI would: a service token with the builds:write scope. */
function benchCaller(): Caller {
  const principal: Principal = { kind: 'service', name: 'bench', teams: [], groups: [], admin: false, scopes: ['builds:write'], team: null, tokenId: null, sessionId: null };
  return { principal, action: 'POST /api/v1/builds', address: null, userAgent: null, audited: false };
}

const BENCH_TOKEN = 'bench-admin-token';

type Backend = 'pglite' | 'postgres';
const BACKENDS: Backend[] = ['pglite', 'postgres'];

/** The example catalog's services; the generated ones are added to it (benchConfig). */
const SERVICES: string[] = ['payments-api', 'ledger-worker', 'identity-gateway', 'token-service', 'mule-runtime-agent', 'cluster-autoscaler-config'];
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
    config: { type: 'string' },
    'sql-stats': { type: 'boolean' },
    sequential: { type: 'boolean' },
    services: { type: 'string' },
    'ceiling-s': { type: 'string' },
    'http-builds': { type: 'string' },
    'http-clients': { type: 'string' },
    'http-warmup': { type: 'string' },
    'http-rounds': { type: 'string' },
    'stream-clients': { type: 'string' },
    waiting: { type: 'string' },
    'idle-s': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});

if (args.help) {
  process.stdout.write(
    'usage: node bench/run.ts [--builds N (500; env BENCH_BUILDS)] [--warmup N (20)] [--concurrency N (16)]\n' +
      '                         [--backend pglite|postgres ...] [--timeout-s S (600)] [--config DIR]\n' +
      '  --config DIR: use this config folder as it is (default: the example config, prerequisites left out)\n' +
      '  --sql-stats: also time every SQL statement of the measured run (a diagnostic; adds overhead)\n' +
      '  --sequential: one deployment at a time (the next submitted when the previous ended): latency without load\n' +
      '  --services N (= --builds, at least 300): services in the generated catalog (added to the example one); builds round-robin over them\n' +
      '  --ceiling-s S (10): how long the database\'s own single-row commit rate is measured (8 connections; PGlite 1)\n' +
      '  --http-builds N (= --builds) and --http-clients N (32): POST /api/v1/builds over HTTP, that many clients at once\n' +
      '  --http-warmup N (500): builds posted over HTTP first, not measured (their latency is reported apart)\n' +
      '  --http-rounds N (3): the measured builds posted N times (each once the one before has ended); the round with the median p99 is reported\n' +
      '  --stream-clients N (0): repeat the HTTP measurement with N /api/v1/stream readers connected (another process)\n' +
      '  --waiting N: instead, N deployments waiting on gates (seeded with SQL), a DCP started on them, idle for --idle-s S (60): CPU and memory\n',
  );
  process.exit(0);
}

const buildCount = positiveInt('--builds', args.builds ?? process.env.BENCH_BUILDS, 500);
const options = {
  builds: buildCount,
  warmup: positiveInt('--warmup', args.warmup, 20),
  concurrency: positiveInt('--concurrency', args.concurrency, 16),
  timeoutMs: positiveInt('--timeout-s', args['timeout-s'], 600) * 1000,
  configDir: args.config ? path.resolve(args.config) : null,
  sqlStats: args['sql-stats'] ?? false,
  sequential: args.sequential ?? false,
  // At least one service per build: with the engine faster than the bench submits, deployments of
  // one service would otherwise be in flight together and queue on their targets (a wait on each
  // other, not the engine's cost: it showed as a 1 s hand-over p99 with 300 services).
  services: positiveInt('--services', args.services, Math.max(300, buildCount)),
  ceilingMs: positiveInt('--ceiling-s', args['ceiling-s'], 10) * 1000,
  httpBuilds: positiveInt('--http-builds', args['http-builds'], positiveInt('--builds', args.builds ?? process.env.BENCH_BUILDS, 500)),
  httpClients: positiveInt('--http-clients', args['http-clients'], 32),
  httpWarmup: args['http-warmup'] === '0' ? 0 : positiveInt('--http-warmup', args['http-warmup'], 500),
  httpRounds: positiveInt('--http-rounds', args['http-rounds'], 3),
  streamClients: args['stream-clients'] ? positiveInt('--stream-clients', args['stream-clients'], 0) : 0,
  waiting: args.waiting ? positiveInt('--waiting', args.waiting, 0) : 0,
  idleMs: positiveInt('--idle-s', args['idle-s'], 60) * 1000,
  backends: (args.backend ?? BACKENDS).map((b) => {
    if (!BACKENDS.includes(b as Backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}; got "${b}"`);
    return b as Backend;
  }),
};

// ---------------------------------------------------------------------------------------------
// Config

/** Environment keys that make a phase wait on people or the calendar (approvals, bake times…). */
const PREREQUISITE_KEYS = ['approvals', 'changeCase', 'freezable', 'windows', 'bakeTime'];

/**
 * The example config (catalog, channels, strategies, checks) without prerequisites: a phase that
 * waits minutes for a bake time or for a person's approval measures the calendar, not the engine.
 * Checks stay: they are engine work (a job per round). Written to a temp folder.
 */
function benchConfig(): { dir: string; description: string; remove(): void } {
  if (options.configDir) return { dir: options.configDir, description: options.configDir, remove: () => undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcp-bench-config-'));
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'environments.yaml');
  const doc = parseYaml(readFileSync(file, 'utf8')) as { environments: Record<string, unknown>[] };
  const stripped = new Set<string>();
  for (const environment of doc.environments) {
    for (const key of PREREQUISITE_KEYS) {
      if (key in environment) {
        stripped.add(key);
        delete environment[key];
      }
    }
  }
  writeFileSync(file, `# dcp bench: the example environments without prerequisites\n${stringifyYaml(doc)}`);
  SERVICES.push(...addGeneratedServices(dir, options.services));
  const description = `example config (config/) and ${options.services} generated services, without prerequisites${stripped.size ? ` (left out: ${[...stripped].join(', ')})` : ''}; checks kept`;
  return { dir, description, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const TEAMS = ['payments', 'identity', 'runtime'];

/**
 * Adds `count` generated services (Backstage Components, as in config/catalog/services.yaml) to
 * the config folder's catalog: every fifth is a gov service (gov phases too). Returns their names.
 * With hundreds of services, builds spread over them do not queue on the same service × target.
 */
export function addGeneratedServices(dir: string, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `bench-svc-${String(i + 1).padStart(4, '0')}`);
  const entities = names.map((name, i) => [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    github.com/project-slug: acme/${name}`,
    ...(i % 5 === 0 ? ['    dcp/is-gov: "true"'] : []),
    `spec: { type: service, owner: ${TEAMS[i % TEAMS.length]}, lifecycle: production }`,
  ].join('\n'));
  const file = path.join(dir, 'catalog', 'generated-services.yaml');
  writeFileSync(file, `# dcp bench: ${count} generated services\n${entities.join('\n---\n')}\n`);
  return names;
}

// ---------------------------------------------------------------------------------------------
// SQL statistics (--sql-stats): a Db that times every statement

interface SqlStat {
  sql: string;
  /** Run inside a transaction (its time is execution only; outside, it includes waiting for a connection — PGlite has one). */
  inTransaction: boolean;
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Mean ms of the calls in the first and the last fifth of the measured run. */
  firstFifthMeanMs: number;
  lastFifthMeanMs: number;
}

function instrumented(db: Db): { db: Db; reset(): void; report(): { statements: SqlStat[]; transactions: { count: number; totalMs: number; p50: number; p99: number; max: number } } } {
  let samples = new Map<string, [number, number][]>(); // (in a transaction?) + sql -> [start, ms]
  let transactions: number[] = [];
  let since = performance.now();
  const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
  const timed = (q: Queryable, inTx: boolean): Queryable => ({
    async query<T>(text: string, values?: unknown[]) {
      const start = performance.now();
      try {
        return await q.query<T>(text, values);
      } finally {
        const key = `${inTx ? 'T' : '-'}${normalise(text)}`;
        let list = samples.get(key);
        if (!list) samples.set(key, (list = []));
        list.push([start, performance.now() - start]);
      }
    },
    exec: (script: string) => q.exec(script),
  });
  const wrapped: Db = {
    kind: db.kind,
    ...timed(db, false),
    async transaction(fn) {
      const start = performance.now();
      try {
        return await db.transaction((tx) => fn({ ...timed(tx, true), commitBehind: (last) => tx.commitBehind(last) }));
      } finally {
        transactions.push(performance.now() - start);
      }
    },
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    reset() {
      samples = new Map();
      transactions = [];
      since = performance.now();
    },
    report() {
      const span = performance.now() - since;
      const mean = (list: [number, number][]) => (list.length ? round(list.reduce((n, [, ms]) => n + ms, 0) / list.length, 3) : NaN);
      const statements = [...samples].map(([key, list]): SqlStat => ({
        sql: key.length > 161 ? `${key.slice(1, 158)}...` : key.slice(1),
        inTransaction: key.startsWith('T'),
        calls: list.length,
        totalMs: round(list.reduce((n, [, ms]) => n + ms, 0), 1),
        maxMs: round(Math.max(...list.map(([, ms]) => ms)), 1),
        firstFifthMeanMs: mean(list.filter(([at]) => at - since < span / 5)),
        lastFifthMeanMs: mean(list.filter(([at]) => at - since >= (span * 4) / 5)),
      }));
      statements.sort((a, b) => b.totalMs - a.totalMs);
      const t = percentiles(transactions);
      return { statements, transactions: { count: transactions.length, totalMs: round(transactions.reduce((a, b) => a + b, 0), 1), p50: t.p50, p99: t.p99, max: t.max } };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Builds

export function makeBuilds(count: number, label: string, seed: number): BuildEvent[] {
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

interface SlowRelease {
  deploymentId: string;
  releaseId: string;
  service: string;
  environment: string;
  target: string;
  ms: number;
  /** When it started Deploying, in seconds from the start of the run. */
  startedAtS: number;
}

interface RunResult {
  builds: number;
  wallSeconds: number;
  transitions: number;
  movesSeen: number;
  deployments: DeploymentDto[];
  /** Previous phase's last release Succeeded → this phase's first release Deploying. */
  handoverMs: number[];
  completedToCheckingMs: number[];
  handoverNoChecksMs: number[];
  handoverChecksMs: number[];
  handoverToDeployingMs: number[];
  /** The releases slowest from Deploying to Succeeded (the simulator takes 0 ms: all of it is DCP). */
  slowReleases: SlowRelease[];
  lockWaitMs: number[];
  releaseRunMs: number[];
  phaseMs: number[];
  scanMs: number[];
  endToEndMs: number[];
  submitMs: number[];
}

type Submit = (build: BuildEvent) => Promise<{ created: boolean; deployment: { id: string } }>;

async function runBuilds(dcp: Dcp, builds: BuildEvent[], concurrency: number, timeoutMs: number, sequential = false, submit?: Submit, onSubmitted?: () => void): Promise<RunResult> {
  const submitBuild: Submit = submit ?? ((build) => dcp.deployments.submitBuild(build, benchCaller()));
  // Timestamps (performance.now()) of the moves this run cares about, keyed by entity id.
  const phaseAt = new Map<string, Partial<Record<'Checking' | 'Deploying' | 'Completed', number>>>();
  const releaseAt = new Map<string, Partial<Record<'Deploying' | 'Succeeded', number>>>();
  const scanAt = new Map<string, Partial<Record<'Scanned', number>>>();
  const endedAt = new Map<string, { at: number; status: string }>();
  let movesSeen = 0;

  const submitted = new Map<string, number>(); // deployment id -> submit start
  const submitMs: number[] = [];
  let waiting: Set<string> | null = null; // set once every build is submitted
  const endWaiters = new Map<string, () => void>(); // --sequential: the deployment being waited for
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
        endWaiters.get(m.id)?.();
        if (waiting?.delete(m.id) && waiting.size === 0) done();
      }
    }
  });

  const transitionsBefore = dcp.engine.stats().transitions;
  const started = performance.now();
  try {
    // Bounded concurrency: `concurrency` submissions in flight at any time. Sequential: one
    // deployment at a time, the next submitted once the previous ended (latency without load).
    let next = 0;
    const worker = async () => {
      while (next < builds.length) {
        const build = builds[next++];
        const t0 = performance.now();
        const { created, deployment } = await submitBuild(build);
        submitMs.push(performance.now() - t0);
        if (!created) throw new Error(`build ${build.buildId} was not created (a duplicate?)`);
        submitted.set(deployment.id, t0);
        if (sequential && !endedAt.has(deployment.id)) {
          let guard: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve, reject) => {
            endWaiters.set(deployment.id, resolve);
            guard = setTimeout(() => reject(new Error(`deployment ${deployment.id} had not ended after ${timeoutMs / 1000} s`)), timeoutMs);
          }).finally(() => clearTimeout(guard));
          endWaiters.delete(deployment.id);
        }
      }
    };
    await Promise.all(Array.from({ length: sequential ? 1 : Math.min(concurrency, builds.length) }, worker));
    onSubmitted?.();

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
  const completedToCheckingMs: number[] = [];
  const handoverNoChecksMs: number[] = [];
  const handoverChecksMs: number[] = [];
  const handoverToDeployingMs: number[] = [];
  const slowReleases: SlowRelease[] = [];
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
        if (previous !== undefined && t.Checking !== undefined) completedToCheckingMs.push(t.Checking - previous);
        // The hand-over: the previous phase's last release done → this phase's first release started.
        const lastDone = Math.max(...d.phases[i - 1].releases.map((r) => releaseAt.get(r.id)?.Succeeded ?? NaN));
        const firstStarted = Math.min(...phase.releases.map((r) => releaseAt.get(r.id)?.Deploying ?? NaN));
        if (Number.isFinite(lastDone) && Number.isFinite(firstStarted)) {
          handoverMs.push(firstStarted - lastDone);
          // A phase with checks (prod's scan) runs them in between: a job of its own.
          (phase.policy.checks.length > 0 ? handoverChecksMs : handoverNoChecksMs).push(firstStarted - lastDone);
        }
        if (previous !== undefined && t.Deploying !== undefined) handoverToDeployingMs.push(t.Deploying - previous);
      }
      for (const release of phase.releases) {
        const r = releaseAt.get(release.id) ?? {};
        if (t.Deploying !== undefined && r.Deploying !== undefined) lockWaitMs.push(r.Deploying - t.Deploying);
        if (r.Deploying !== undefined && r.Succeeded !== undefined) {
          releaseRunMs.push(r.Succeeded - r.Deploying);
          slowReleases.push({
            deploymentId: d.id, releaseId: release.id, service: d.service, environment: phase.environment, target: release.target,
            ms: round(r.Succeeded - r.Deploying, 1), startedAtS: round((r.Deploying - started) / 1000, 3),
          });
          slowReleases.sort((a, b) => b.ms - a.ms).splice(5);
        }
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
    completedToCheckingMs,
    handoverNoChecksMs,
    handoverChecksMs,
    handoverToDeployingMs,
    slowReleases,
    lockWaitMs,
    releaseRunMs,
    phaseMs,
    scanMs,
    endToEndMs,
    submitMs,
  };
}

// ---------------------------------------------------------------------------------------------
// The database's own ceiling: single-row durable commits

interface Ceiling {
  connections: number;
  seconds: number;
  commits: number;
  commitsPerSecond: number;
  /** The server's setting, as it is (not changed for the measurement). */
  synchronousCommit: string;
}

/**
 * Single-row autocommit INSERTs into a table of their own, `connections` at once for `ms`: the
 * commit rate the engine's transitions are compared with. PostgreSQL: 8 `pg` clients on the same
 * database; PGlite: its one connection (the DCP's, idle meanwhile).
 */
async function measureCeiling(target: { url: string } | { db: Db }, ms: number): Promise<Ceiling> {
  const connections = 'url' in target ? 8 : 1;
  const queryables: Queryable[] = [];
  const clients: pg.Client[] = [];
  if ('url' in target) {
    for (let i = 0; i < connections; i++) {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      clients.push(client);
      queryables.push({ query: async (text, values) => (await client.query(text, values)).rows, exec: async (script) => void (await client.query(script)) } as Queryable);
    }
  } else queryables.push(target.db);
  try {
    const q = queryables[0];
    await q.query('CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, worker integer NOT NULL, at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)');
    const [{ synchronous_commit: synchronousCommit }] = await q.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    let commits = 0;
    const started = performance.now();
    const end = started + ms;
    await Promise.all(queryables.map(async (c, worker) => {
      while (performance.now() < end) {
        await c.query('INSERT INTO bench_ceiling (worker, note) VALUES ($1, $2)', [worker, 'ceiling']);
        commits++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    await q.query('DROP TABLE bench_ceiling');
    return { connections, seconds: round(seconds, 2), commits, commitsPerSecond: round(commits / seconds, 1), synchronousCommit };
  } finally {
    for (const client of clients) await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/builds over HTTP, and with live-stream readers connected

interface HttpResult {
  clients: number;
  builds: number;
  statuses: Record<string, number>;
  postMs: Percentiles;
  /** Builds answered per second while the clients posted (not counting the wait for the deployments to end). */
  acceptedPerSecond: number;
  /** The builds posted first, on the same sockets, not measured above (their deployments ended before): what a fresh process answers with. */
  warmup: { builds: number; postMs: Percentiles | null };
  /**
   * CPU per accepted build while the clients posted, in ms: DCP's process (the engine runs the
   * deployments meanwhile), PostgreSQL's processes (null on PGlite: it is in DCP's), the clients'.
   * Linux only (/proc); null elsewhere.
   */
  cpuPerBuildMs: { dcp: number; postgres: number | null; clients: number } | null;
  /**
   * With --http-rounds N: each round's own figures (the builds posted again, once the round
   * before has ended); the figures above are those of the round with the median p99.
   */
  rounds: { postMs: Percentiles; acceptedPerSecond: number; cpuPerBuildMs: HttpResult['cpuPerBuildMs'] }[];
  /** With --stream-clients: how many readers were connected, and what they got. */
  streamReaders?: { clients: number; events: { min: number; max: number; total: number }; outOfOrder: number; ended: number };
}

/** CPU time of a process (and, with `children`, of the processes whose parent it is), in ms; null where /proc is not. */
function processCpuMs(pid: number, children = false): number | null {
  const ticks = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  };
  try {
    let total = ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')).ticks;
    if (children) {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const stat = ticks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
          if (stat.ppid === pid) total += stat.ticks;
        } catch {
          // gone meanwhile
        }
      }
    }
    return total * 10; // USER_HZ: 100 on Linux
  } catch {
    return null;
  }
}

/** The PostgreSQL server's postmaster pid, when it runs on this machine (its data directory readable). */
async function postmasterPid(dcp: Dcp): Promise<number | null> {
  if (dcp.db.kind !== 'postgres') return null;
  try {
    const [{ data_directory: dir }] = await dcp.db.query<{ data_directory: string }>('SHOW data_directory');
    return Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

/**
 * Posts `warmup` builds, waits for their deployments to end, then posts each round of `measured`
 * the same way (the round with the median p99 is the result's figures): the same client
 * process and sockets, so what is measured is a server in service, not its first requests (the
 * HTTP route, its validation and serializers, JIT: the first ~300 answers took up to 3× as long).
 * The warm-up's own latencies are kept (`warmup.postMs`): what the first posts to a fresh process see.
 */
async function postBuildsHttp(dcp: Dcp, url: string, warmup: BuildEvent[], measured: BuildEvent[][], clients: number): Promise<HttpResult> {
  let statuses: Record<string, number> = {};
  // The clients run in a process of their own (bench/http-clients.ts); each answer comes back with
  // the latency the client saw.
  const child = spawn(process.execPath, [fileURLToPath(new URL('./http-clients.ts', import.meta.url)), url, BENCH_TOKEN, String(clients)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stopChild = () => void child.kill();
  onInterrupt.add(stopChild);
  const answers = new Map<number, (answer: { status: number; id: string; ms: number }) => void>();
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
    for (let end = output.indexOf('\n'); end >= 0; end = output.indexOf('\n')) {
      const answer = JSON.parse(output.slice(0, end)) as { n: number; status: number; id: string; ms: number };
      output = output.slice(end + 1);
      answers.get(answer.n)?.(answer);
      answers.delete(answer.n);
    }
  });
  let clientMs: number[] = [];
  let sent = 0;
  const submit: Submit = async (build) => {
    const n = sent++;
    const answer = await new Promise<{ status: number; id: string; ms: number }>((resolve) => {
      answers.set(n, resolve);
      child.stdin.write(`${JSON.stringify({ n, build })}\n`);
    });
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status !== 201) throw new Error(`POST /api/v1/builds: ${answer.status} ${answer.id}`);
    clientMs.push(answer.ms);
    return { created: true, deployment: { id: answer.id } };
  };
  // The CPU of DCP's process, PostgreSQL's (its postmaster and every backend) and the clients', from the first post to the last answer.
  const postmaster = await postmasterPid(dcp);
  const cpu = () => ({
    dcp: processCpuMs(process.pid), postgres: postmaster === null ? null : processCpuMs(postmaster, true), clients: child.pid === undefined ? null : processCpuMs(child.pid),
  });
  const perBuild = (a: number | null, b: number | null, n: number) => (a === null || b === null ? null : round((b - a) / n, 3));
  const rounds: HttpResult['rounds'] = [];
  let warmupMs: Percentiles | null = null;
  try {
    if (warmup.length > 0) {
      await runBuilds(dcp, warmup, clients, options.timeoutMs, false, submit);
      warmupMs = percentiles(clientMs);
    }
    for (const builds of measured) {
      clientMs = [];
      statuses = {};
      const before = cpu();
      let after = before;
      const started = performance.now();
      let acceptMs = 0;
      await runBuilds(dcp, builds, clients, options.timeoutMs, false, submit, () => {
        acceptMs = performance.now() - started;
        after = cpu();
      });
      const dcpMs = perBuild(before.dcp, after.dcp, builds.length);
      const clientsMs = perBuild(before.clients, after.clients, builds.length);
      rounds.push({
        postMs: percentiles(clientMs), acceptedPerSecond: round(builds.length / (acceptMs / 1000), 1),
        cpuPerBuildMs: dcpMs === null || clientsMs === null ? null : { dcp: dcpMs, postgres: perBuild(before.postgres, after.postgres, builds.length), clients: clientsMs },
      });
    }
  } finally {
    child.kill();
    onInterrupt.delete(stopChild);
  }
  const median = [...rounds].sort((a, b) => a.postMs.p99 - b.postMs.p99)[Math.floor((rounds.length - 1) / 2)];
  return {
    clients, builds: measured[0].length, statuses, postMs: median.postMs, acceptedPerSecond: median.acceptedPerSecond,
    warmup: { builds: warmup.length, postMs: warmupMs }, cpuPerBuildMs: median.cpuPerBuildMs, rounds,
  };
}

/** N stream readers in a child process (bench/stream-clients.ts), connected before it resolves. */
async function streamReaders(url: string, count: number): Promise<{ stop(): Promise<NonNullable<HttpResult['streamReaders']>> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./stream-clients.ts', import.meta.url)), url, BENCH_TOKEN, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  onInterrupt.add(() => void child.kill());
  let output = '';
  const line = () => new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const end = output.indexOf('\n');
      if (end < 0) return;
      const first = output.slice(0, end);
      output = output.slice(end + 1);
      child.stdout.off('data', onData);
      resolve(first);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stream readers exited (${code})`)));
  });
  const connected = await line();
  if (connected !== 'connected') throw new Error(`stream readers: ${connected}`);
  return {
    async stop() {
      child.stdin.write('stop\n');
      const report = JSON.parse(await line());
      return { clients: count, events: report.events, outOfOrder: report.outOfOrder, ended: report.ended };
    },
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
  /** --sequential: one deployment at a time. */
  sequential: boolean;
  config: string;
  deployments: number;
  phases: number;
  releases: number;
  transitions: number;
  statuses: Record<string, number>;
  latencyMs: Record<string, Percentiles>;
  cpuModel: string;
  /** os.loadavg() when the measured run started: other work on the machine skews the numbers. */
  loadAverage: number[];
  /** Warnings and errors the DCP logged during the measured run (first few verbatim). */
  engineLog: { warnings: number; errors: number; examples: string[] };
  slowestReleases: SlowRelease[];
  /** The database's own single-row durable commit rate, measured in this run. */
  ceiling: Ceiling;
  /** transitions/s ÷ the ceiling's commits/s. */
  ratio: number;
  http: HttpResult;
  /** The HTTP measurement again, with --stream-clients readers connected. */
  httpWithStream?: HttpResult;
  sqlStats?: ReturnType<ReturnType<typeof instrumented>['report']>;
}

/**
 * What to undo if the run is interrupted (Ctrl-C), newest first: the DCP, the PostgreSQL server
 * we started, the temp config.
 */
const onInterrupt = new Set<() => Promise<void> | void>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: cleaning up\n`);
    // Connections cut while we stop may still report errors: we are leaving anyway.
    process.on('uncaughtException', () => undefined);
    (async () => {
      for (const undo of [...onInterrupt].reverse()) await Promise.resolve().then(undo).catch(() => undefined);
    })().finally(() => process.exit(130));
  });
}

/** A fresh database on the PostgreSQL server; `drop()` removes it (and the server, if we started it). */
async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const given = process.env.DATABASE_URL;
  // A server of our own is durable (fsync, synchronous commit): the ceiling is what production commits.
  const server = given ? { url: given, stop: async () => undefined } : await ensurePostgres({ private: true, durable: true });
  onInterrupt.add(server.stop);
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
    onInterrupt.delete(server.stop);
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
        onInterrupt.delete(server.stop);
      }
    },
  };
}

async function benchBackend(backend: Backend, config: { dir: string; description: string }): Promise<BackendResult> {
  const database = backend === 'postgres' ? await freshPostgresDatabase() : null;
  let dcp: Dcp | undefined;
  let closeDb: (() => Promise<void>) | undefined;
  let stopDcp: (() => Promise<void>) | undefined;
  // Silent, but counts the engine's warnings and errors (a retried job, a failed lease renewal…).
  const problems = { warnings: 0, errors: 0, examples: [] as string[] };
  const note = (kind: 'warnings' | 'errors') => (message: string) => {
    problems[kind]++;
    if (problems.examples.length < 5) problems.examples.push(`${kind === 'errors' ? 'error' : 'warn'}: ${message}`);
  };
  const logger: Logger = { ...silentLogger, warn: note('warnings'), error: note('errors') };
  try {
    const settings = readSettings({
      DCP_DATA_DIR: 'memory://',
      DCP_BOOTSTRAP_TOKEN: BENCH_TOKEN,
      PORT: '0',
      DCP_CONFIG: config.dir,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    // --sql-stats: open the database here, to hand startDcp a timing wrapper around it.
    const sql = options.sqlStats ? instrumented(database ? await openPostgres(database.url) : await openPglite({})) : null;
    if (sql) closeDb = () => sql.db.close();
    dcp = await startDcp({ settings, log: logger, db: sql?.db });
    const started = dcp;
    stopDcp = () => started.stop();
    onInterrupt.add(stopDcp);

    process.stderr.write(`[bench] ${backend}: warm-up, ${options.warmup} builds\n`);
    const warm = await runBuilds(dcp, makeBuilds(options.warmup, 'warmup', 7), options.concurrency, options.timeoutMs);
    const warmFailed = warm.deployments.filter((d) => d.status !== 'Completed');
    if (warmFailed.length > 0) throw new Error(`${backend}: ${warmFailed.length} warm-up deployment(s) did not complete, e.g. ${warmFailed[0].id}: ${warmFailed[0].status} (${warmFailed[0].statusDetail})`);

    process.stderr.write(`[bench] ${backend}: ${options.builds} builds, ${options.sequential ? 'one at a time' : `${options.concurrency} in flight`}\n`);
    sql?.reset();
    Object.assign(problems, { warnings: 0, errors: 0, examples: [] });
    const loadAverage = os.loadavg().map((n) => round(n, 2));
    const run = await runBuilds(dcp, makeBuilds(options.builds, 'run', 42), options.concurrency, options.timeoutMs, options.sequential);
    const sqlStats = sql?.report();

    // The ceiling, on the same database, while the DCP is idle.
    process.stderr.write(`[bench] ${backend}: the database's own single-row commit rate, ${options.ceilingMs / 1000} s\n`);
    const ceiling = await measureCeiling(database ? { url: database.url } : { db: dcp.db }, options.ceilingMs);

    // POST /api/v1/builds over HTTP, `httpClients` at once (each waits for its answer, then posts the next).
    const url = await dcp.listen();
    process.stderr.write(`[bench] ${backend}: POST /api/v1/builds over HTTP, ${options.httpBuilds} builds, ${options.httpClients} clients\n`);
    const http = await postBuildsHttp(
      dcp, url, makeBuilds(options.httpWarmup, 'http-warmup', 45),
      Array.from({ length: options.httpRounds }, (_, i) => makeBuilds(options.httpBuilds, i === 0 ? 'http' : `http-${i + 1}`, 43)), options.httpClients,
    );
    let httpWithStream: HttpResult | undefined;
    if (options.streamClients > 0) {
      process.stderr.write(`[bench] ${backend}: again, with ${options.streamClients} stream readers connected\n`);
      const readers = await streamReaders(url, options.streamClients);
      httpWithStream = await postBuildsHttp(dcp, url, [], [makeBuilds(options.httpBuilds, 'http-stream', 44)], options.httpClients);
      httpWithStream.streamReaders = await readers.stop();
    }

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
      concurrency: options.sequential ? 1 : options.concurrency,
      sequential: options.sequential,
      config: config.description,
      deployments: run.deployments.length,
      phases: run.deployments.reduce((n, d) => n + d.phases.length, 0),
      releases: run.deployments.reduce((n, d) => n + d.phases.reduce((m, p) => m + p.releases.length, 0), 0),
      transitions: run.transitions,
      statuses,
      latencyMs: {
        handover: handover,
        handoverToPhaseWithoutChecks: percentiles(run.handoverNoChecksMs),
        handoverToPhaseWithChecks: percentiles(run.handoverChecksMs),
        handoverCompletedToChecking: percentiles(run.completedToCheckingMs),
        handoverCompletedToDeploying: percentiles(run.handoverToDeployingMs),
        submit: percentiles(run.submitMs),
        submitToScanned: percentiles(run.scanMs),
        phaseCheckingToCompleted: percentiles(run.phaseMs),
        releaseLockWait: percentiles(run.lockWaitMs),
        releaseDeployingToSucceeded: percentiles(run.releaseRunMs),
        submitToEnded: percentiles(run.endToEndMs),
      },
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage,
      engineLog: { ...problems },
      slowestReleases: run.slowReleases,
      ceiling,
      ratio: round(run.transitions / run.wallSeconds / ceiling.commitsPerSecond, 3),
      http,
      ...(httpWithStream ? { httpWithStream } : {}),
      ...(sqlStats ? { sqlStats } : {}),
    };
  } finally {
    await dcp?.stop();
    if (stopDcp) onInterrupt.delete(stopDcp);
    await closeDb?.();
    await database?.drop();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ---------------------------------------------------------------------------------------------
// Main

/** Columns right-aligned, except the first and those in `left`. */
function table(rows: string[][], left: number[] = [0]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (left.includes(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function main(): Promise<number> {
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  if (options.waiting > 0) {
    const { benchWaiting } = await import('./waiting.ts');
    return benchWaiting({ ...options, resultsDir, token: BENCH_TOKEN, freshPostgresDatabase, makeBuilds });
  }
  const results: BackendResult[] = [];
  const config = benchConfig();
  onInterrupt.add(config.remove);
  try {
    for (const backend of options.backends) {
      const result = await benchBackend(backend, config);
      // Diagnostic runs get files of their own: bench/results/<backend>.json holds the standard run.
      const variant = [options.sequential ? '.sequential' : '', options.sqlStats ? '.sql-stats' : '', options.streamClients ? `.stream-${options.streamClients}` : ''].join('');
      const file = new URL(`${backend}${variant}.json`, resultsDir);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stderr.write(`[bench] ${backend}: wrote ${file.pathname}\n`);
      results.push(result);
    }
  } finally {
    config.remove();
  }

  const ms = (n: number) => n.toFixed(2);
  process.stdout.write(
    `\nDCP engine benchmark — ${options.builds} builds per backend, ${options.sequential ? 'one deployment at a time' : `${options.concurrency} submissions in flight`}, zero-latency simulators ` +
      `(node ${process.version}, ${os.availableParallelism()} CPUs)\nconfig: ${config.description}\n\n`,
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
      ['backend', 'transitions/s', 'ceiling commits/s (connections)', 'ratio', 'POST /builds p50', 'p99', 'accepted/s', 'p99 of each round', 'CPU ms/build: DCP', 'PostgreSQL', 'clients', 'warm-up posts p50 / p99', ...(options.streamClients ? [`with ${options.streamClients} readers p50`, 'p99', 'readers got events min/max'] : [])],
      ...results.map((r) => [
        r.backend, r.transitionsPerSecond.toFixed(0), `${r.ceiling.commitsPerSecond.toFixed(0)} (${r.ceiling.connections}, synchronous_commit=${r.ceiling.synchronousCommit})`, r.ratio.toFixed(3),
        ms(r.http.postMs.p50), ms(r.http.postMs.p99), r.http.acceptedPerSecond.toFixed(1), r.http.rounds.map((x) => x.postMs.p99.toFixed(1)).join(' / '),
        ...[r.http.cpuPerBuildMs?.dcp, r.http.cpuPerBuildMs?.postgres, r.http.cpuPerBuildMs?.clients].map((v) => (v === undefined || v === null ? '-' : v.toFixed(2))),
        r.http.warmup.postMs ? `${ms(r.http.warmup.postMs.p50)} / ${ms(r.http.warmup.postMs.p99)}` : '-',
        ...(r.httpWithStream ? [ms(r.httpWithStream.postMs.p50), ms(r.httpWithStream.postMs.p99), `${r.httpWithStream.streamReaders?.events.min}/${r.httpWithStream.streamReaders?.events.max}`] : []),
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

  for (const r of results) {
    if (r.engineLog.warnings + r.engineLog.errors === 0) continue;
    process.stdout.write(`\n${r.backend}: the DCP logged ${r.engineLog.warnings} warning(s) and ${r.engineLog.errors} error(s), e.g.\n${r.engineLog.examples.map((e) => `  ${e}`).join('\n')}\n`);
  }
  for (const r of results) {
    if (!r.sqlStats) continue;
    const t = r.sqlStats.transactions;
    process.stdout.write(`\nSQL, ${r.backend} (measured run; statement times include waiting for the connection): ${t.count} transactions, ${(t.totalMs / 1000).toFixed(1)} s in them, p50 ${t.p50} ms, p99 ${t.p99} ms\n`);
    process.stdout.write(
      `${table([
        ['calls', 'total s', 'mean ms first/last fifth', 'max ms', 'in tx', 'statement'],
        ...r.sqlStats.statements.slice(0, 20).map((st) => [
          String(st.calls), (st.totalMs / 1000).toFixed(2), `${st.firstFifthMeanMs.toFixed(2)} / ${st.lastFifthMeanMs.toFixed(2)}`, st.maxMs.toFixed(0), st.inTransaction ? 'yes' : 'no', st.sql.slice(0, 110),
        ]),
      ], [5])}\n`,
    );
  }

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
