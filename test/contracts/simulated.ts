/**
 * Harnesses for the adapters that need no outside server: the simulated release driver and scan
 * provider, and the embedded executor over the simulated driver. Time is a ManualClock the
 * harness moves, so no contract test sleeps.
 */
import type { ArtifactManifest } from '../../src/core/types.ts';
import { createEmbeddedExecutor } from '../../src/integrations/executor/embedded.ts';
import type { ReleaseRequest } from '../../src/integrations/release/port.ts';
import { createSimulatedReleaseDriver } from '../../src/integrations/release/simulated.ts';
import { createSimulatedScanProvider } from '../../src/integrations/scan/simulated.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import type { ExecutorHarness } from './executor.ts';
import type { ReleaseDriverHarness } from './release-driver.ts';
import type { ScanProviderHarness } from './scan-provider.ts';

const RELEASE_MS = 1000;

/** Lets promise continuations and I/O callbacks run (a woken sleeper continues in a later tick). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function artifact(annotations: Record<string, string>): ArtifactManifest {
  return {
    name: 'payments-api',
    version: '1.42.0',
    images: [{ name: 'registry.example.com/payments-api', digest: 'sha256:abc' }],
    charts: [{ name: 'payments-api', version: '1.42.0', repository: 'oci://registry.example.com/charts' }],
    annotations,
  };
}

function releaseRequests(clock: ManualClock): (options?: { fails?: boolean }) => ReleaseRequest {
  let n = 0;
  return ({ fails = false } = {}) => {
    n += 1;
    const cluster = `prod-${n}`;
    return {
      releaseId: `r-${n}`,
      deploymentId: 'd-1',
      idempotencyKey: `r-${n}:1`,
      startedAt: clock.now(),
      service: 'payments-api',
      environment: 'prod',
      target: { cluster, region: 'us-west-2', namespace: 'payments' },
      artifact: artifact({ 'dcp.simulator/release-ms': String(RELEASE_MS), ...(fails ? { 'dcp.simulator/fail-targets': `other,${cluster}` } : {}) }),
    };
  };
}

function clockSteps(clock: ManualClock) {
  return {
    // The simulator touches the target after a fifth of the release's time.
    async untilTouched() {
      await flush();
      clock.advance(RELEASE_MS / 5);
      await flush();
    },
    async untilDone() {
      await flush();
      clock.advance(RELEASE_MS);
      await flush();
    },
  };
}

export async function simulatedReleaseDriver(): Promise<ReleaseDriverHarness> {
  const clock = new ManualClock();
  return { driver: createSimulatedReleaseDriver({ clock }), request: releaseRequests(clock), ...clockSteps(clock) };
}

export async function embeddedExecutor(): Promise<ExecutorHarness> {
  const clock = new ManualClock();
  return { executor: createEmbeddedExecutor({ driver: createSimulatedReleaseDriver({ clock }) }), request: releaseRequests(clock), ...clockSteps(clock) };
}

const SCAN_MS = 60_000;

export async function simulatedScanProvider(): Promise<ScanProviderHarness> {
  const clock = new ManualClock();
  let n = 0;
  return {
    provider: createSimulatedScanProvider({ clock }),
    now: () => clock.now(),
    request(findings = {}) {
      n += 1;
      const text = Object.entries(findings).map(([severity, count]) => `${severity}:${count}`).join(',');
      const annotations: Record<string, string> = { 'dcp.simulator/scan-ms': String(SCAN_MS) };
      if (text) annotations['dcp.simulator/scan-findings'] = text;
      return { deploymentId: `d-${n}`, artifact: artifact(annotations), since: clock.now() };
    },
    async untilDone() {
      clock.advance(SCAN_MS);
    },
  };
}
