/**
 * The `scan` check (contract §2.2): passes when the artifact's security scan found nothing at or
 * above `maxSeverity` (low < medium < high < critical). The deployment waited for the scan
 * before any phase started (§5), so a scan that is not done here is `Unavailable`, not a pass.
 */
import { SEVERITIES, type ScanCheckSpec } from '../../core/types.ts';
import type { ScanProvider } from '../scan/port.ts';
import type { CheckEvaluator } from './support.ts';

export function createScanCheck(deps: { scan: ScanProvider }): CheckEvaluator<ScanCheckSpec> {
  return async (check, context) => {
    const floor = SEVERITIES.indexOf(check.maxSeverity);
    if (floor < 0) return { status: 'Failed', detail: `unknown maxSeverity "${check.maxSeverity}": expected one of ${SEVERITIES.join(', ')}` };
    const scan = await deps.scan.status({ deploymentId: context.deploymentId, artifact: context.artifact, since: context.scanSince });
    if (!scan.done) return { status: 'Unavailable', detail: `the artifact's scan is not done${scan.detail ? `: ${scan.detail}` : ''}` };

    // Highest severity first: "1 critical, 3 high findings".
    const counted = [...SEVERITIES].reverse().map((severity) => ({ severity, n: scan.findings.counts[severity] ?? 0 })).filter((c) => c.n > 0);
    const blocking = counted.filter((c) => SEVERITIES.indexOf(c.severity) >= floor);
    const below = counted.filter((c) => SEVERITIES.indexOf(c.severity) < floor);
    if (blocking.length > 0) return { status: 'Failed', detail: `${describe(blocking)} (at or above ${check.maxSeverity})` };
    return { status: 'Passed', detail: `no finding at or above ${check.maxSeverity}${below.length > 0 ? `; ${describe(below)} below it` : ''}` };
  };
}

function describe(counts: { severity: string; n: number }[]): string {
  const total = counts.reduce((sum, c) => sum + c.n, 0);
  return `${counts.map((c) => `${c.n} ${c.severity}`).join(', ')} finding${total === 1 ? '' : 's'}`;
}
