/** Liveness, readiness and metrics. These need no token: they say nothing of any one deployment. */
import type { FastifyInstance } from 'fastify';
import { DEPLOYMENT_STATUSES } from '../../core/types.ts';
import { isMigrated } from '../../store/migrate.ts';
import { latestImport } from '../../store/catalog.ts';
import type { ApiContext } from '../context.ts';

export function systemRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Readiness: migrated, config loaded, engine running, database reachable' } }, async (_request, reply) => {
    const checks: Record<string, boolean> = { started: ctx.started(), engine: ctx.engine.running, database: false, migrated: false, config: false };
    try {
      checks.migrated = await isMigrated(ctx.db);
      checks.database = true;
      checks.config = (await latestImport(ctx.db)) !== null;
    } catch {
      // database unreachable: not ready
    }
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const stats = ctx.engine.stats();
    const byStatus = await ctx.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM deployments GROUP BY status');
    const [jobs] = await ctx.db.query<{ due: number; total: number }>(
      'SELECT count(*) FILTER (WHERE due_at <= $1)::int AS due, count(*)::int AS total FROM jobs',
      [ctx.clock.now()],
    );
    const [unrelayed] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE position IS NULL');
    const counts = new Map(byStatus.map((r) => [r.status, r.n]));
    const lines = [
      '# HELP dcp_deployments Deployments by status.',
      '# TYPE dcp_deployments gauge',
      ...DEPLOYMENT_STATUSES.map((s) => `dcp_deployments{status="${s}"} ${counts.get(s) ?? 0}`),
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
      `dcp_jobs{state="due"} ${jobs.due}`,
      `dcp_jobs{state="all"} ${jobs.total}`,
      '# HELP dcp_events_unrelayed Events written but not yet positioned by the relay.',
      '# TYPE dcp_events_unrelayed gauge',
      `dcp_events_unrelayed ${unrelayed.n}`,
    ];
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
