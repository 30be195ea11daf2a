/**
 * Harnesses for the real release drivers that need them: CPC against its fake (test/fakes/cpc.ts)
 * here, Helm against its fake binary in ./helm.ts. Nothing sleeps: the CPC driver polls on a clock
 * the harness moves whenever the driver is waiting on it.
 */
import type { Clock } from '../../src/core/clock.ts';
import type { ArtifactManifest } from '../../src/core/types.ts';
import { createCpcReleaseDriver } from '../../src/integrations/release/cpc.ts';
import type { ReleaseDriver, ReleaseRequest } from '../../src/integrations/release/port.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { startFakeCpc, type FakeCpc } from '../fakes/cpc.ts';
import type { ReleaseDriverContractOptions, ReleaseDriverHarness } from './release-driver.ts';
import { REFUSED_URL } from './servers.ts';
import { flush } from './simulated.ts';

export const CPC_TOKEN = 'cpc-token-123';
export const CPC_POLL_MS = 5000;

/**
 * A ManualClock that tells when someone waits on it, so a harness can move time exactly when the
 * driver sleeps — never before (the move would be lost) and without real sleeps.
 */
export class SteppingClock implements Clock {
  readonly inner = new ManualClock();
  private sleeping = 0;
  private waiters: (() => void)[] = [];

  now(): Date {
    return this.inner.now();
  }

  sleepUntil(when: Date, signal: AbortSignal): Promise<void> {
    if (signal.aborted || when.getTime() <= this.inner.now().getTime()) return Promise.resolve();
    this.sleeping += 1;
    for (const wake of this.waiters.splice(0)) wake();
    return this.inner.sleepUntil(when, signal).finally(() => {
      this.sleeping -= 1;
    });
  }

  /** Resolves once someone is sleeping on the clock (at once if someone is). */
  someoneSleeping(): Promise<void> {
    if (this.sleeping > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  advance(ms: number): void {
    this.inner.advance(ms);
  }
}

/** Wraps a driver to know which of its calls are still running. */
export function tracked(driver: ReleaseDriver): { driver: ReleaseDriver; inFlight: Map<Promise<unknown>, ReleaseRequest> } {
  const inFlight = new Map<Promise<unknown>, ReleaseRequest>();
  return {
    inFlight,
    driver: {
      release(request, signal) {
        const pending = driver.release(request, signal);
        const settled = pending.then(() => undefined, () => undefined);
        inFlight.set(settled, request);
        void settled.then(() => inFlight.delete(settled));
        return pending;
      },
    },
  };
}

function artifact(): ArtifactManifest {
  return {
    name: 'payments-api',
    version: '1.42.0',
    images: [{ name: 'registry.example.com/payments-api', digest: 'sha256:abc' }],
    charts: [{ name: 'payments-api', version: '1.42.0', repository: 'oci://registry.example.com/charts' }],
    annotations: {},
  };
}

let requestCounter = 0;

/** A request for a new release on a new cluster; `extra` adds target fields (cpcEndpoint, kubeContext). */
export function releaseRequest(clock: Clock, cluster: string, extra: Partial<ReleaseRequest['target']> = {}): ReleaseRequest {
  requestCounter += 1;
  return {
    releaseId: `r-${requestCounter}`,
    deploymentId: 'd-1',
    idempotencyKey: `r-${requestCounter}:1`,
    startedAt: clock.now(),
    service: 'payments-api',
    environment: 'prod',
    target: { cluster, region: 'us-west-2', namespace: 'payments', ...extra },
    artifact: artifact(),
  };
}

// ---------------------------------------------------------------------------------------------
// CPC

export interface CpcHarness extends ReleaseDriverHarness {
  cpc: FakeCpc;
  clock: SteppingClock;
}

export async function cpcReleaseDriver(): Promise<CpcHarness> {
  const cpc = await startFakeCpc({ requireToken: CPC_TOKEN });
  const clock = new SteppingClock();
  const { driver, inFlight } = tracked(createCpcReleaseDriver({ clock, token: CPC_TOKEN, pollMs: CPC_POLL_MS }));
  let n = 0;
  const allSettled = () => Promise.all(inFlight.keys()).then(() => 'settled' as const);

  return {
    cpc,
    clock,
    driver,
    request({ fails = false } = {}) {
      n += 1;
      const cluster = `prod-${n}`;
      if (fails) cpc.failing.add(cluster);
      return releaseRequest(clock, cluster, { cpcEndpoint: `${cpc.url}/` });
    },
    // Every release in flight has reached CPC (or ended): CPC starts changing the clusters.
    async untilTouched() {
      await Promise.all([...inFlight].map(([settled, request]) => Promise.race([settled, cpc.whenApplied(request.idempotencyKey)])));
      cpc.touch();
    },
    // CPC finishes everything it has; each time a driver waits for its next poll, time moves on.
    async untilDone() {
      while (inFlight.size > 0) {
        const next = await Promise.race([allSettled(), clock.someoneSleeping().then(() => 'sleeping' as const)]);
        if (next === 'settled') break;
        cpc.finish();
        clock.advance(CPC_POLL_MS);
        await flush();
      }
    },
    appliedCount: (key) => cpc.appliedCount(key),
    close: () => cpc.close(),
  };
}

export const cpcFailures: NonNullable<ReleaseDriverContractOptions['failures']> = {
  // Connection refused: every call goes to a port nobody listens on.
  async retryable() {
    const fetchClosed: typeof fetch = (input, init) => fetch(String(input).replace(/^http:\/\/127\.0\.0\.1:\d+/, REFUSED_URL), init);
    return createCpcReleaseDriver({ clock: new ManualClock(), token: CPC_TOKEN, fetch: fetchClosed });
  },
  // The fake requires CPC_TOKEN: another token is a 401.
  async permanent() {
    return createCpcReleaseDriver({ clock: new ManualClock(), token: 'not-the-token' });
  },
};
