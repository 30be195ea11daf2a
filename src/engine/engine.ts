/**
 * The engine: the one way a deployment changes (`apply`), and the workers that run its jobs.
 *
 * `apply(deploymentId, signal, { before })` locks the deployment row, runs the caller's own writes
 * (`before`: record an approval, move a change case, complete a job), asks `core/decide` what to
 * do, persists every move with its event and turns the effects into durable rows
 * (transitions.ts, private to the engine) — all in one transaction, retried on deadlocks and
 * serialization failures — then, after the commit, tells listeners and metrics, kicks the relay
 * and wakes the workers. Services, the API and jobs change deployments only through it. The
 * applications that come while one transaction runs share the next one (up to 64 deployments):
 * the engine's cost is in round trips and commits, not in deciding.
 *
 * The kinds of job (work.ts): `deployment.signal` (a lock handed over, a gate timer), `scan.poll`,
 * `release.run`, `checks.run`, `changecase.sync`, and with a workflow executor (Argo)
 * `workflow.submit`, `workflow.reconcile`, `workflow.stop`. Each runner returns an outcome that `settle`
 * carries out; one error policy for all: a permanent integration error ends the entity the job
 * served at once, with the reason; any other error is retried with backoff (capped at 5 min).
 *
 * Waking up is event-driven: a transaction that enqueues work NOTIFYs, and the loop sleeps only
 * until the earliest due job (or a notification). `setTimeout` only paces the wake-up; what is due
 * is always read from the database, so a crash loses nothing: jobs whose worker died are claimed
 * again (leases expire; the embedded database resets them at start) and every job is idempotent.
 */
import { WAKE_UP, type Clock } from '../core/clock.ts';
import { PermanentIntegrationError } from '../core/errors.ts';
import type { DeploymentView, Move, Signal } from '../core/decide.ts';
import { MISSED_NOTIFICATIONS, allInOrder, sqlState, type Db, type Queryable } from '../store/db.ts';
import type { NewDeploymentEvent } from '../store/events.ts';
import { insertDeployment, loadViews, lockDeployments, newDeploymentView, stopRequestedAmong, withGateFacts, type NewDeployment } from '../store/deployments.ts';
import * as jobs from '../store/jobs.ts';
import type { Executor } from '../integrations/executor/port.ts';
import type { ScanProvider } from '../integrations/scan/port.ts';
import type { CheckRunner } from '../integrations/checks/port.ts';
import type { ChangeCaseProvider } from '../integrations/changecases/port.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { batched } from '../shared/batch.ts';
import { JOB_BATCHES, LANE_POLICY, jobBatches, jobTurn, type JobLaneState } from './lanes.ts';
import { applySignals, type Applied } from './transitions.ts';
import { createRunners, type Outcome } from './work.ts';

export type { Applied } from './transitions.ts';
export { CALLBACK_GRACE_MS } from './transitions.ts';

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
  /** With a workflow executor (Argo): the callback URL workflows report to, and how often a running one is read. */
  workflows?: { callbackUrl: string; reconcileMs: number };
  maxInFlight?: number;
}

export interface ApplyOptions {
  /**
   * The caller's own writes, in the same transaction, after the deployment row is locked (it
   * may not exist yet: a new deployment is inserted here). May run more than once (a retried
   * transaction); throwing rolls everything back; returning false applies no signal. The
   * deployment events it records go in `events`: they are written with the transaction's own,
   * positioned, at its end (store/events.ts `appendEvents`).
   */
  before?(tx: Queryable, now: Date, events: NewDeploymentEvent[]): Promise<void | false>;
  /**
   * A new deployment, inserted (before `before`) in the transaction that applies its first
   * signals: no row to lock yet (its insert holds it). Its view, and the deployment as the
   * transaction leaves it (`Applied.read`, for a caller that answers with it), are known from what
   * was inserted and written: neither is read.
   */
  creates?: NewDeployment;
}

export interface Engine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops claiming work and waits for the jobs in flight to settle, until `deadline` (then
   * `stop` abandons the rest, to be handed back). Resolves with how many are still in flight.
   */
  drain(deadline: Date): Promise<number>;
  /** Started and not draining (readiness). */
  readonly running: boolean;
  /** Look for due work now. */
  wake(): void;
  /** The one way to change a deployment (see the header); returns what changed. */
  apply(deploymentId: string, signal: Signal | Signal[], options?: ApplyOptions): Promise<Applied>;
  /** Called after every commit that applied a signal, with the moves it made (maybe none). */
  onMoves(listener: (moves: Move[]) => void): () => void;
  /** Called after every job run has settled — done, rescheduled, or failed and set to retry (`error`). */
  onJobSettled(listener: (job: Pick<jobs.Job, 'kind' | 'deploymentId' | 'payload' | 'attempts'>, error: string | null) => void): () => void;
  stats(): { transitions: number; jobsRun: number; inFlight: number };
}

const RETRYABLE_SQL = new Set(['40P01', '40001', '55P03']); // deadlock, serialization failure, lock not available

export function createEngine(deps: EngineDeps): Engine {
  const leaseMs = deps.leaseMs ?? 30_000;
  const scanPollMs = deps.scanPollMs ?? 60_000;
  const maxInFlight = deps.maxInFlight ?? 256;
  /** Keyed by id and generation: a re-armed timer may run while its older arming finishes. */
  const inFlight = new Map<string, Promise<void>>();
  const runningReleases = new Map<string, { controller: AbortController; jobId: number }>();
  /** Lease renewals of releases running here; a stop clears them (the jobs are re-driven later). */
  const heartbeats = new Set<NodeJS.Timeout>();
  const listeners = new Set<(moves: Move[]) => void>();
  const jobListeners = new Set<(job: Pick<jobs.Job, 'kind' | 'deploymentId' | 'payload' | 'attempts'>, error: string | null) => void>();
  /** Jobs whose retry could not be written (the database was away): handed back as soon as it is back, not left to their lease. */
  const unsettled = new Map<string, { job: jobs.Job; at: Date; error: string }>();
  let wakeController = new AbortController();
  let dirty = true;
  /** Some release may have been asked to stop: look among the ones running here. */
  let stopsRequested = true;
  let stopped = true;
  /** SIGTERM: claim nothing more (stop requests for releases in flight are still looked at). */
  let draining = false;
  let loopDone: Promise<void> = Promise.resolve();
  let unlisten: (() => Promise<void>) | undefined;
  let transitions = 0;
  let jobsRun = 0;

  function wake(): void {
    dirty = true;
    if (!wakeController.signal.aborted) wakeController.abort(WAKE_UP); // once per sleep
  }

  /**
   * What the other processes sharing the database must be told (NOTIFY), sent after commits,
   * never inside one: PostgreSQL serialises the commits of notifying transactions on one lock
   * (held through the commit's flush), which capped the engine at a fraction of the database's
   * commit rate. One NOTIFY at a time; the commits made meanwhile share the next (a stop wins).
   */
  let announcing: Promise<void> | null = null;
  let toAnnounce: 'wake' | 'stop' | null = null;
  function announce(stops: boolean): void {
    toAnnounce = stops || toAnnounce === 'stop' ? 'stop' : 'wake';
    announcing ??= (async () => {
      while (toAnnounce) {
        const stop = toAnnounce === 'stop';
        toAnnounce = null;
        await jobs.notifyWorkers(deps.db, stop, deps.owner).catch((e: Error) => deps.log.warn(`waking the other processes failed: ${e.message}`));
      }
      announcing = null;
    })();
  }

  /** Tells listeners after a commit. Nothing here may throw: a failed batch is applied again part by part, and this one has committed. */
  function committed(batch: readonly Applied[]): void {
    const safely = (tell: () => void) => {
      try {
        tell();
      } catch (error) {
        deps.log.warn(`a listener of the engine failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (batch.some((applied) => applied.logged)) safely(() => deps.onCommitted?.()); // events may be written without a move (a change case moved)
    for (const applied of batch) {
      transitions += applied.moves.length;
      for (const listener of listeners) safely(() => listener(applied.moves));
    }
    const stops = batch.some((applied) => applied.stops);
    if (stops) stopsRequested = true;
    if (batch.some((applied) => applied.wake)) {
      if (deps.db.kind === 'postgres') announce(stops); // an embedded database has no other process to tell
      wake();
    }
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

  /**
   * What one deployment's part of a transaction does: settle jobs whose runs ended, then the
   * caller's writes (`prepare`), which say which signals to apply.
   */
  interface Unit {
    deploymentId: string;
    settled: { job: jobs.Job; again?: Date }[];
    prepare(tx: Queryable, now: Date, events: NewDeploymentEvent[]): Promise<Signal[]>;
    /** The deployment this unit inserts (nothing to lock before). */
    creates?: NewDeployment;
  }

  /** One transaction for deployments (distinct): lock them all, settle, prepare, read their views, apply. */
  async function applyBatch(units: readonly Unit[]): Promise<Applied[]> {
    const { applied, claimed } = await withRetry(() =>
      deps.db.transaction(async (tx) => {
        // Lock order everywhere: the deployment rows, then whatever the callers and the signals
        // touch. The lock is a statement of its own: a statement that waited for a row lock still
        // reads the other tables as of its start (READ COMMITTED), so the views are read after it.
        // (The embedded database runs one transaction at a time: nothing else can hold them.)
        const locking = units.filter((u) => !u.creates).map((u) => u.deploymentId);
        if (deps.db.kind === 'postgres' && locking.length > 0) await lockDeployments(tx, locking);
        // The time of the moves and events: read once the locks are held, so a deployment's
        // history is in commit order in time too (read before, a transaction that waited for the
        // lock would write times older than those of the one it waited for).
        const now = deps.clock.now();
        // Settled before the signals are applied, which may re-arm a timer under a job's key; the
        // callers' writes side by side behind it (a pipelined connection: they share round trips).
        // All are waited for before a failure is thrown: nothing may use the transaction after it ends.
        const recorded = units.map((): NewDeploymentEvent[] => []);
        const created = new Map(units.flatMap((u) => (u.creates ? [[u.deploymentId, u.creates] as const] : [])));
        // A deployment created here has its view from what is inserted, with only its freezes to
        // read: read with the writes, a round trip fewer (nothing in them changes a freeze).
        const prepared = await allInOrder<unknown>([
          withGateFacts(tx, [...created.values()].map(newDeploymentView), now, true),
          jobs.settleJobs(tx, units.flatMap((u) => u.settled)),
          ...[...created.values()].map((d) => insertDeployment(tx, d, now)),
          ...units.map((unit, i) => unit.prepare(tx, now, recorded[i])),
        ]);
        const fresh = prepared[0] as DeploymentView[];
        const signals = prepared.slice(2 + created.size) as Signal[][];
        // The other views, read now that their rows are locked.
        const loaded = await loadViews(tx, units.filter((u, i) => !u.creates && signals[i].length > 0).map((u) => u.deploymentId), now);
        const views = new Map([...loaded, ...fresh.map((view) => [view.id, view] as const)]);
        const ctx = {
          tx, now, ids: deps.ids, changeProvider: deps.changeCases.name, publicUrl: deps.publicUrl, executorMode: deps.executor.mode,
          created,
          // The work it makes, due now, is this process's as it is written: no claim after the commit.
          claim: { owner: deps.owner, until: new Date(now.getTime() + leaseMs), limit: stopped || draining ? 0 : Math.max(0, maxInFlight - inFlight.size) },
        };
        return applySignals(ctx, units.map((u, i) => ({ view: signals[i].length > 0 ? views.get(u.deploymentId) ?? null : null, signals: signals[i], events: recorded[i] })));
      }),
    );
    for (const job of claimed) inFlight.set(`${job.id}:${job.generation}`, runJob(job));
    committed(applied);
    return applied;
  }

  /**
   * Every application gathers into batches, many deployments to a transaction: while one batch is
   * applied, what comes meanwhile — jobs' signals, callers' applies — waits, by deployment, for the
   * next (a phase's releases ending at once, hundreds of deployments moving, builds posted at
   * once: a few transactions, not one each queued on a connection). One part per deployment in a
   * batch: a caller's apply (whose result is its own), or the signals of its jobs settled
   * meanwhile, together; what else comes for a deployment waits for a later batch. A batch that
   * fails is tried again part by part, then job by job, so a failure is its own.
   */
  type Pending =
    | { kind: 'call'; deploymentId: string; prepare: Unit['prepare']; creates?: NewDeployment; done: (error: unknown, applied?: Applied) => void }
    | { kind: 'job'; deploymentId: string; job: jobs.Job; outcome: Extract<Outcome, { type: 'signal' }>; done: (error?: unknown) => void };
  type Part = { call: Extract<Pending, { kind: 'call' }> } | { jobs: Extract<Pending, { kind: 'job' }>[] };
  /** Deployments per transaction, at most. */
  const BATCH = LANE_POLICY.batch;
  let pending: Pending[] = [];
  /** The deployments of the batches being applied: what comes for them waits for a later one. */
  const active = new Set<string>();

  const unitOf = (part: Part): Unit => {
    if ('call' in part) return { deploymentId: part.call.deploymentId, settled: [], prepare: part.call.prepare, creates: part.call.creates };
    return {
      deploymentId: part.jobs[0].deploymentId,
      settled: part.jobs.map(({ job, outcome }) => ({ job, again: outcome.again })),
      async prepare(tx, now, events) {
        const signals: Signal[] = [];
        for (const { outcome } of part.jobs) {
          if ((await outcome.before?.(tx, now, events)) !== false) signals.push(...(Array.isArray(outcome.signal) ? outcome.signal : [outcome.signal]));
        }
        return signals;
      },
    };
  };

  function finish(part: Part, error: unknown, applied?: Applied): void {
    if ('call' in part) part.call.done(error, applied);
    else for (const item of part.jobs) item.done(error);
  }

  async function applyParts(parts: Part[]): Promise<void> {
    try {
      const applied = await applyBatch(parts.map(unitOf));
      parts.forEach((part, i) => finish(part, undefined, applied[i]));
    } catch (error) {
      if (parts.length === 1 && ('call' in parts[0] || parts[0].jobs.length === 1)) return finish(parts[0], error);
      for (const part of parts) {
        const alone = await applyBatch([unitOf(part)]).then(([applied]) => ({ applied }), (e: unknown) => ({ error: e }));
        if ('applied' in alone) finish(part, undefined, alone.applied);
        else if ('call' in part || part.jobs.length === 1) finish(part, alone.error);
        else for (const item of part.jobs) await applyBatch([unitOf({ jobs: [item] })]).then(() => item.done(), (e: unknown) => item.done(e));
      }
    }
  }

  /** The next batch of a lane: the parts of its earliest pending applications, one per deployment, at most `limit`. */
  function nextParts(lane: Pending['kind'], limit: number): Part[] {
    const parts = new Map<string, Part>();
    const rest: Pending[] = [];
    for (const item of pending) {
      const part = parts.get(item.deploymentId);
      if (item.kind === lane && !part && parts.size < limit && !active.has(item.deploymentId)) parts.set(item.deploymentId, item.kind === 'call' ? { call: item } : { jobs: [item] });
      else if (item.kind === 'job' && part && 'jobs' in part) part.jobs.push(item);
      else rest.push(item);
    }
    pending = rest;
    return [...parts.values()];
  }

  /**
   * Starts batches while there is something to apply: callers' applications (someone waits for
   * the answer: a build posted, an approval) and jobs' signals in lanes of their own, so an
   * answer never waits behind a batch of jobs; one callers' batch at a time, and on PostgreSQL up
   * to `JOB_BATCHES` jobs' batches (lanes.ts; their deployments are distinct: `active`). Callers
   * first (lanes.ts): while they keep coming, the job lane gives way and takes small batches, one
   * at a time — 64 deployments' jobs applied beside the callers' batch took both cores from the answers.
   */
  const lanes = { call: 0, job: 0 };
  /** Batches a lane runs at once. */
  const width = { call: 1, job: deps.db.kind === 'postgres' ? JOB_BATCHES : 1 };
  const jobLane: JobLaneState = { lastCall: -Infinity, yieldingSince: null };
  function pump(): void {
    for (const lane of ['call', 'job'] as const) {
      const most = lane === 'job' ? jobBatches(LANE_POLICY, jobLane, performance.now(), width.job) : width.call;
      while (lanes[lane] < most) {
        if (deps.db.kind === 'pglite' && (lanes.call > 0 || lanes.job > 0)) break; // the embedded database: one transaction at a time anyway
        // (The embedded database never runs the lanes side by side: there a job batch takes no core
        // from the callers', and small ones only made more transactions — 118 against 140 deployments/s.)
        const limit = lane === 'call' || deps.db.kind === 'pglite' ? BATCH : jobTurn(LANE_POLICY, jobLane, performance.now(), lanes.call > 0, pending.some((item) => item.kind === 'job'));
        const parts = limit > 0 ? nextParts(lane, limit) : [];
        if (parts.length === 0) break;
        const ids = parts.map((part) => ('call' in part ? part.call.deploymentId : part.jobs[0].deploymentId));
        for (const id of ids) active.add(id);
        lanes[lane]++;
        void applyParts(parts).finally(() => {
          for (const id of ids) active.delete(id);
          lanes[lane]--;
          pump();
        });
      }
    }
  }

  function gather(item: Pending): void {
    if (item.kind === 'call') jobLane.lastCall = performance.now();
    pending.push(item);
    pump();
  }

  function apply(deploymentId: string, signal: Signal | Signal[], options: ApplyOptions = {}): Promise<Applied> {
    const signals = Array.isArray(signal) ? signal : [signal];
    return new Promise((resolve, reject) => {
      gather({
        kind: 'call', deploymentId, creates: options.creates,
        prepare: async (tx, now, events) => ((await options.before?.(tx, now, events)) === false ? [] : signals),
        done: (error, applied) => (error === undefined ? resolve(applied!) : reject(error)),
      });
    });
  }

  function settleSignal(job: jobs.Job, outcome: Extract<Outcome, { type: 'signal' }>): Promise<void> {
    return new Promise((resolve, reject) => {
      gather({ kind: 'job', deploymentId: outcome.deploymentId, job, outcome, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  }

  /** The releases about to run: their leases checked (and extended), and any stop asked, together. */
  const hold = batched(async (releaseIds: string[]) => {
    const starts = releaseIds.map((releaseId) => ({ jobId: runningReleases.get(releaseId)!.jobId, releaseId }));
    const { held, stopping } = await jobs.holdReleases(deps.db, starts, deps.owner, new Date(deps.clock.now().getTime() + leaseMs));
    return new Map(starts.map((s) => [s.releaseId, { held: held.has(s.jobId), stopping: stopping.has(s.releaseId) }]));
  });

  /** Keeps a running release's lease and lets a stop request abort it. */
  async function running<T>(job: jobs.Job, releaseId: string, work: (signal: AbortSignal) => Promise<T>) {
    // Registered before the lease is looked at: a stop committed from here on finds it among the
    // releases running here, and one committed before is seen by the look.
    const controller = new AbortController();
    runningReleases.set(releaseId, { controller, jobId: job.id });
    const look = (await hold(releaseId).catch((error: unknown) => {
      runningReleases.delete(releaseId);
      throw error;
    }))!; // every release asked for is in the answer
    // Fenced: a replica taken for dead (stalled past its heartbeat) may come back to jobs it had
    // claimed; another replica has them now, and running the release here too would run it twice.
    if (!look.held) {
      runningReleases.delete(releaseId);
      deps.log.warn(`release ${releaseId}: job ${job.id} is no longer this process's (taken over); not running it here`);
      return { lost: true as const };
    }
    if (look.stopping) controller.abort();
    // A crash lets the lease lapse and the release is re-driven with the same idempotency key.
    const heartbeat = setInterval(() => {
      jobs.renew(deps.db, job.id, deps.owner, new Date(deps.clock.now().getTime() + leaseMs)).catch((e: Error) => deps.log.warn(`lease renewal failed: ${e.message}`));
    }, Math.max(1000, leaseMs / 3));
    heartbeats.add(heartbeat);
    try {
      const result = await work(controller.signal);
      return { lost: false as const, result, aborted: controller.signal.aborted, stopping: stopped };
    } finally {
      clearInterval(heartbeat);
      heartbeats.delete(heartbeat);
      runningReleases.delete(releaseId);
    }
  }

  const runners = createRunners({
    db: deps.db, clock: deps.clock, ids: deps.ids, log: deps.log, executor: deps.executor, scan: deps.scan, checks: deps.checks,
    changeCases: deps.changeCases, publicUrl: deps.publicUrl, scanPollMs, running,
    workflows: deps.workflows ?? { callbackUrl: `${deps.publicUrl.replace(/\/+$/, '')}/api/v1/workflow-callbacks`, reconcileMs: 30_000 },
  });

  /** Carries out a runner's outcome. */
  async function settle(job: jobs.Job, outcome: Outcome): Promise<void> {
    switch (outcome.type) {
      case 'done':
        if (!outcome.write) return jobs.complete(deps.db, job);
        return deps.db.transaction(async (tx) => {
          await outcome.write!(tx, deps.clock.now());
          await jobs.complete(tx, job);
        });
      case 'again':
        if (!outcome.write) return jobs.reschedule(deps.db, job, outcome.at, outcome.note);
        return deps.db.transaction(async (tx) => {
          await outcome.write!(tx, deps.clock.now());
          await jobs.reschedule(tx, job, outcome.at, outcome.note);
        });
      case 'leave':
        return;
      case 'signal':
        return settleSignal(job, outcome);
    }
  }

  async function runJob(job: jobs.Job): Promise<void> {
    const runner = runners[job.kind];
    let failure: string | null = null;
    try {
      let outcome: Outcome;
      try {
        outcome = await runner.run(job);
      } catch (error) {
        if (!(error instanceof PermanentIntegrationError)) throw error;
        deps.log.warn(`job ${job.kind} ${job.id} failed for good: ${error.message}`);
        outcome = await runner.permanent(job, error.message);
      }
      await settle(job, outcome);
    } catch (error) {
      // Retry with backoff (capped at 5 min): a provider outage delays, it does not lose work.
      const delay = Math.min(300_000, 100 * 2 ** Math.min(job.attempts, 12));
      const message = error instanceof Error ? error.message : String(error);
      failure = message;
      deps.log.warn(`job ${job.kind} ${job.id} failed (attempt ${job.attempts}), retrying in ${delay} ms: ${message}`);
      const at = new Date(deps.clock.now().getTime() + delay);
      await jobs.reschedule(deps.db, job, at, message).catch(() => unsettled.set(`${job.id}:${job.generation}`, { job, at, error: message }));
    } finally {
      jobsRun++;
      for (const listener of jobListeners) listener(job, failure);
      inFlight.delete(`${job.id}:${job.generation}`);
      wake();
    }
  }

  /** Aborts releases of this process that someone asked to stop (a cancel, maybe in another process). */
  async function stopRequested(): Promise<void> {
    if (runningReleases.size === 0) return;
    for (const id of await stopRequestedAmong(deps.db, [...runningReleases.keys()])) runningReleases.get(id)?.controller.abort();
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        dirty = false;
        for (const [key, { job, at, error }] of unsettled) {
          await jobs.reschedule(deps.db, job, at, error);
          unsettled.delete(key);
        }
        if (stopsRequested) {
          stopsRequested = false;
          await stopRequested();
        }
        const room = draining ? 0 : maxInFlight - inFlight.size;
        if (room > 0) {
          // One statement: no transaction around it.
          const claimed = await jobs.claim(deps.db, { owner: deps.owner, now: deps.clock.now(), leaseMs, limit: Math.min(room, 64) });
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
      draining = false;
      if (deps.db.kind === 'pglite') {
        // One process per embedded database: every lease left is from a process that died.
        const reset = await jobs.resetLeases(deps.db);
        if (reset > 0) deps.log.info(`resumed ${reset} job(s) left running by the previous process`);
      }
      unlisten = await deps.db.listen(jobs.WAKE_CHANNEL, (payload) => {
        if (payload === MISSED_NOTIFICATIONS) {
          stopsRequested = true;
          return wake();
        }
        const { stops, from } = jobs.wakeOf(payload);
        if (from === deps.owner) return; // our own announcement: this process woke when it committed
        if (stops) stopsRequested = true;
        wake();
      });
      loopDone = loop();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      wake();
      await loopDone;
      await announcing;
      await unlisten?.();
      // Releases still in flight are abandoned, not stopped: they keep their lease (no renewal
      // from here) and are re-driven with the same idempotency key by whoever claims them next.
      for (const heartbeat of heartbeats) clearInterval(heartbeat);
      heartbeats.clear();
      await Promise.race([Promise.allSettled(inFlight.values()), new Promise((r) => setTimeout(r, 100))]);
    },
    async drain(deadline) {
      draining = true;
      wake();
      const stop = new AbortController();
      const timeUp = deps.clock.sleepUntil(deadline, stop.signal);
      while (inFlight.size > 0 && deps.clock.now() < deadline) {
        await Promise.race([Promise.allSettled(inFlight.values()), timeUp]);
      }
      stop.abort();
      return inFlight.size;
    },
    get running() {
      return !stopped && !draining;
    },
    wake,
    apply,
    onMoves(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onJobSettled(listener) {
      jobListeners.add(listener);
      return () => jobListeners.delete(listener);
    },
    stats: () => ({ transitions, jobsRun, inFlight: inFlight.size }),
  };
}
