/**
 * Callers first: when the job lane may start a batch, and how large (engine.ts `pump`).
 *
 * A caller waits for its answer (a build posted, an approval); a job's signal waits for nobody,
 * and what it does is durable. While callers keep coming (one came in the last `pressureMs`), the
 * job lane gives way: it starts nothing while a callers' batch runs, for up to `yieldMs` since it
 * first had to wait, and it runs one batch at a time (`sharedBatches`) of at most `sharedBatch`
 * deployments. So during a burst the cores go to the answers, and the deployments already made
 * still move, at a bounded delay, and catch up once it is over. Times are a monotonic clock's
 * (ms): this paces work, like a timer; it decides nothing about a deployment.
 */
export interface LanePolicy {
  pressureMs: number;
  yieldMs: number;
  /** A batch, at most, when no caller came lately. */
  batch: number;
  sharedBatch: number;
  /** Job batches at once while callers keep coming (else as many as the database runs at once: JOB_BATCHES). */
  sharedBatches: number;
}

export const LANE_POLICY: LanePolicy = { pressureMs: 100, yieldMs: 50, batch: 64, sharedBatch: 8, sharedBatches: 1 };

/**
 * Job batches applied at once on PostgreSQL: while one waits for its commit's flush, the next is
 * locking, reading and deciding (the embedded database runs one transaction at a time). With one,
 * the engine run left a third of the two cores idle; two gave +3–6% deployments/s (docs/benchmarks.md).
 * While callers keep coming, the second took a core from the answers: then one (`jobBatches`).
 */
export const JOB_BATCHES = 2;

/** Job batches the lane may run at once now, of the `most` the database allows. */
export function jobBatches(policy: LanePolicy, state: JobLaneState, now: number, most: number): number {
  return now - state.lastCall < policy.pressureMs ? Math.min(most, policy.sharedBatches) : most;
}

export interface JobLaneState {
  /** When a caller's application last came. */
  lastCall: number;
  /** Since when the job lane has been giving way (null: it is not). */
  yieldingSince: number | null;
}

/**
 * The job lane's turn now: how many deployments its next batch may take (0: not now — the
 * callers' batch that runs pumps again when it ends). Moves `state.yieldingSince`.
 */
export function jobTurn(policy: LanePolicy, state: JobLaneState, now: number, callerBatchRuns: boolean, jobsWaiting: boolean): number {
  if (!jobsWaiting) return 0;
  if (callerBatchRuns && now - (state.yieldingSince ??= now) < policy.yieldMs) return 0;
  state.yieldingSince = null;
  return now - state.lastCall < policy.pressureMs ? policy.sharedBatch : policy.batch;
}
