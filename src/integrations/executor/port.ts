/**
 * Executor: runs releases. The embedded executor runs the release driver in this process; the
 * Argo executor (later) submits a workflow that calls DCP back, so its `run` answers `Accepted`
 * and the outcome arrives through the workflow-callback API.
 */
import type { ReleaseRequest, ReleaseResult } from '../release/port.ts';

export type ExecutorResult = ReleaseResult | { outcome: 'Accepted' };

export interface Executor {
  readonly name: string;
  /** Idempotent by `request.idempotencyKey`. */
  run(request: ReleaseRequest, signal: AbortSignal): Promise<ExecutorResult>;
}
