/**
 * The engine: claims due jobs from the database and runs them. The kinds of job:
 * - `deployment.signal`: apply a signal (a lock handed over by another deployment, a gate timer);
 * - `scan.poll`: ask the ScanProvider; done → `scan.completed`, else re-arm the timer;
 * - `release.run`: hand the release to the Executor and record its outcome;
 * - `checks.run`: evaluate a round of a phase's checks (retrying ones that cannot be evaluated);
 * - `changecase.sync`: create, poll or close a change case at an external provider.
 *
 * Waking up is event-driven: a transaction that enqueues work NOTIFYs, and the loop sleeps only
 * until the earliest due job (or a notification). `setTimeout` only paces the wake-up; what is due
 * is always read from the database, so a crash loses nothing: jobs whose worker died are claimed
 * again (leases expire; the embedded database resets them at start) and every job is idempotent.
 */
import type { Clock } from '../core/clock.ts';
import { PermanentIntegrationError } from '../core/errors.ts';
import type { Move, Signal } from '../core/decide.ts';
import { sqlState, type Db } from '../store/db.ts';
import { loadReleaseWork, lockDeployment, stopRequestedAmong } from '../store/deployments.ts';
import * as jobs from '../store/jobs.ts';
import type { Executor } from '../integrations/executor/port.ts';
import type { ScanProvider } from '../integrations/scan/port.ts';
import type { CheckRunner } from '../integrations/checks/port.ts';
import type { ChangeCaseProvider } from '../integrations/changecases/port.ts';
import type { Queryable } from '../store/db.ts';
import type { IdGenerator } from '../shared/ids.ts';
import { applySignal, STOP_PAYLOAD, WAKE_CHANNEL, type Applied, type TransitionContext } from './transitions.ts';
import { runChangeCaseSync, runChecks } from './gate-jobs.ts';
import type { Logger } from '../shared/logger.ts';

export interface EngineDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  executor: Executor;
  scan: ScanProvider;
  checks: CheckRunner;
  changeCases: ChangeCaseProvider;
  /** The app's base URL, for links in change cases and notifications. */
  publicUrl: string;
  log: Logger;
  /** This process's name in leases. */
  owner: string;
  /** Called after every commit that wrote events (the relay positions them). */
  onCommitted?: () => void;
  leaseMs?: number;
  /** How long to wait before asking the scan provider again when it does not say. */
  scanPollMs?: number;
  maxInFlight?: number;
}

export interface Engine {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
  /** Look for due work now. */
  wake(): void;
  /** Applies a signal in a transaction of its own (retrying deadlocks); returns what changed. */
  signal(deploymentId: string, signal: Signal): Promise<Applied>;
  /** The context for applying signals inside a caller's transaction. */
  context(tx: Queryable): TransitionContext;
  /** Reports a commit made outside the engine (wakes workers, kicks the relay). */
  committed(applied: Applied): void;
  /** Called after every commit that applied a signal, with the moves it made (maybe none). */
  onMoves(listener: (moves: Move[]) => void): () => void;
  stats(): { transitions: number; jobsRun: number; inFlight: number };
}

const RETRYABLE_SQL = new Set(['40P01', '40001', '55P03']); // deadlock, serialization failure, lock not available

export function createEngine(deps: EngineDeps): Engine {
  const leaseMs = deps.leaseMs ?? 30_000;
  const scanPollMs = deps.scanPollMs ?? 60_000;
  const maxInFlight = deps.maxInFlight ?? 256;
  /** Keyed by id and generation: a re-armed timer may run while its older arming finishes. */
  const inFlight = new Map<string, Promise<void>>();
  const runningReleases = new Map<string, AbortController>();
  /** Lease renewals of releases running here; a stop clears them (the jobs are re-driven later). */
  const heartbeats = new Set<NodeJS.Timeout>();
  const listeners = new Set<(moves: Move[]) => void>();
  let wakeController = new AbortController();
  let dirty = true;
  /** Some release may have been asked to stop: look among the ones running here. */
  let stopsRequested = true;
  let stopped = true;
  let loopDone: Promise<void> = Promise.resolve();
  let unlisten: (() => Promise<void>) | undefined;
  let transitions = 0;
  let jobsRun = 0;

  function wake(): void {
    dirty = true;
    wakeController.abort();
  }

  function committed(applied: Applied): void {
    deps.onCommitted?.(); // events may have been written even without a move (a change case moved)
    transitions += applied.moves.length;
    for (const listener of listeners) listener(applied.moves);
    if (applied.stops) stopsRequested = true;
    if (applied.wake) wake();
  }

  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= 5 || !RETRYABLE_SQL.has(sqlState(error) ?? '')) throw error;
      }
    }
  }

  const context = (tx: Queryable): TransitionContext => ({
    tx, now: deps.clock.now(), ids: deps.ids, changeProvider: deps.changeCases.name, publicUrl: deps.publicUrl,
  });

  async function signal(deploymentId: string, s: Signal): Promise<Applied> {
    const applied = await withRetry(() => deps.db.transaction((tx) => applySignal(context(tx), deploymentId, s)));
    committed(applied);
    return applied;
  }

  /** Applies a signal and completes the job in one transaction: the outcome is never lost or doubled. */
  async function signalAndComplete(job: jobs.Job, deploymentId: string, s: Signal): Promise<void> {
    const applied = await withRetry(() =>
      deps.db.transaction(async (tx) => {
        // Lock order everywhere: the deployment row, then job rows. The job is completed before
        // the signal is applied, which may re-arm a timer under the same key as this job.
        await lockDeployment(tx, deploymentId);
        await jobs.complete(tx, job);
        return applySignal(context(tx), deploymentId, s);
      }),
    );
    committed(applied);
  }

  async function runScanPoll(job: jobs.Job): Promise<void> {
    const deploymentId = job.deploymentId!;
    const [row] = await deps.db.query<{ status: string; artifact_manifest: never; status_times: Record<string, string> }>(
      'SELECT status, artifact_manifest, status_times FROM deployments WHERE id = $1',
      [deploymentId],
    );
    if (!row || row.status !== 'Scanning') return jobs.complete(deps.db, job);
    const since = new Date(row.status_times.Scanning ?? deps.clock.now());
    const status = await deps.scan.status({ deploymentId, artifact: row.artifact_manifest, since });
    if (status.done) return signalAndComplete(job, deploymentId, { type: 'scan.completed', findings: status.findings });
    const again = status.checkAgainAt ?? new Date(deps.clock.now().getTime() + scanPollMs);
    await jobs.reschedule(deps.db, job, again);
    wake();
  }

  async function runRelease(job: jobs.Job): Promise<void> {
    const releaseId = String(job.payload.releaseId);
    const work = await loadReleaseWork(deps.db, releaseId);
    if (!work || work.status !== 'Deploying') return jobs.complete(deps.db, job);
    if (work.stopRequested) {
      return signalAndComplete(job, work.deploymentId, {
        type: 'release.finished', releaseId, outcome: 'Cancelled', detail: 'Stopped before it touched the target',
      });
    }
    const controller = new AbortController();
    runningReleases.set(releaseId, controller);
    // Keep the lease while the release runs; a crash lets it lapse and the release is re-driven
    // with the same idempotency key.
    const heartbeat = setInterval(() => {
      jobs.renew(deps.db, job.id, deps.owner, new Date(deps.clock.now().getTime() + leaseMs)).catch((e: Error) => deps.log.warn(`lease renewal failed: ${e.message}`));
    }, Math.max(1000, leaseMs / 3));
    heartbeats.add(heartbeat);
    try {
      const result = await deps.executor.run(
        {
          releaseId,
          deploymentId: work.deploymentId,
          idempotencyKey: `release:${releaseId}`,
          startedAt: work.startedAt,
          service: work.service,
          environment: work.environment,
          target: work.target,
          artifact: work.artifactManifest,
        },
        controller.signal,
      );
      if (stopped && !controller.signal.aborted) return; // shutting down: leave the job to be re-driven
      if (result.outcome === 'Accepted') return jobs.complete(deps.db, job);
      await signalAndComplete(job, work.deploymentId, { type: 'release.finished', releaseId, ...result });
    } catch (error) {
      if (!(error instanceof PermanentIntegrationError)) throw error;
      await signalAndComplete(job, work.deploymentId, { type: 'release.finished', releaseId, outcome: 'Failed', detail: error.message });
    } finally {
      clearInterval(heartbeat);
      heartbeats.delete(heartbeat);
      runningReleases.delete(releaseId);
    }
  }

  const gateDeps = {
    db: deps.db, clock: deps.clock, ids: deps.ids, log: deps.log, checks: deps.checks, changeCases: deps.changeCases, publicUrl: deps.publicUrl,
    signalAndComplete, committed, context, wake: () => wake(),
  };

  async function runJob(job: jobs.Job): Promise<void> {
    try {
      switch (job.kind) {
        case 'deployment.signal':
          await signalAndComplete(job, job.deploymentId!, job.payload.signal as Signal);
          break;
        case 'scan.poll':
          await runScanPoll(job);
          break;
        case 'release.run':
          await runRelease(job);
          break;
        case 'checks.run':
          await runChecks(gateDeps, job);
          break;
        case 'changecase.sync':
          await runChangeCaseSync(gateDeps, job);
          break;
      }
    } catch (error) {
      // Retry with backoff (capped at 5 min): a provider outage delays, it does not lose work.
      const delay = Math.min(300_000, 100 * 2 ** Math.min(job.attempts, 12));
      const message = error instanceof Error ? error.message : String(error);
      deps.log.warn(`job ${job.kind} ${job.id} failed (attempt ${job.attempts}), retrying in ${delay} ms: ${message}`);
      await jobs.reschedule(deps.db, job, new Date(deps.clock.now().getTime() + delay), message).catch(() => undefined);
    } finally {
      jobsRun++;
      inFlight.delete(`${job.id}:${job.generation}`);
      wake();
    }
  }

  /** Aborts releases of this process that someone asked to stop (a cancel, maybe in another process). */
  async function stopRequested(): Promise<void> {
    if (runningReleases.size === 0) return;
    for (const id of await stopRequestedAmong(deps.db, [...runningReleases.keys()])) runningReleases.get(id)?.abort();
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        dirty = false;
        if (stopsRequested) {
          stopsRequested = false;
          await stopRequested();
        }
        const room = maxInFlight - inFlight.size;
        if (room > 0) {
          const claimed = await deps.db.transaction((tx) =>
            jobs.claim(tx, { owner: deps.owner, now: deps.clock.now(), leaseMs, limit: Math.min(room, 64) }),
          );
          for (const job of claimed) inFlight.set(`${job.id}:${job.generation}`, runJob(job));
          if (claimed.length > 0) continue;
        }
        if (dirty) continue;
        wakeController = new AbortController();
        const next = room > 0 ? await jobs.nextDueAt(deps.db) : null;
        if (dirty) continue;
        const idleUntil = new Date(deps.clock.now().getTime() + 60_000);
        await deps.clock.sleepUntil(next && next < idleUntil ? next : idleUntil, wakeController.signal);
      } catch (error) {
        if (stopped) break;
        deps.log.error(`engine loop: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      if (deps.db.kind === 'pglite') {
        // One process per embedded database: every lease left is from a process that died.
        const reset = await jobs.resetLeases(deps.db);
        if (reset > 0) deps.log.info(`resumed ${reset} job(s) left running by the previous process`);
      }
      unlisten = await deps.db.listen(WAKE_CHANNEL, (payload) => {
        if (payload === STOP_PAYLOAD) stopsRequested = true;
        wake();
      });
      loopDone = loop();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      wake();
      await loopDone;
      await unlisten?.();
      // Releases still in flight are abandoned, not stopped: they keep their lease (no renewal
      // from here) and are re-driven with the same idempotency key by whoever claims them next.
      for (const heartbeat of heartbeats) clearInterval(heartbeat);
      heartbeats.clear();
      await Promise.race([Promise.allSettled(inFlight.values()), new Promise((r) => setTimeout(r, 100))]);
    },
    get running() {
      return !stopped;
    },
    wake,
    signal,
    context,
    committed,
    onMoves(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ transitions, jobsRun, inFlight: inFlight.size }),
  };
}
