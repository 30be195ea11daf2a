/**
 * `loadConfigInWorker`: loadConfigFolder (folder.ts) in a worker thread (worker.ts), with a time
 * limit and a heap limit. Parsing YAML and validating are synchronous CPU work — tens of MB take
 * seconds — and would stall every request and the engine on the main thread; in a worker they
 * cannot. A worker that runs past `limits.timeoutMs` is terminated and the import refused with a
 * ConfigError; one that runs out of its heap (`limits.memoryMb`) likewise.
 *
 * A worker per import (not a pool): imports are rare, start-up of a worker is ~30 ms, and a
 * terminated worker takes whatever it held with it.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError, type FieldIssue } from '../core/errors.ts';
import type { ConfigSnapshot } from '../core/types.ts';
import { CONFIG_LIMITS, type ConfigLimits } from './limits.ts';
import type { LoadOptions } from './folder.ts';

export type WorkerReply =
  | { kind: 'snapshot'; snapshot: ConfigSnapshot }
  | { kind: 'config-error'; message: string; issues: FieldIssue[] }
  | { kind: 'error'; message: string };

function refused(message: string): ConfigError {
  return new ConfigError(message, [{ field: '(folder)', message }]);
}

export function loadConfigInWorker(dir: string, limits: ConfigLimits = CONFIG_LIMITS, options: LoadOptions = {}): Promise<ConfigSnapshot> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: { dir, limits, options },
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      const seconds = limits.timeoutMs / 1000;
      settle(() => reject(refused(`reading the config took longer than ${seconds} s and was stopped: make the config smaller (nothing was changed)`)));
    }, limits.timeoutMs);
    worker.on('message', (message: WorkerReply) => {
      settle(() => {
        if (message.kind === 'snapshot') resolve(message.snapshot);
        else if (message.kind === 'config-error') reject(new ConfigError(message.message, message.issues));
        else reject(new Error(`reading the config failed: ${message.message}`));
      });
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settle(() => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(refused(`reading the config needed more than ${limits.memoryMb} MB and was stopped: make the config smaller (nothing was changed)`));
        } else reject(error);
      });
    });
    worker.on('exit', (code) => {
      settle(() => reject(new Error(`the config worker exited (code ${code}) without an answer`)));
    });
  });
}
