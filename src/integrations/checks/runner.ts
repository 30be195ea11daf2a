/**
 * The CheckRunner (port.ts): dispatches a check to its type's evaluator. A PermanentIntegrationError
 * fails the check with its message; whatever else an evaluator or a provider throws becomes
 * `Unavailable`, so one broken integration is retried and reported by the engine instead of
 * crashing the phase.
 */
import { PermanentIntegrationError } from '../../core/errors.ts';
import type { ScanProvider } from '../scan/port.ts';
import { createHttpCheck } from './http.ts';
import type { CheckRunner } from './port.ts';
import { createPrometheusCheck } from './prometheus.ts';
import { createScanCheck } from './scan.ts';

export function createCheckRunner(deps: { scan: ScanProvider; fetch?: typeof fetch }): CheckRunner {
  const http = createHttpCheck({ fetch: deps.fetch });
  const prometheus = createPrometheusCheck({ fetch: deps.fetch });
  const scan = createScanCheck({ scan: deps.scan });
  return {
    async run(check, context, signal) {
      try {
        switch (check.type) {
          case 'http':
            return await http(check, context, signal);
          case 'prometheus':
            return await prometheus(check, context, signal);
          case 'scan':
            return await scan(check, context, signal);
          default:
            // Config validation rejects unknown types; this guards data written by another version
            // (Failed, like any configuration mistake: a retry would not fix it).
            return { status: 'Failed', detail: `unknown check type "${(check as { type: unknown }).type}"` };
        }
      } catch (error) {
        // A permanent failure (a 401, a bad query) fails the check at once: retrying cannot pass it.
        if (error instanceof PermanentIntegrationError) return { status: 'Failed', detail: error.message };
        return { status: 'Unavailable', detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
