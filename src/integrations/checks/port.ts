/**
 * CheckRunner: evaluates one check of a phase (contract §2.2: `http`, `prometheus`, `scan`).
 * A check passes or fails; when it cannot be evaluated at all (timeout, connection refused, a
 * response that is not what the check reads) it is `Unavailable`, and the engine retries it with
 * backoff within a bounded time before counting it as failed with that reason.
 */
import type { ArtifactManifest, CheckSpec } from '../../core/types.ts';

export interface CheckContext {
  deploymentId: string;
  service: string;
  environment: string;
  artifact: ArtifactManifest;
  /** When DCP began waiting for the artifact's scan (the ScanProvider's `since`). */
  scanSince: Date;
}

export type CheckOutcome =
  | { status: 'Passed'; detail: string }
  | { status: 'Failed'; detail: string }
  | { status: 'Unavailable'; detail: string };

export interface CheckRunner {
  run(check: CheckSpec, context: CheckContext, signal: AbortSignal): Promise<CheckOutcome>;
}
