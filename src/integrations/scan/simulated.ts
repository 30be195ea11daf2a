/**
 * A deterministic scan provider: the scan is done `dcp.simulator/scan-ms` (default 2000) after DCP
 * began waiting, and found `dcp.simulator/scan-findings` (e.g. `critical:1,high:3`; default none).
 * It tells the engine exactly when to look again, so no time is lost to a polling interval.
 */
import type { Clock } from '../../core/clock.ts';
import { SEVERITIES, type ScanFindings, type Severity } from '../../core/types.ts';
import type { ScanProvider } from './port.ts';

export const DEFAULT_SCAN_MS = 2000;

export function parseFindings(text: string | undefined): ScanFindings {
  const counts: ScanFindings['counts'] = {};
  for (const part of (text ?? '').split(',')) {
    const [severity, n] = part.split(':').map((s) => s.trim());
    if (SEVERITIES.includes(severity as Severity) && Number(n) > 0) counts[severity as Severity] = Number(n);
  }
  return { counts };
}

export function createSimulatedScanProvider(deps: { clock: Clock }): ScanProvider {
  return {
    async status({ artifact, since }) {
      const ms = Number(artifact.annotations?.['dcp.simulator/scan-ms'] ?? DEFAULT_SCAN_MS);
      // The API refuses other values at intake (at most 13 digits); this guards deployments stored before it did
      // (1e300 made an Invalid Date, and the scan was polled again forever).
      const doneAt = new Date(since.getTime() + (Number.isFinite(ms) && ms >= 0 && ms < 1e13 ? ms : DEFAULT_SCAN_MS));
      if (deps.clock.now() >= doneAt) return { done: true, findings: parseFindings(artifact.annotations?.['dcp.simulator/scan-findings']) };
      return { done: false, checkAgainAt: doneAt };
    },
  };
}
