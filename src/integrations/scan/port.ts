/**
 * ScanProvider: whether the artifact's security scan is done, and what it found.
 * Implementations: `simulated` (simulated.ts), Harbor's API (`harbor`, harbor.ts) and the artifact
 * API (`http`, http.ts: a small JSON contract, docs/integrations/scan.md). A push (Harbor's
 * SCANNING_COMPLETED webhook, harbor-webhook.ts) can end the wait before the next poll.
 */
import type { ArtifactManifest, ScanFindings } from '../../core/types.ts';

export interface ScanRequest {
  deploymentId: string;
  artifact: ArtifactManifest;
  /** When DCP began waiting for this scan. */
  since: Date;
}

/**
 * Not done: `checkAgainAt` when the provider knows when to look again (else the engine polls every
 * DCP_SCAN_POLL); `detail`, one line, says why it still waits ("Harbor is scanning …", "Harbor:
 * scan error …") for people reading the deployment. A scan that failed is never done: only a
 * finished scan's findings can pass a gate.
 */
export type ScanStatus = { done: true; findings: ScanFindings } | { done: false; checkAgainAt?: Date; detail?: string };

export interface ScanProvider {
  status(request: ScanRequest): Promise<ScanStatus>;
}
