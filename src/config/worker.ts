/**
 * The worker thread that reads and validates a config folder (worker-load.ts starts it): all the
 * parsing, alias counting and validation happen here, so the main thread's event loop (HTTP,
 * /healthz, the engine) never waits for an import. It posts one message: the snapshot, or the
 * ConfigError's message and issues, or another error's message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../core/errors.ts';
import { loadConfigFolder, type LoadOptions } from './folder.ts';
import type { ConfigLimits } from './limits.ts';
import type { WorkerReply } from './worker-load.ts';

const { dir, limits, options } = workerData as { dir: string; limits: ConfigLimits; options?: LoadOptions };

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message);
}

loadConfigFolder(dir, limits, options).then(
  (snapshot) => reply({ kind: 'snapshot', snapshot }),
  (error: unknown) => {
    if (error instanceof ConfigError) reply({ kind: 'config-error', message: error.message, issues: error.issues });
    else reply({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  },
);
