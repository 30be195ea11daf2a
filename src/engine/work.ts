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
import type { Executor, WorkflowExecutor, WorkflowInput, WorkflowRef, WorkflowState } from '../integrations/executor/port.ts';
import type { ScanProvider, ScanStatus } from '../integrations/scan/port.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../core/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { loadCaseContext, loadCheckWork, loadReleaseWork, loadScanWork, setScanDetail } from '../store/deployments.ts';
import type { NewDeploymentEvent } from '../store/events.ts';
import { getChangeCase, moveChangeCase, refreshChangeCase, setChangeCaseDetail, setChangeCaseExternal } from '../store/gates.ts';
import * as jobs from '../store/jobs.ts';
import { finishWorkflow, getWorkflow, loadPhaseWork, markStopped, markSubmitted, setWorkflowToken, type WorkflowRecord } from '../store/workflows.ts';
import type { IdGenerator } from '../shared/ids.ts';
import { batched } from '../shared/batch.ts';
import { newSecret, secretHash } from '../shared/secrets.ts';
import { CALLBACK_GRACE_MS } from './transitions.ts';
import type { Logger } from '../shared/logger.ts';

/** How long a check that cannot be evaluated is retried before it counts as failed. */
export const CHECK_RETRY_WINDOW_MS = 5 * 60_000;
/** How often an external change case is read back while it is open. */
export const CASE_POLL_MS = 60_000;

export type Outcome =
  /** Nothing (more) to do: complete the job (in one transaction with `write`, when given). */
  | { type: 'done'; write?: (tx: Queryable, now: Date) => Promise<void> }
  /** Run the job again at `at` (in one transaction with `write`, when given). */
  | { type: 'again'; at: Date; note?: string; write?: (tx: Queryable, now: Date) => Promise<void> }
  /**
   * Apply `signal` (or several, in order) and complete the job in one transaction (or, with
   * `again`, run it again then); `before` writes first, under the deployment's lock (returning
   * false: apply no signal).
   */
  | { type: 'signal'; deploymentId: string; signal: Signal | Signal[]; before?: (tx: Queryable, now: Date, events: NewDeploymentEvent[]) => Promise<void | false>; again?: Date }
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
  /** With a workflow executor: where workflows call back, and how often DCP reads a running one. */
  workflows: { callbackUrl: string; reconcileMs: number };
  /**
   * Runs a release under the engine's care (its lease kept, abortable by a stop request); `lost`
   * (not run at all) when the job's lease is no longer this process's (it was taken for dead).
   */
  running<T>(job: jobs.Job, releaseId: string, work: (signal: AbortSignal) => Promise<T>): Promise<{ lost: true } | { lost: false; result: T; aborted: boolean; stopping: boolean }>;
}

const later = (deps: WorkDeps, ms: number): Date => new Date(deps.clock.now().getTime() + ms);

/** The reads of jobs claimed together, one query for all of them (one per kind). */
function readers(db: Db) {
  return {
    release: batched((ids: string[]) => loadReleaseWork(db, ids)),
    scan: batched((ids: string[]) => loadScanWork(db, ids)),
    checks: batched((ids: string[]) => loadCheckWork(db, ids)),
  };
}
type Readers = ReturnType<typeof readers>;

export function createRunners(deps: WorkDeps): Record<jobs.JobKind, JobRunner> {
  const reads = readers(deps.db);
  return {
    'deployment.signal': {
      run: async (job) => ({ type: 'signal', deploymentId: job.deploymentId!, signal: job.payload.signal as Signal }),
      permanent: async () => ({ type: 'done' }),
    },
    'scan.poll': {
      async run(job) {
        const deploymentId = job.deploymentId!;
        const work = await reads.scan(deploymentId);
        if (!work || work.status !== 'Scanning') return { type: 'done' };
        let status: ScanStatus;
        try {
          status = await deps.scan.status({ deploymentId, artifact: work.artifact, since: work.since ?? deps.clock.now() });
        } catch (error) {
          if (!(error instanceof RetryableIntegrationError)) throw error;
          // Unreachable is not a pass: the deployment says why it still waits, and DCP asks again.
          const detail = `Waiting for the artifact's security scan: the scan provider cannot be reached (${error.message}); retrying`;
          const at = later(deps, Math.min(deps.scanPollMs, 1000 * 2 ** Math.min(job.attempts, 6)));
          return { type: 'again', at, note: error.message, write: (tx, now) => setScanDetail(tx, deploymentId, detail, now) };
        }
        if (status.done) return { type: 'signal', deploymentId, signal: { type: 'scan.completed', findings: status.findings } };
        const write = status.detail ? (tx: Queryable, now: Date) => setScanDetail(tx, deploymentId, `Waiting for the artifact's security scan: ${status.detail}`, now) : undefined;
        // A one-off look (a registry's webhook while a scan workflow waits): the workflow polls on.
        if (job.payload.once === true) return { type: 'done', write };
        return { type: 'again', at: status.checkAgainAt ?? later(deps, deps.scanPollMs), note: status.detail, write };
      },
      permanent: async (job, reason) => ({
        type: 'signal', deploymentId: job.deploymentId!, signal: { type: 'integration.failed', detail: `The security scan could not be read: ${reason}` },
      }),
    },
    'release.run': {
      async run(job) {
        const releaseId = String(job.payload.releaseId);
        const work = await reads.release(releaseId);
        if (!work || work.status !== 'Deploying') return { type: 'done' };
        const finished = (outcome: 'Succeeded' | 'Failed' | 'Cancelled', detail: string): Outcome => ({
          type: 'signal', deploymentId: work.deploymentId, signal: { type: 'release.finished', releaseId, outcome, detail },
        });
        if (work.stopRequested) return finished('Cancelled', 'Stopped before it touched the target');
        const executor = deps.executor;
        if (executor.mode !== 'release') return { type: 'done' }; // a job left from before the executor changed: the phase's workflow runs it
        const ran = await deps.running(job, releaseId, (signal) =>
          executor.run(
            {
              releaseId, deploymentId: work.deploymentId, idempotencyKey: `release:${releaseId}`, startedAt: work.startedAt,
              service: work.service, environment: work.environment, target: work.target, artifact: work.artifactManifest,
            },
            signal,
          ),
        );
        if (ran.lost) return { type: 'leave' }; // another replica has it now
        const { result, aborted, stopping } = ran;
        if (stopping && !aborted) return { type: 'leave' };
        return finished(result.outcome, result.detail);
      },
      async permanent(job, reason) {
        const releaseId = String(job.payload.releaseId);
        const work = await reads.release(releaseId);
        if (!work) return { type: 'done' };
        return { type: 'signal', deploymentId: work.deploymentId, signal: { type: 'release.finished', releaseId, outcome: 'Failed', detail: reason } };
      },
    },
    ...workflowRunners(deps, reads),
    'checks.run': {
      run: (job) => runChecks(deps, reads, job),
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

async function runChecks(deps: WorkDeps, reads: Readers, job: jobs.Job): Promise<Outcome> {
  const { phaseId, round, firstAt } = job.payload as { phaseId: string; round: number; firstAt: string };
  const work = await reads.checks(phaseId);
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
    async before(tx, now, events) {
      if (state.status === c.status) {
        await refreshChangeCase(tx, c.id, { deployWindow: window, statusDetail: state.detail ?? null }, now);
        return;
      }
      // The provider is the source of truth: its case may skip steps DCP's own lifecycle has.
      const moved = await moveChangeCase(tx, c.id, { from: c.status, to: state.status, by: deps.changeCases.name, comment: state.detail ?? null, deployWindow: window, statusDetail: state.detail ?? null }, now);
      if (!moved) return false;
      events.push({
        id: deps.ids(), type: 'ChangeCaseUpdated', time: now,
        data: { deploymentId: c.deploymentId, phaseId: c.phaseId, environment: c.environment, changeCaseId: c.id, from: c.status, to: state.status, statusDetail: state.detail ?? state.status },
      });
    },
  };
}

/** A workflow's end, as the releases it did not report (or the scan) see it. */
function workflowEnded(deps: WorkDeps, workflow: WorkflowRecord, state: WorkflowState | null): Outcome {
  const name = workflow.name ?? workflow.key;
  const detail = !state ? `workflow ${name} deleted` : state.message ? `workflow ${name}: ${state.message}` : `workflow ${name} ${state.phase.toLowerCase()}`;
  const finish = (tx: Queryable, now: Date) => finishWorkflow(tx, workflow.key, detail, now, CALLBACK_GRACE_MS);
  if (workflow.kind === 'phase') {
    const outcome = state?.phase === 'Succeeded' ? 'Succeeded' : workflow.stopped ? 'Cancelled' : 'Failed';
    return { type: 'signal', deploymentId: workflow.deploymentId, signal: { type: 'workflow.ended', phaseId: workflow.phaseId!, outcome, detail }, before: finish };
  }
  if (state?.phase === 'Succeeded') {
    // The callback with the findings did not come: DCP reads them from the scan provider itself.
    return {
      type: 'done',
      async write(tx, now) {
        await finish(tx, now);
        await jobs.enqueue(tx, { kind: 'scan.poll', deploymentId: workflow.deploymentId, dueAt: now, dedupeKey: `scan:${workflow.deploymentId}` }, now);
      },
    };
  }
  if (workflow.stopped) return { type: 'done', write: finish };
  return { type: 'signal', deploymentId: workflow.deploymentId, signal: { type: 'integration.failed', detail: `The security scan workflow failed: ${detail}` }, before: finish };
}

const RUNNING_PHASES = new Set(['Pending', 'Running']);

/**
 * Workflows on Argo: submit (never twice: look up by labels first, and the callback token's hash
 * is committed before the submit so an adopted workflow authenticates), reconcile from the
 * workflow's status while it runs (the safety net when callbacks are lost), stop on cancel.
 */
function workflowRunners(deps: WorkDeps, reads: Readers): Pick<Record<jobs.JobKind, JobRunner>, 'workflow.submit' | 'workflow.reconcile' | 'workflow.stop'> {
  const executor = (): WorkflowExecutor => {
    if (deps.executor.mode !== 'workflow') throw new Error('a workflow job, but the executor runs releases one by one (DCP_EXECUTOR changed?)');
    return deps.executor;
  };
  const refOf = (w: WorkflowRecord): WorkflowRef => (w.kind === 'scan' ? { kind: 'scan', deploymentId: w.deploymentId } : { kind: 'phase', deploymentId: w.deploymentId, phaseId: w.phaseId! });
  const reconcileAt = (now: Date) => new Date(now.getTime() + deps.workflows.reconcileMs);
  const running = (w: WorkflowRecord, name: string): Outcome => ({
    type: 'done',
    async write(tx, now) {
      await markSubmitted(tx, w.key, name, now);
      await jobs.schedule(tx, { kind: 'workflow.reconcile', deploymentId: w.deploymentId, payload: { key: w.key }, dueAt: reconcileAt(now), dedupeKey: `wf-reconcile:${w.key}` }, now);
    },
  });

  /** What the workflow is given, or why it is not needed any more. */
  async function inputOf(w: WorkflowRecord): Promise<WorkflowInput | Outcome> {
    const notNeeded = (why: string): Outcome => ({ type: 'done', write: (tx, now) => finishWorkflow(tx, w.key, why, now, 0) });
    if (w.kind === 'scan') {
      const work = await reads.scan(w.deploymentId);
      if (!work || work.status !== 'Scanning') return notNeeded('not submitted: the deployment no longer waits for its scan');
      return { kind: 'scan', artifact: work.artifact, pollSeconds: Math.max(1, Math.round(deps.scanPollMs / 1000)) };
    }
    const work = await loadPhaseWork(deps.db, w.phaseId!);
    const deploying = work?.releases.filter((r) => r.status === 'Deploying') ?? [];
    if (!work || deploying.length === 0) return notNeeded('not submitted: no release of the phase is deploying');
    if (deploying.every((r) => r.stopRequested)) {
      // Cancelled before the workflow was submitted: nothing touched a target.
      return {
        type: 'signal', deploymentId: w.deploymentId, before: (tx, now) => finishWorkflow(tx, w.key, 'not submitted: the deployment was cancelled', now, 0),
        signal: deploying.map((r): Signal => ({ type: 'release.finished', releaseId: r.id, outcome: 'Cancelled', detail: 'Stopped before it touched the target' })),
      };
    }
    // The phase workflow releases through CPC (deploy/argo/dcp-phase.yaml): a target without one cannot be released.
    const unreachable = deploying.filter((r) => !r.target.cpcEndpoint).map((r) => r.target.cluster);
    if (unreachable.length > 0) throw new PermanentIntegrationError(`no cpcEndpoint for ${unreachable.join(', ')} in the target table: the dcp-phase workflow releases through CPC`);
    return {
      kind: 'phase', service: work.service, phaseId: w.phaseId!, environment: work.environment,
      releases: deploying.map((r) => {
        const chart = work.artifact.charts[0];
        return {
          releaseId: r.id, cluster: r.target.cluster, region: r.target.region, namespace: r.target.namespace ?? work.service,
          kubeContext: r.target.kubeContext ?? '', cpcEndpoint: r.target.cpcEndpoint ?? '', chart: chart?.name ?? work.artifact.name,
          chartVersion: chart?.version ?? work.artifact.version, repository: chart?.repository ?? '', idempotencyKey: `release:${r.id}`,
        };
      }),
    };
  }

  return {
    'workflow.submit': {
      async run(job) {
        const w = await getWorkflow(deps.db, String(job.payload.key));
        if (!w || w.status !== 'submitting') return { type: 'done' };
        const input = await inputOf(w);
        if ('type' in input) return input;
        const ref = refOf(w);
        // Submitted before, and DCP stopped (or died) before it recorded the name: adopt it.
        const existing = await executor().find(ref);
        if (existing) return running(w, existing.name);
        const token = newSecret('dcpwf_');
        if (!(await setWorkflowToken(deps.db, w.key, secretHash(token), deps.clock.now()))) return { type: 'done' };
        const { name } = await executor().submit(ref, input, { url: deps.workflows.callbackUrl, token });
        deps.log.info(`submitted workflow ${name} for ${w.key}`);
        return running(w, name);
      },
      async permanent(job, reason) {
        const w = await getWorkflow(deps.db, String(job.payload.key));
        if (!w) return { type: 'done' };
        return workflowEnded(deps, w, { name: w.name ?? w.key, phase: 'Failed', message: `Argo refused it: ${reason}` });
      },
    },
    'workflow.reconcile': {
      async run(job) {
        const w = await getWorkflow(deps.db, String(job.payload.key));
        if (!w || w.status !== 'running' || !w.name) return { type: 'done' };
        const state = await executor().read(w.name);
        if (state && RUNNING_PHASES.has(state.phase)) return { type: 'again', at: reconcileAt(deps.clock.now()) };
        return workflowEnded(deps, w, state);
      },
      async permanent(job, reason) {
        const w = await getWorkflow(deps.db, String(job.payload.key));
        if (!w || w.status === 'finished') return { type: 'done' };
        return workflowEnded(deps, w, { name: w.name ?? w.key, phase: 'Error', message: `Argo refused to show it: ${reason}` });
      },
    },
    'workflow.stop': {
      async run(job) {
        const w = await getWorkflow(deps.db, String(job.payload.key));
        if (!w || w.status === 'finished') return { type: 'done' };
        // Its submission is under way: it either submits (then this stops it) or finds it is not needed.
        if (w.status === 'submitting' || !w.name) return { type: 'again', at: new Date(deps.clock.now().getTime() + 1000) };
        // Marked first: whoever sees it end next (its exit handler's callback, a reconcile) reads "stopped", not "failed".
        await markStopped(deps.db, w.key, deps.clock.now());
        await executor().stop(w.name, 'the DCP deployment was cancelled');
        return {
          type: 'done',
          // Read it back soon: its exit handler reports, and if that is lost, its status does.
          write: (tx, now) => jobs.schedule(tx, {
            kind: 'workflow.reconcile', deploymentId: w.deploymentId, payload: { key: w.key },
            dueAt: new Date(now.getTime() + Math.min(5000, deps.workflows.reconcileMs)), dedupeKey: `wf-reconcile:${w.key}`,
          }, now),
        };
      },
      permanent: async () => ({ type: 'done' }),
    },
  };
}
