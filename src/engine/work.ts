/**
 * The engine's jobs, one runner per kind. A runner talks to the outside world (the scan
 * provider, the executor, the check runner, a change-case provider) and returns an *outcome* —
 * plain data the engine carries out in one place (engine.ts `settle`): complete the job, run it
 * again later, or apply a signal to the deployment and complete the job in the same transaction.
 * Runners never commit a change to a deployment themselves.
 *
 * Errors, one policy for every kind: a `PermanentIntegrationError` (a 401, a bad request) is
 * turned by the kind's `permanent` into an outcome that ends the entity it served at once, with
 * the reason; any other error is retried by the engine with backoff.
 */
import type { Clock } from '../core/clock.ts';
import type { Signal } from '../core/decide.ts';
import type { CheckResult, CheckSpec } from '../core/types.ts';
import type { CheckRunner } from '../integrations/checks/port.ts';
import type { ChangeCaseProvider } from '../integrations/changecases/port.ts';
import type { Executor } from '../integrations/executor/port.ts';
import type { ScanProvider } from '../integrations/scan/port.ts';
import type { Db, Queryable } from '../store/db.ts';
import { loadCaseContext, loadCheckWork, loadReleaseWork, loadScanWork } from '../store/deployments.ts';
import { appendEvent } from '../store/events.ts';
import { getChangeCase, moveChangeCase, refreshChangeCase, setChangeCaseDetail, setChangeCaseExternal } from '../store/gates.ts';
import * as jobs from '../store/jobs.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';

/** How long a check that cannot be evaluated is retried before it counts as failed. */
export const CHECK_RETRY_WINDOW_MS = 5 * 60_000;
/** How often an external change case is read back while it is open. */
export const CASE_POLL_MS = 60_000;

export type Outcome =
  /** Nothing (more) to do: complete the job (in one transaction with `write`, when given). */
  | { type: 'done'; write?: (tx: Queryable, now: Date) => Promise<void> }
  /** Run the job again at `at`. */
  | { type: 'again'; at: Date; note?: string }
  /**
   * Apply `signal` and complete the job in one transaction (or, with `again`, run it again then);
   * `before` writes first, under the deployment's lock (returning false: apply no signal).
   */
  | { type: 'signal'; deploymentId: string; signal: Signal; before?: (tx: Queryable, now: Date) => Promise<void | false>; again?: Date }
  /** Leave the job as it is (this process is stopping: whoever claims it next drives it again). */
  | { type: 'leave' };

export interface JobRunner {
  run(job: jobs.Job): Promise<Outcome>;
  /** The outcome of a permanent integration failure: the entity the job served ends with the reason. */
  permanent(job: jobs.Job, reason: string): Promise<Outcome>;
}

export interface WorkDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  executor: Executor;
  scan: ScanProvider;
  checks: CheckRunner;
  changeCases: ChangeCaseProvider;
  /** The app's base URL: change cases link to the deployment's page. */
  publicUrl: string;
  /** How long to wait before asking the scan provider again when it does not say. */
  scanPollMs: number;
  /** Runs a release under the engine's care (its lease kept, abortable by a stop request). */
  running<T>(job: jobs.Job, releaseId: string, work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; aborted: boolean; stopping: boolean }>;
}

const later = (deps: WorkDeps, ms: number): Date => new Date(deps.clock.now().getTime() + ms);

export function createRunners(deps: WorkDeps): Record<jobs.JobKind, JobRunner> {
  return {
    'deployment.signal': {
      run: async (job) => ({ type: 'signal', deploymentId: job.deploymentId!, signal: job.payload.signal as Signal }),
      permanent: async () => ({ type: 'done' }),
    },
    'scan.poll': {
      async run(job) {
        const deploymentId = job.deploymentId!;
        const work = await loadScanWork(deps.db, deploymentId);
        if (!work || work.status !== 'Scanning') return { type: 'done' };
        const status = await deps.scan.status({ deploymentId, artifact: work.artifact, since: work.since ?? deps.clock.now() });
        if (status.done) return { type: 'signal', deploymentId, signal: { type: 'scan.completed', findings: status.findings } };
        return { type: 'again', at: status.checkAgainAt ?? later(deps, deps.scanPollMs) };
      },
      permanent: async (job, reason) => ({
        type: 'signal', deploymentId: job.deploymentId!, signal: { type: 'integration.failed', detail: `The security scan could not be read: ${reason}` },
      }),
    },
    'release.run': {
      async run(job) {
        const releaseId = String(job.payload.releaseId);
        const work = await loadReleaseWork(deps.db, releaseId);
        if (!work || work.status !== 'Deploying') return { type: 'done' };
        const finished = (outcome: 'Succeeded' | 'Failed' | 'Cancelled', detail: string): Outcome => ({
          type: 'signal', deploymentId: work.deploymentId, signal: { type: 'release.finished', releaseId, outcome, detail },
        });
        if (work.stopRequested) return finished('Cancelled', 'Stopped before it touched the target');
        const { result, aborted, stopping } = await deps.running(job, releaseId, (signal) =>
          deps.executor.run(
            {
              releaseId, deploymentId: work.deploymentId, idempotencyKey: `release:${releaseId}`, startedAt: work.startedAt,
              service: work.service, environment: work.environment, target: work.target, artifact: work.artifactManifest,
            },
            signal,
          ),
        );
        if (stopping && !aborted) return { type: 'leave' };
        if (result.outcome === 'Accepted') return { type: 'done' };
        return finished(result.outcome, result.detail);
      },
      async permanent(job, reason) {
        const releaseId = String(job.payload.releaseId);
        const work = await loadReleaseWork(deps.db, releaseId);
        if (!work) return { type: 'done' };
        return { type: 'signal', deploymentId: work.deploymentId, signal: { type: 'release.finished', releaseId, outcome: 'Failed', detail: reason } };
      },
    },
    'checks.run': {
      run: (job) => runChecks(deps, job),
      permanent: async (job, reason) => ({
        type: 'signal', deploymentId: job.deploymentId!, signal: { type: 'integration.failed', phaseId: String(job.payload.phaseId), detail: `The checks could not run: ${reason}` },
      }),
    },
    'changecase.sync': {
      run: (job) => syncChangeCase(deps, job),
      async permanent(job, reason) {
        const c = await getChangeCase(deps.db, String(job.payload.caseId));
        if (!c) return { type: 'done' };
        const detail = `${deps.changeCases.name} refused the change case: ${reason}`;
        if (job.payload.action === 'close') {
          // The deployment has ended: the case shows why it is still open at the provider.
          return { type: 'done', write: (tx, now) => setChangeCaseDetail(tx, c.id, detail, now) };
        }
        return {
          type: 'signal', deploymentId: c.deploymentId, signal: { type: 'integration.failed', phaseId: c.phaseId, detail },
          before: (tx, now) => setChangeCaseDetail(tx, c.id, detail, now),
        };
      },
    },
  };
}

async function runChecks(deps: WorkDeps, job: jobs.Job): Promise<Outcome> {
  const { phaseId, round, firstAt } = job.payload as { phaseId: string; round: number; firstAt: string };
  const work = await loadCheckWork(deps.db, phaseId);
  if (!work || work.status !== 'Checking' || work.checkRound !== round) return { type: 'done' };

  const context = { deploymentId: work.deploymentId, service: work.service, environment: work.environment, artifact: work.artifact, scanSince: work.scanSince };
  const outcomes = await Promise.all(
    work.policy.checks.map(async (check: CheckSpec) => ({ check, outcome: await deps.checks.run(check, context, AbortSignal.timeout(60_000)) })),
  );
  const now = deps.clock.now();
  const unavailable = outcomes.filter((o) => o.outcome.status === 'Unavailable');
  const retryUntil = new Date(new Date(firstAt).getTime() + CHECK_RETRY_WINDOW_MS);
  if (unavailable.length > 0 && now < retryUntil) {
    // Not evaluable yet (a timeout, a refused connection): try again with backoff, within bounds.
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(job.attempts - 1, 5));
    const at = new Date(Math.min(now.getTime() + delay, retryUntil.getTime()));
    deps.log.warn(`checks of phase ${phaseId} could not be evaluated (${unavailable.map((u) => `${u.check.name}: ${u.outcome.detail}`).join('; ')}); retrying at ${at.toISOString()}`);
    return { type: 'again', at, note: unavailable[0].outcome.detail };
  }
  const results: CheckResult[] = outcomes.map(({ check, outcome }) => ({
    name: check.name,
    type: check.type,
    status: outcome.status === 'Passed' ? 'Passed' : 'Failed',
    detail: outcome.status === 'Unavailable' ? `could not be evaluated: ${outcome.detail}` : outcome.detail,
  }));
  return { type: 'signal', deploymentId: work.deploymentId, signal: { type: 'checks.completed', phaseId, round, results } };
}

const CLOSE_CODES = { Completed: 'successful', Failed: 'unsuccessful', Cancelled: 'cancelled' } as const;

/** Keeps a change case in step with its provider: create it there, read it back while open, close it. */
async function syncChangeCase(deps: WorkDeps, job: jobs.Job): Promise<Outcome> {
  const { caseId, action, outcome } = job.payload as { caseId: string; action: 'create' | 'poll' | 'close'; outcome?: keyof typeof CLOSE_CODES };
  const c = await getChangeCase(deps.db, caseId);
  if (!c) return { type: 'done' };

  if (action === 'create') {
    if (c.externalId) return { type: 'done' };
    const { version } = await loadCaseContext(deps.db, c.deploymentId);
    const created = await deps.changeCases.create({
      caseId: c.id, queue: c.queue, service: c.service, environment: c.environment, isGov: c.isGov, version,
      deploymentId: c.deploymentId, deploymentUrl: `${deps.publicUrl}/deployments/${c.deploymentId}`, summary: c.summary, description: c.description,
    });
    return {
      type: 'signal', deploymentId: c.deploymentId, signal: { type: 'gates.changed', phaseId: c.phaseId },
      async before(tx, now) {
        await setChangeCaseExternal(tx, c.id, created.externalId, created.number ?? null);
        await jobs.enqueue(tx, { kind: 'changecase.sync', deploymentId: c.deploymentId, payload: { caseId: c.id, action: 'poll' }, dueAt: now, dedupeKey: `case-poll:${c.id}` }, now);
      },
    };
  }

  if (action === 'close') {
    if (c.externalId) await deps.changeCases.close(c.externalId, CLOSE_CODES[outcome ?? 'Cancelled'], `DCP deployment ${c.deploymentId}: ${(outcome ?? 'Cancelled').toLowerCase()}`);
    return { type: 'done' };
  }

  // poll
  if (c.status === 'closed' || !c.externalId) return { type: 'done' };
  const state = await deps.changeCases.read(c.externalId);
  const window = state.deployWindow;
  const windowChanged = (window?.start.toISOString() ?? null) !== (c.deployWindow?.start ?? null) || (window?.end.toISOString() ?? null) !== (c.deployWindow?.end ?? null);
  const open = state.status !== 'closed' && state.status !== 'rejected';
  if (state.status === c.status && !windowChanged) return open ? { type: 'again', at: later(deps, CASE_POLL_MS) } : { type: 'done' };
  return {
    type: 'signal', deploymentId: c.deploymentId, signal: { type: 'gates.changed', phaseId: c.phaseId }, again: open ? later(deps, CASE_POLL_MS) : undefined,
    async before(tx, now) {
      if (state.status === c.status) {
        await refreshChangeCase(tx, c.id, { deployWindow: window, statusDetail: state.detail ?? null }, now);
        return;
      }
      // The provider is the source of truth: its case may skip steps DCP's own lifecycle has.
      const moved = await moveChangeCase(tx, c.id, { from: c.status, to: state.status, by: deps.changeCases.name, comment: state.detail ?? null, deployWindow: window, statusDetail: state.detail ?? null }, now);
      if (!moved) return false;
      await appendEvent(tx, {
        id: deps.ids(), type: 'ChangeCaseUpdated', time: now,
        data: { deploymentId: c.deploymentId, phaseId: c.phaseId, environment: c.environment, changeCaseId: c.id, from: c.status, to: state.status, statusDetail: state.detail ?? state.status },
      });
    },
  };
}
