/**
 * Chaos: several DCP replicas (`node src/main.ts`, real processes) on one private PostgreSQL
 * server, deployments with random release times and failures, a random replica kill -9'd every
 * few seconds and started again, PostgreSQL itself restarted (an immediate stop: every connection
 * cut) once mid-run. Then the stored data is checked:
 *
 * - every deployment ended, nothing stuck: no job, no target lock left;
 * - no release executed twice: the simulated driver records every execution by idempotency key
 *   and pid (DCP_SIMULATOR_EXECUTIONS); two executions of one key never overlap in time (an
 *   execution without an end lasts until its process was killed), and none starts after its
 *   release's outcome was recorded — unless a replica involved was taken for dead while alive
 *   (its event loop stalled past 1.5 heartbeats, seen on a machine at load 15): then the release
 *   is re-driven while it may still run, at least once by design; reported as `tolerated`, with
 *   `falseDeaths`, never silently;
 * - the event log is gap-free (positions 1..N, every event positioned) and in commit order (a
 *   deployment's events, serialised by its row lock, have increasing seq and time in position
 *   order); each deployment has one DeploymentCreated, first, and one end event, matching its
 *   status; each release at most one ReleaseStarted and one outcome;
 * - the core invariants (core/invariants.ts, what the property tests check) hold on every stored deployment.
 *
 *   npm run chaos                          # 300 deployments, as the test does (test/chaos.test.ts)
 *   npm run chaos -- --deployments 150
 *   npm run chaos -- --minutes 30          # soak: builds at a steady rate for 30 minutes, RSS sampled
 *
 * The soak keeps one replica alive throughout (`--spare`, default 1 with --minutes) so its RSS
 * over time shows a leak; it is printed every sample and in the report.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { invariantViolations } from '../src/core/invariants.ts';
import type { SimulatedExecution } from '../src/integrations/release/simulated.ts';
import { loadViews } from '../src/store/deployments.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { ensurePostgres } from './pg-server.ts';
import { ROOT, startChild, tail, type DcpChild } from '../test/helpers/child.ts';
import { prng } from './prng.ts';

const TOKEN = 'chaos';
const TERMINAL_STATUSES = ['Completed', 'Failed', 'Cancelled'];
const END_EVENT: Record<string, string> = { Completed: 'DeploymentCompleted', Failed: 'DeploymentFailed', Cancelled: 'DeploymentCancelled' };
const UNGATED = path.join(ROOT, 'test', 'fixtures', 'ungated');
/** Clusters per channel in the ungated fixture (for fail-targets). */
const CLUSTERS: Record<string, string[]> = {
  stable: ['dev-usw2-1', 'qa-usw2-1', 'qa-use1-1', 'stage-usw2-1', 'stage-euc1-1', 'prod-usw2-1', 'prod-use1-1', 'prod-euc1-1', 'prod-apse2-1', 'gov-stage-usgw1-1', 'gov-prod-usgw1-1', 'gov-prod-usge1-1'],
  edge: ['dev-usw2-2', 'stage-usw2-2', 'prod-usw2-2'],
};
const STRATEGIES = ['standard', 'fast', 'nonprod'];

export interface ChaosOptions {
  /** Deployments to submit (test mode); ignored with `minutes`. */
  deployments?: number;
  /**
   * Test mode: the submissions take at least this long (default 20 s), so the kills go on for a
   * while however fast the replicas end what they get (a faster engine once ended 150 in 20 s).
   */
  submitOverMs?: number;
  /** Soak: submit at `ratePerSecond` for this long. */
  minutes?: number;
  ratePerSecond?: number;
  replicas?: number;
  /** Replicas never killed (their RSS is the leak signal). */
  spare?: number;
  /** A kill every this many ms, give or take half. */
  killEveryMs?: number;
  /** How many services the generated catalog has (more: less queueing on service×target locks). */
  services?: number;
  /** Bound on the wait for every deployment to end once the chaos stops. */
  settleMs?: number;
  /** DCP_HEARTBEAT of the replicas. */
  heartbeat?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  deployments: number;
  byStatus: Record<string, number>;
  kills: number;
  starts: number;
  postgresRestarts: number;
  takeovers: number;
  /** Replicas taken for dead while alive (their event loop stalled past 1.5 heartbeats: a loaded machine). */
  falseDeaths: number;
  /** Releases run twice because their replica was taken for dead while running them: at-least-once, as designed. */
  tolerated: string[];
  executions: number;
  reExecutions: number;
  events: number;
  wallMs: number;
  /** Seconds since the start → RSS in MB of each replica slot (null: not running then). */
  rss: { atS: number; mb: (number | null)[] }[];
  /** Every broken rule, one sentence each: empty when the run passed. */
  violations: string[];
}

/** The ungated fixture with `n` more services (owned by `payments`), in a temp dir. */
function chaosConfig(dir: string, n: number): string[] {
  const config = path.join(dir, 'config');
  cpSync(UNGATED, config, { recursive: true });
  const names = Array.from({ length: n }, (_, i) => `chaos-svc-${String(i + 1).padStart(2, '0')}`);
  const extra = names.map((name) => `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    github.com/project-slug: acme/${name}
spec: { type: service, owner: payments, lifecycle: production }
`).join('');
  appendFileSync(path.join(config, 'catalog', 'services.yaml'), `\n${extra}`);
  return names;
}

function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[chaos] ${line}\n`));
  const soak = options.minutes !== undefined;
  const total = soak ? Infinity : (options.deployments ?? 300);
  const replicaCount = options.replicas ?? 3;
  const spare = options.spare ?? (soak ? 1 : 0);
  const killEveryMs = options.killEveryMs ?? 5000;
  const rand = prng(options.seed ?? Date.now());
  const started = Date.now();
  const violations: string[] = [];

  const server = await ensurePostgres({ private: true, durable: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'dcp-chaos-'));
  const executionsFile = path.join(dir, 'executions.jsonl');
  writeFileSync(executionsFile, '');
  const services = chaosConfig(dir, options.services ?? 24);
  const env: Record<string, string> = {
    DATABASE_URL: server.url, DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: TOKEN, DCP_CONFIG: path.join(dir, 'config'),
    DCP_SIMULATOR_EXECUTIONS: executionsFile, ...(options.heartbeat ? { DCP_HEARTBEAT: options.heartbeat } : {}),
  };

  const slots: (DcpChild | null)[] = Array(replicaCount).fill(null);
  /** When each pid died (kill -9 or a stop), for the overlap check. */
  const deaths = new Map<number, number>();
  const all: DcpChild[] = [];
  let kills = 0;
  let starts = 0;
  let takeovers = 0;
  let postgresRestarts = 0;
  const rss: ChaosReport['rss'] = [];

  const startSlot = async (i: number): Promise<void> => {
    // The database may be restarting: a replica that cannot connect exits; try again.
    for (let attempt = 1; ; attempt++) {
      try {
        const child = await startChild(env, 60_000);
        all.push(child);
        starts++;
        slots[i] = child;
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        log(`replica ${i} did not start (attempt ${attempt}): ${(error as Error).message.slice(0, 200)}`);
        await sleep(500);
      }
    }
  };

  const db = { current: null as Awaited<ReturnType<typeof openPostgres>> | null };
  try {
    await startSlot(0); // migrates the database
    await Promise.all(slots.map((_, i) => (i === 0 ? undefined : startSlot(i))));
    db.current = await openPostgres(server.url, { max: 2 });
    log(`${replicaCount} replicas up (pids ${slots.map((s) => s?.pid).join(', ')}), PostgreSQL at ${server.url}`);

    // Submitting: random services, channels, strategies, release times, failures; retried on another replica when one is down.
    const ids: string[] = [];
    let submitting = true;
    const submitOne = async (n: number): Promise<void> => {
      const channel = rand() < 0.8 ? 'stable' : 'edge';
      const component = services[Math.floor(rand() * services.length)];
      const fails = rand() < 0.15 ? CLUSTERS[channel][Math.floor(rand() * CLUSTERS[channel].length)] : '';
      const body = {
        buildId: `chaos-${n}-${Math.floor(rand() * 1e9).toString(16)}`,
        component, channel,
        strategy: channel === 'edge' ? 'standard' : STRATEGIES[Math.floor(rand() * STRATEGIES.length)],
        artifactManifest: {
          name: component, version: `1.0.${n}`,
          images: [{ name: `registry.example.com/${component}`, digest: 'sha256:4f1c9b0a' }],
          charts: [{ name: component, version: `1.0.${n}`, repository: 'oci://registry.example.com/charts' }],
          annotations: {
            'dcp.simulator/release-ms': String(Math.floor(50 + rand() * 750)),
            'dcp.simulator/scan-ms': String(Math.floor(rand() * 300)),
            ...(fails ? { 'dcp.simulator/fail-targets': fails } : {}),
          },
        },
        source: { repository: `https://github.com/acme/${component}`, commit: '8c1f2e9d4b7a', branch: 'main' },
        triggeredBy: 'chaos',
      };
      for (let attempt = 1; ; attempt++) {
        const live = slots.filter((s): s is DcpChild => s !== null);
        const target = live[Math.floor(rand() * live.length)];
        try {
          if (!target) throw new Error('no replica up');
          const res = await fetch(`${target.url}/api/v1/builds`, {
            method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
          });
          const answer = (await res.json()) as { id?: string };
          if ((res.status === 200 || res.status === 201) && answer.id) {
            ids.push(answer.id);
            return;
          }
          throw new Error(`${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
        } catch (error) {
          if (attempt >= 40) throw new Error(`build ${n} could not be submitted: ${(error as Error).message}`);
          await sleep(250);
        }
      }
    };
    const submitter = (async () => {
      const end = soak ? started + options.minutes! * 60_000 : Infinity;
      let n = 0;
      if (soak) {
        const every = 1000 / (options.ratePerSecond ?? 2);
        while (Date.now() < end) {
          await submitOne(n++);
          await sleep(every);
        }
      } else {
        // Four at a time: a burst, as on release day, while the kills go on; spread over `submitOverMs` at least.
        const spacingMs = (4 * (options.submitOverMs ?? 20_000)) / total;
        const lanes = Array.from({ length: 4 }, async () => {
          while (n < total) {
            const sent = Date.now();
            await submitOne(n++);
            await sleep(Math.max(0, spacingMs - (Date.now() - sent)));
          }
        });
        await Promise.all(lanes);
      }
      submitting = false;
      log(`submitted ${ids.length} deployments in ${Date.now() - started} ms`);
    })();

    const unfinished = async (): Promise<number> => {
      const [row] = await db.current!.query<{ n: number }>(`SELECT count(*)::int AS n FROM deployments WHERE status <> ALL($1::text[])`, [TERMINAL_STATUSES]);
      return row.n;
    };

    // The chaos: kills, and one restart of PostgreSQL, until every submitted deployment ended.
    let restartedPostgres = false;
    const restarts = new Set<Promise<void>>();
    let nextSample = Date.now();
    const soakEnd = soak ? started + options.minutes! * 60_000 : Infinity;
    for (;;) {
      await sleep(killEveryMs * (0.5 + rand()));
      if (Date.now() >= nextSample) {
        const sample = { atS: Math.round((Date.now() - started) / 1000), mb: slots.map((s) => (s ? rssMb(s.pid) : null)) };
        rss.push(sample);
        if (soak) log(`t=${sample.atS}s RSS MB: ${sample.mb.map((m) => m ?? '-').join(' / ')}`);
        nextSample = Date.now() + (soak ? 10_000 : 5000);
      }
      const remaining = await unfinished().catch(() => -1);
      if (!submitting && remaining === 0) break;
      if (!submitting && remaining > 0 && remaining <= 3) log(`not ended: ${await waitingOn(db.current!).catch((e: Error) => e.message)}`);
      if (Date.now() > soakEnd + 120_000 || (!soak && Date.now() - started > 10 * 60_000)) {
        violations.push(`${remaining} deployment(s) had not ended when the chaos stopped`);
        break;
      }
      const halfway = soak ? Date.now() >= started + (options.minutes! * 60_000) / 2 : ids.length >= total * 0.4;
      if (!restartedPostgres && halfway) {
        restartedPostgres = true;
        log(`restarting PostgreSQL (${ids.length} submitted, ${remaining} not ended)`);
        await server.restart!({ downMs: 1000 });
        postgresRestarts++;
        continue;
      }
      // A random replica among those up (one starting again is not up yet); its restart goes on while the next kill comes.
      const up = slots.map((child, i) => (child && i >= spare ? i : -1)).filter((i) => i >= 0);
      if (up.length === 0 || slots.filter(Boolean).length < 2) continue; // one replica up at least, to take over
      const victim = up[Math.floor(rand() * up.length)];
      const child = slots[victim]!;
      slots[victim] = null;
      await child.kill('SIGKILL');
      deaths.set(child.pid, Date.now());
      kills++;
      log(`kill -9 replica ${victim} (pid ${child.pid}); ${ids.length} submitted, ${remaining} not ended`);
      restarts.add(startSlot(victim).catch((error: Error) => {
        violations.push(`replica ${victim} could not be started again: ${error.message}`);
      }));
    }
    await submitter;
    await Promise.all(restarts);

    // No kills from here: what is left must end on its own.
    const settleEnd = Date.now() + (options.settleMs ?? 90_000);
    let left = await unfinished();
    while (left > 0 && Date.now() < settleEnd) {
      await sleep(250);
      left = await unfinished();
    }
    if (left > 0) violations.push(`${left} deployment(s) still not ended ${options.settleMs ?? 90_000} ms after the chaos stopped (stuck)`);

    // Stop the replicas (SIGTERM: drained, exit 0) before reading the executions.
    for (const [i, child] of slots.entries()) {
      if (!child) continue;
      const exit = await child.kill('SIGTERM', 60_000);
      deaths.set(child.pid, Date.now());
      if (exit.code !== 0) violations.push(`replica ${i} (pid ${child.pid}) exited ${JSON.stringify(exit)} on SIGTERM: ${tail(child.stderr, 500)}`);
      slots[i] = null;
    }

    // Takeovers, and which of them hit a replica that was alive (stalled past 1.5 heartbeats: its pid
    // is in a takeover logged before it was killed). Such a replica's release may run twice, by design.
    const falselyDead = new Set<number>();
    for (const child of all) {
      for (const m of (child.stdout + child.stderr).matchAll(/^(\S+) warn\s+took over from dead replica\(s\) (.+?) \(no heartbeat/gm)) {
        takeovers++;
        const at = Date.parse(m[1]);
        for (const id of m[2].split(', ')) {
          const pid = Number(id.split(':').at(-2));
          const died = deaths.get(pid);
          if (died !== undefined && at < died) falselyDead.add(pid); // a pid unknown here (a start that failed) is not excused
        }
      }
    }
    const checked = await checkStoredData(db.current, executionsFile, deaths, ids, falselyDead);
    violations.push(...checked.violations);
    const wallMs = Date.now() - started;
    const report: ChaosReport = {
      deployments: ids.length, byStatus: checked.byStatus, kills, starts, postgresRestarts, takeovers, falseDeaths: falselyDead.size, tolerated: checked.tolerated,
      executions: checked.executions, reExecutions: checked.reExecutions, events: checked.events, wallMs, rss, violations,
    };
    return report;
  } finally {
    await Promise.allSettled(all.map((child) => child.kill('SIGKILL')));
    await db.current?.close().catch(() => undefined);
    await server.stop();
    if (violations.length === 0 || process.env.DCP_CHAOS_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir} (DCP_CHAOS_KEEP=1): the executions in executions.jsonl`);
  }
}

/** What the deployments not ended yet wait on: their jobs (a diagnostic for a slow tail). */
async function waitingOn(db: Awaited<ReturnType<typeof openPostgres>>): Promise<string> {
  const rows = await db.query<{ id: string; status: string; jobs: unknown }>(
    `SELECT d.id, d.status, (SELECT json_agg(json_build_object('kind', j.kind, 'due', j.due_at, 'by', j.locked_by, 'until', j.locked_until, 'attempts', j.attempts, 'error', j.last_error))
       FROM jobs j WHERE j.deployment_id = d.id) AS jobs
       FROM deployments d WHERE d.status <> ALL($1::text[]) LIMIT 3`,
    [TERMINAL_STATUSES],
  );
  return JSON.stringify(rows);
}

interface Checked {
  byStatus: Record<string, number>;
  tolerated: string[];
  executions: number;
  reExecutions: number;
  events: number;
  violations: string[];
}

/** The rules of the header, on the stored data and the executions file. */
export async function checkStoredData(
  db: Awaited<ReturnType<typeof openPostgres>>, executionsFile: string, deaths: Map<number, number>, ids: string[], falselyDead = new Set<number>(),
): Promise<Checked> {
  const violations: string[] = [];
  const tolerated: string[] = [];
  /** A release run twice is a violation unless a replica involved was taken for dead while alive. */
  const twice = (message: string, pids: number[]) => (pids.some((pid) => falselyDead.has(pid)) ? tolerated : violations).push(message);
  const q = <T = Record<string, unknown>>(text: string, values?: unknown[]) => db.query<T>(text, values);

  // Every deployment ended; nothing left behind.
  const statuses = await q<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM deployments GROUP BY status');
  const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
  for (const s of statuses) if (!TERMINAL_STATUSES.includes(s.status)) violations.push(`${s.n} deployment(s) ${s.status}`);
  const [{ n: stored }] = await q<{ n: number }>('SELECT count(*)::int AS n FROM deployments');
  if (stored !== new Set(ids).size) violations.push(`${stored} deployments stored, ${new Set(ids).size} submitted`);
  for (const j of await q<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM jobs GROUP BY kind')) violations.push(`${j.n} ${j.kind} job(s) left`);
  const [{ n: locks }] = await q<{ n: number }>('SELECT count(*)::int AS n FROM target_locks');
  if (locks > 0) violations.push(`${locks} service×target lock(s) still held`);
  const releasesDeploying = await q<{ id: string }>("SELECT id FROM releases WHERE status IN ('Deploying', 'Pending')");
  if (releasesDeploying.length > 0) violations.push(`${releasesDeploying.length} release(s) still Pending or Deploying: ${releasesDeploying.slice(0, 5).map((r) => r.id).join(', ')}`);

  // The event log: gap-free, positioned, in commit order.
  const [log] = await q<{ n: number; positioned: number; distinct_positions: number; min: number | null; max: number | null }>(
    'SELECT count(*)::int AS n, count(position)::int AS positioned, count(DISTINCT position)::int AS distinct_positions, min(position) AS min, max(position) AS max FROM events',
  );
  if (log.positioned !== log.n) violations.push(`${log.n - log.positioned} event(s) never positioned by the relay`);
  if (log.distinct_positions !== log.positioned || (log.n > 0 && (log.min !== 1 || log.max !== log.n))) {
    violations.push(`the event log has gaps or repeats: ${log.n} events, positions ${log.min}..${log.max}, ${log.distinct_positions} distinct`);
  }
  const events = await q<{ deployment_id: string; position: number; seq: number; time: Date; type: string; release_id: string | null }>(
    "SELECT deployment_id, position, seq, time, type, data->>'releaseId' AS release_id FROM events ORDER BY deployment_id, position",
  );
  const deploymentStatus = new Map((await q<{ id: string; status: string }>('SELECT id, status FROM deployments')).map((d) => [d.id, d.status]));
  const byDeployment = new Map<string, typeof events>();
  for (const e of events) {
    let list = byDeployment.get(e.deployment_id);
    if (!list) byDeployment.set(e.deployment_id, (list = []));
    list.push(e);
  }
  const outcomeAt = new Map<string, number>();
  for (const [id, list] of byDeployment) {
    for (let i = 1; i < list.length; i++) {
      if (list[i].seq < list[i - 1].seq) violations.push(`deployment ${id}: event at position ${list[i].position} was written before the one at ${list[i - 1].position} (not in commit order)`);
      if (list[i].time < list[i - 1].time) violations.push(`deployment ${id}: event at position ${list[i].position} is older than the one before it`);
    }
    const created = list.filter((e) => e.type === 'DeploymentCreated');
    if (created.length !== 1 || list[0].type !== 'DeploymentCreated') violations.push(`deployment ${id}: ${created.length} DeploymentCreated, the first event is ${list[0].type}`);
    const ends = list.filter((e) => Object.values(END_EVENT).includes(e.type));
    const status = deploymentStatus.get(id);
    if (ends.length !== 1 || ends[0].type !== END_EVENT[status ?? '']) violations.push(`deployment ${id} is ${status}: end events ${ends.map((e) => e.type).join(', ') || 'none'}`);
    const perRelease = new Map<string, string[]>();
    for (const e of list) {
      if (!e.release_id || !e.type.startsWith('Release')) continue;
      if (!perRelease.has(e.release_id)) perRelease.set(e.release_id, []);
      perRelease.get(e.release_id)!.push(e.type);
      if (e.type === 'ReleaseSucceeded' || e.type === 'ReleaseFailed') outcomeAt.set(e.release_id, e.time.getTime());
    }
    for (const [releaseId, types] of perRelease) {
      const started = types.filter((t) => t === 'ReleaseStarted').length;
      const outcomes = types.filter((t) => t === 'ReleaseSucceeded' || t === 'ReleaseFailed').length;
      if (started > 1 || outcomes > 1) violations.push(`release ${releaseId}: ${started} ReleaseStarted, ${outcomes} outcome events`);
    }
  }
  const [{ n: succeeded }] = await q<{ n: number }>("SELECT count(*)::int AS n FROM releases WHERE status = 'Succeeded'");
  const succeededEvents = events.filter((e) => e.type === 'ReleaseSucceeded').length;
  if (succeeded !== succeededEvents) violations.push(`${succeeded} releases Succeeded, ${succeededEvents} ReleaseSucceeded events`);

  // The core invariants on every stored deployment.
  const now = new Date();
  const views = await loadViews(db, [...deploymentStatus.keys()], now);
  for (const id of deploymentStatus.keys()) {
    const view = views.get(id);
    for (const v of view ? invariantViolations(view) : [`deployment ${id} cannot be read`]) violations.push(`deployment ${id}: ${v}`);
  }

  // No release executed twice.
  const records = readFileSync(executionsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SimulatedExecution);
  type Run = { pid: number; start: number; end: number; ended: boolean };
  const runs = new Map<string, Run[]>();
  const open = new Map<string, Run>();
  for (const r of records) {
    const k = `${r.key} ${r.pid}`;
    if (r.event === 'start') {
      const run: Run = { pid: r.pid, start: r.at, end: deaths.get(r.pid) ?? Infinity, ended: false };
      open.set(k, run);
      if (!runs.has(r.key)) runs.set(r.key, []);
      runs.get(r.key)!.push(run);
    } else {
      const run = open.get(k);
      if (run) {
        run.end = r.at;
        run.ended = true;
        open.delete(k);
      }
    }
  }
  let reExecutions = 0;
  for (const [key, list] of runs) {
    list.sort((x, y) => x.start - y.start);
    reExecutions += list.length - 1;
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1];
      if (list[i].start < before.end) {
        twice(`${key} executed twice at once: by pid ${before.pid} from ${before.start} to ${before.ended ? before.end : `its death at ${before.end}`}, and by pid ${list[i].pid} from ${list[i].start}`, [before.pid, list[i].pid]);
      }
    }
    const outcome = outcomeAt.get(key.replace(/^release:/, ''));
    for (const run of list) if (outcome !== undefined && run.start > outcome) twice(`${key} executed again by pid ${run.pid} at ${run.start}, after its outcome was recorded at ${outcome}`, [run.pid]);
  }
  return { byStatus, tolerated, executions: records.filter((r) => r.event === 'start').length, reExecutions, events: log.n, violations };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' }, deployments: { type: 'string' }, replicas: { type: 'string' }, rate: { type: 'string' },
      'kill-every': { type: 'string' }, seed: { type: 'string' }, heartbeat: { type: 'string' }, spare: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const report = await runChaos({
    minutes: num(values.minutes), deployments: num(values.deployments), replicas: num(values.replicas), ratePerSecond: num(values.rate),
    killEveryMs: num(values['kill-every']), seed: num(values.seed), heartbeat: values.heartbeat, spare: num(values.spare),
  });
  const { rss, violations, ...summary } = report;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`RSS (MB) over time, per replica slot${(num(values.spare) ?? (values.minutes ? 1 : 0)) > 0 ? ' (slot 0 never killed)' : ''}:\n`);
  for (const sample of rss) process.stdout.write(`  ${String(sample.atS).padStart(6)} s  ${sample.mb.map((m) => String(m ?? '-').padStart(5)).join(' ')}\n`);
  if (violations.length > 0) {
    process.stdout.write(`\n${violations.length} violation(s):\n${violations.slice(0, 50).map((v) => `  - ${v}`).join('\n')}\n`);
    process.exitCode = 1;
  } else process.stdout.write('\nall checks passed\n');
}

