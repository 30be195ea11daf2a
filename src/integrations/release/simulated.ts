/**
 * A working, deterministic release driver for `npm start`, demos and tests. Artifact annotations
 * steer it (contract §8): `dcp.simulator/release-ms` (default 1500) and
 * `dcp.simulator/fail-targets` (comma-separated clusters whose release fails).
 *
 * A simulated release spends its first fifth preparing (nothing touched yet: a stop then ends it
 * `Cancelled`) and the rest applying (a stop is too late: it runs to its real outcome), counted
 * from when the release started. Time comes from the injected clock. A repeated idempotency key joins the release already running.
 *
 * With `executions` (DCP_SIMULATOR_EXECUTIONS, a file), every execution is recorded there, one JSON
 * line when it starts and one when it ends — `{ event, key, pid, at, outcome? }` — appended (so
 * several processes may share the file): tests see which process ran which release, and when.
 */
import { appendFileSync } from 'node:fs';
import type { Clock } from '../../core/clock.ts';
import type { ReleaseDriver, ReleaseRequest, ReleaseResult } from './port.ts';

export const DEFAULT_RELEASE_MS = 1500;

export interface SimulatedExecution {
  event: 'start' | 'end';
  /** The idempotency key. */
  key: string;
  pid: number;
  /** Milliseconds since the epoch, on the injected clock. */
  at: number;
  outcome?: ReleaseResult['outcome'];
}

export function createSimulatedReleaseDriver(deps: { clock: Clock; executions?: string }): ReleaseDriver {
  const running = new Map<string, Promise<ReleaseResult>>();
  const record = (entry: Omit<SimulatedExecution, 'pid' | 'at'>) => {
    if (deps.executions) appendFileSync(deps.executions, `${JSON.stringify({ ...entry, pid: process.pid, at: deps.clock.now().getTime() })}\n`);
  };

  async function run(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseResult> {
    const annotations = request.artifact.annotations ?? {};
    const ms = Number(annotations['dcp.simulator/release-ms'] ?? DEFAULT_RELEASE_MS);
    // The API refuses other values at intake (at most 13 digits); this guards deployments stored before it did.
    const duration = Number.isFinite(ms) && ms >= 0 && ms < 1e13 ? ms : DEFAULT_RELEASE_MS;
    const failing = (annotations['dcp.simulator/fail-targets'] ?? '').split(',').map((s) => s.trim());
    const start = request.startedAt.getTime();
    const touchAt = new Date(start + Math.floor(duration / 5));
    await deps.clock.sleepUntil(touchAt, signal);
    if (signal.aborted) return { outcome: 'Cancelled', detail: 'Stopped before it touched the target' };
    await deps.clock.sleepUntil(new Date(start + duration), new AbortController().signal);
    const chart = request.artifact.charts[0];
    const what = `${chart?.name ?? request.artifact.name}@${chart?.version ?? request.artifact.version}`;
    if (failing.includes(request.target.cluster)) {
      return { outcome: 'Failed', detail: `helm upgrade ${what} on ${request.target.cluster} failed (simulated: dcp.simulator/fail-targets)` };
    }
    return { outcome: 'Succeeded', detail: `Released ${what} to ${request.target.cluster}` };
  }

  return {
    release(request, signal) {
      let result = running.get(request.idempotencyKey);
      if (!result) {
        const key = request.idempotencyKey;
        record({ event: 'start', key });
        result = run(request, signal)
          .then((r) => {
            record({ event: 'end', key, outcome: r.outcome });
            return r;
          })
          .finally(() => running.delete(key));
        running.set(request.idempotencyKey, result);
      }
      return result;
    },
  };
}
