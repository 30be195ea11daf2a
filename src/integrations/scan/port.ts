/**
 * ScanProvider: whether the artifact's security scan is done, and what it found.
 * Implementations: `SimulatedScanProvider` now; the artifact-scan API (`http`) later.
 * A push callback (the workflow-callback API, later) can end the wait before the next poll.
 */
import type { ArtifactManifest, ScanFindings } from '../../core/types.ts';

export interface ScanRequest {
  deploymentId: string;
  artifact: ArtifactManifest;
  /** When DCP began waiting for this scan. */
  since: Date;
}

export type ScanStatus = { done: true; findings: ScanFindings } | { done: false; checkAgainAt?: Date };

export interface ScanProvider {
  status(request: ScanRequest): Promise<ScanStatus>;
}
