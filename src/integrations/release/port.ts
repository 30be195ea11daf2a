/**
 * ReleaseDriver: installs one artifact on one target (a Helm release, through CPC or Helm).
 * Implementations: `SimulatedReleaseDriver` (simulated.ts), `CpcReleaseDriver` (cpc.ts: the target's
 * CPC, docs/integrations/cpc.md), `HelmReleaseDriver` (helm.ts: runs helm, docs/integrations/helm.md).
 *
 * `release` is idempotent by `idempotencyKey`: a repeat (after a crash, a re-drive) must not
 * install twice. It resolves with the release's real outcome. When `signal` aborts, the driver
 * stops if it can: `Cancelled` if it had not touched the target yet, else its actual outcome.
 * Failures of the driver itself (not of the release) throw RetryableIntegrationError or
 * PermanentIntegrationError.
 */
import type { ArtifactManifest, TargetSpec } from '../../core/types.ts';

export interface ReleaseRequest {
  releaseId: string;
  deploymentId: string;
  idempotencyKey: string;
  /** When the release moved to Deploying (a re-driven release keeps its first start). */
  startedAt: Date;
  service: string;
  environment: string;
  target: TargetSpec;
  artifact: ArtifactManifest;
}

export interface ReleaseResult {
  outcome: 'Succeeded' | 'Failed' | 'Cancelled';
  detail: string;
}

export interface ReleaseDriver {
  release(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseResult>;
}
