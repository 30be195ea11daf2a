/**
 * The gate jobs of the engine: running a round of a phase's checks, and keeping a change case in
 * step with an external provider (create it, poll its state and window, close it).
 */
import type { Clock } from '../core/clock.ts';
import type { Signal } from '../core/decide.ts';
import type { ArtifactManifest, CheckResult, CheckSpec, EnvironmentPolicy } from '../core/types.ts';
import type { CheckRunner } from '../integrations/checks/port.ts';
import type { ChangeCaseProvider } from '../integrations/changecases/port.ts';
import type { Db, Queryable } from '../store/db.ts';
import { lockDeployment } from '../store/deployments.ts';
import { appendEvent } from '../store/events.ts';
import { getChangeCase, moveChangeCase, refreshChangeCase, setChangeCaseExternal } from '../store/gates.ts';
import * as jobs from '../store/jobs.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { applySignal, type Applied, type TransitionContext } from './transitions.ts';

/** How long a check that cannot be evaluated is retried before it counts as failed. */
export const CHECK_RETRY_WINDOW_MS = 5 * 60_000;
/** How often an external change case is read back while it is open. */
export const CASE_POLL_MS = 60_000;

export interface GateJobDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  checks: CheckRunner;
  changeCases: ChangeCaseProvider;
  /** The app's base URL: change cases link to the deployment's page. */
  publicUrl: string;
  signalAndComplete(job: jobs.Job, deploymentId: string, signal: Signal): Promise<void>;
  context(tx: Queryable): TransitionContext;
  committed(applied: Applied): void;
  wake(): void;
}

export async function runChecks(deps: GateJobDeps, job: jobs.Job): Promise<void> {
  const { phaseId, round, firstAt } = job.payload as { phaseId: string; round: number; firstAt: string };
  const [row] = await deps.db.query<{
    status: string; check_round: number; policy: EnvironmentPolicy; environment: string; deployment_id: string; service: string;
    artifact_manifest: ArtifactManifest; scanning: string | null; created_at: Date;
  }>(
    `SELECT p.status, p.check_round, p.policy, p.environment, p.deployment_id, d.service, d.artifact_manifest,
            d.status_times->>'Scanning' AS scanning, d.created_at
       FROM phases p JOIN deployments d ON d.id = p.deployment_id WHERE p.id = $1`,
    [phaseId],
  );
  if (!row || row.status !== 'Checking' || row.check_round !== round) return jobs.complete(deps.db, job);

  const context = {
    deploymentId: row.deployment_id, service: row.service, environment: row.environment, artifact: row.artifact_manifest,
    scanSince: row.scanning ? new Date(row.scanning) : row.created_at,
  };
  const outcomes = await Promise.all(
    row.policy.checks.map(async (check: CheckSpec) => ({ check, outcome: await deps.checks.run(check, context, AbortSignal.timeout(60_000)) })),
  );
  const now = deps.clock.now();
  const unavailable = outcomes.filter((o) => o.outcome.status === 'Unavailable');
  const retryUntil = new Date(new Date(firstAt).getTime() + CHECK_RETRY_WINDOW_MS);
  if (unavailable.length > 0 && now < retryUntil) {
    // Not evaluable yet (a timeout, a refused connection): try again with backoff, within bounds.
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(job.attempts - 1, 5));
    const at = new Date(Math.min(now.getTime() + delay, retryUntil.getTime()));
    deps.log.warn(`checks of phase ${phaseId} could not be evaluated (${unavailable.map((u) => `${u.check.name}: ${u.outcome.detail}`).join('; ')}); retrying at ${at.toISOString()}`);
    await jobs.reschedule(deps.db, job, at, unavailable[0].outcome.detail);
    deps.wake();
    return;
  }
  const results: CheckResult[] = outcomes.map(({ check, outcome }) => ({
    name: check.name,
    type: check.type,
    status: outcome.status === 'Passed' ? 'Passed' : 'Failed',
    detail: outcome.status === 'Unavailable' ? `could not be evaluated: ${outcome.detail}` : outcome.detail,
  }));
  await deps.signalAndComplete(job, row.deployment_id, { type: 'checks.completed', phaseId, round, results });
}

const CLOSE_CODES = { Completed: 'successful', Failed: 'unsuccessful', Cancelled: 'cancelled' } as const;

export async function runChangeCaseSync(deps: GateJobDeps, job: jobs.Job): Promise<void> {
  const { caseId, action, outcome } = job.payload as { caseId: string; action: 'create' | 'poll' | 'close'; outcome?: keyof typeof CLOSE_CODES };
  const c = await getChangeCase(deps.db, caseId);
  if (!c) return jobs.complete(deps.db, job);
  const now = deps.clock.now();

  if (action === 'create') {
    if (!c.externalId) {
      const [info] = await deps.db.query<{ version: string }>('SELECT version FROM deployments WHERE id = $1', [c.deploymentId]);
      const created = await deps.changeCases.create({
        caseId: c.id, queue: c.queue, service: c.service, environment: c.environment, isGov: c.isGov, version: info.version,
        deploymentId: c.deploymentId, deploymentUrl: `${deps.publicUrl}/deployments/${c.deploymentId}`, summary: c.summary, description: c.description,
      });
      await deps.db.transaction(async (tx) => {
        await setChangeCaseExternal(tx, c.id, created.externalId, created.number ?? null);
        await jobs.enqueue(tx, { kind: 'changecase.sync', deploymentId: c.deploymentId, payload: { caseId: c.id, action: 'poll' }, dueAt: now, dedupeKey: `case-poll:${c.id}` }, now);
        await jobs.complete(tx, job);
      });
      deps.wake();
      return;
    }
    return jobs.complete(deps.db, job);
  }

  if (action === 'close') {
    if (c.externalId) await deps.changeCases.close(c.externalId, CLOSE_CODES[outcome ?? 'Cancelled'], `DCP deployment ${c.deploymentId}: ${(outcome ?? 'Cancelled').toLowerCase()}`);
    return jobs.complete(deps.db, job);
  }

  // poll
  if (c.status === 'closed' || !c.externalId) return jobs.complete(deps.db, job);
  const state = await deps.changeCases.read(c.externalId);
  const window = state.deployWindow;
  const windowChanged = (window?.start.toISOString() ?? null) !== (c.deployWindow?.start ?? null) || (window?.end.toISOString() ?? null) !== (c.deployWindow?.end ?? null);
  if (state.status !== c.status || windowChanged) {
    const applied = await deps.db.transaction(async (tx) => {
      const ctx = deps.context(tx);
      await lockDeployment(tx, c.deploymentId);
      if (state.status !== c.status) {
        // The provider is the source of truth: its case may skip steps DCP's own lifecycle has.
        const moved = await moveChangeCase(tx, c.id, { from: c.status, to: state.status, by: deps.changeCases.name, comment: state.detail ?? null, deployWindow: window, statusDetail: state.detail ?? null }, ctx.now);
        if (!moved) return null;
        await appendEvent(tx, {
          id: deps.ids(), type: 'ChangeCaseUpdated', time: ctx.now,
          data: { deploymentId: c.deploymentId, phaseId: c.phaseId, environment: c.environment, changeCaseId: c.id, from: c.status, to: state.status, statusDetail: state.detail ?? state.status },
        });
      } else await refreshChangeCase(tx, c.id, { deployWindow: window, statusDetail: state.detail ?? null }, ctx.now);
      return applySignal(ctx, c.deploymentId, { type: 'gates.changed', phaseId: c.phaseId });
    });
    if (applied) deps.committed(applied);
  }
  if (state.status === 'closed' || state.status === 'rejected') return jobs.complete(deps.db, job);
  await jobs.reschedule(deps.db, job, new Date(now.getTime() + CASE_POLL_MS));
  deps.wake();
}
