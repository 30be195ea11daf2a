/**
 * What the process says about itself: readiness (migrated, config loaded, engine running and
 * not draining, database reachable) and Prometheus metrics. Public routes serve both; neither names a deployment.
 */
import type { Clock } from '../core/clock.ts';
import { DEPLOYMENT_STATUSES } from '../core/types.ts';
import type { Engine } from '../engine/engine.ts';
import { latestImport } from '../store/catalog.ts';
import type { Db } from '../store/db.ts';
import { storeCounts } from '../store/metrics.ts';
import { isMigrated } from '../store/migrate.ts';
import { listInstances } from '../store/instances.ts';
import { lastPosition, listCursors } from '../store/sinks.ts';

export const READINESS_CHECKS = ['started', 'engine', 'database', 'migrated', 'config'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

export interface Readiness {
  ready: boolean;
  checks: Record<ReadinessCheck, boolean>;
}

export interface SystemService {
  readiness(): Promise<Readiness>;
  /** The Prometheus text exposition format (version 0.0.4). */
  metrics(): Promise<string>;
}

/** Each sink of the outbox: how far behind the log it is, whether it is failing, what it delivered. */
async function sinkLines(db: Db): Promise<string[]> {
  const [cursors, last] = await Promise.all([listCursors(db), lastPosition(db)]);
  const label = (name: string) => `{sink="${name.replace(/["\\\n]/g, '_')}"}`;
  return [
    '# HELP dcp_sink_lag Events of the log a sink has not had yet.',
    '# TYPE dcp_sink_lag gauge',
    ...cursors.map((c) => `dcp_sink_lag${label(c.name)} ${Math.max(0, last - c.position)}`),
    '# HELP dcp_sink_failing Whether a sink\'s last delivery failed (1) or not (0).',
    '# TYPE dcp_sink_failing gauge',
    ...cursors.map((c) => `dcp_sink_failing${label(c.name)} ${c.failingSince ? 1 : 0}`),
    '# HELP dcp_sink_delivered_total Events delivered to a sink.',
    '# TYPE dcp_sink_delivered_total counter',
    ...cursors.map((c) => `dcp_sink_delivered_total${label(c.name)} ${c.delivered}`),
  ];
}

/** The DCP processes sharing the database, by whether they are draining (a SIGTERM). */
async function instanceLines(db: Db): Promise<string[]> {
  const instances = await listInstances(db);
  const draining = instances.filter((i) => i.draining).length;
  return [
    '# HELP dcp_instances DCP processes with a heartbeat in the database (replicas), live or draining.',
    '# TYPE dcp_instances gauge',
    `dcp_instances{state="live"} ${instances.length - draining}`,
    `dcp_instances{state="draining"} ${draining}`,
  ];
}

export function createSystemService(deps: { db: Db; clock: Clock; engine: Engine; started: () => boolean }): SystemService {
  const { db, engine } = deps;
  return {
    async readiness() {
      const checks: Record<ReadinessCheck, boolean> = { started: deps.started(), engine: engine.running, database: false, migrated: false, config: false };
      try {
        checks.migrated = await isMigrated(db);
        checks.database = true;
        checks.config = (await latestImport(db)) !== null;
      } catch {
        // database unreachable: not ready
      }
      return { ready: Object.values(checks).every(Boolean), checks };
    },

    async metrics() {
      const stats = engine.stats();
      const counts = await storeCounts(db, deps.clock.now());
      const lines = [
        '# HELP dcp_deployments Deployments by status.',
        '# TYPE dcp_deployments gauge',
        ...DEPLOYMENT_STATUSES.map((s) => `dcp_deployments{status="${s}"} ${counts.deploymentsByStatus.get(s) ?? 0}`),
        '# HELP dcp_engine_transitions_total State transitions made by this process.',
        '# TYPE dcp_engine_transitions_total counter',
        `dcp_engine_transitions_total ${stats.transitions}`,
        '# HELP dcp_engine_jobs_run_total Jobs run by this process.',
        '# TYPE dcp_engine_jobs_run_total counter',
        `dcp_engine_jobs_run_total ${stats.jobsRun}`,
        '# HELP dcp_engine_jobs_in_flight Jobs this process is running now.',
        '# TYPE dcp_engine_jobs_in_flight gauge',
        `dcp_engine_jobs_in_flight ${stats.inFlight}`,
        '# HELP dcp_jobs Durable jobs in the database (due now, and in all).',
        '# TYPE dcp_jobs gauge',
        `dcp_jobs{state="due"} ${counts.jobs.due}`,
        `dcp_jobs{state="all"} ${counts.jobs.total}`,
        '# HELP dcp_events_unrelayed Events written but not yet positioned by the relay.',
        '# TYPE dcp_events_unrelayed gauge',
        `dcp_events_unrelayed ${counts.unrelayedEvents}`,
        ...(await sinkLines(db)),
        ...(await instanceLines(db)),
      ];
      return `${lines.join('\n')}\n`;
    },
  };
}
