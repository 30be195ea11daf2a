/**
 * The outbox relay: positions committed events in commit order (store/events.ts) and tells the
 * sinks — today the event log readers and the live stream, in this process and, through NOTIFY,
 * in the others sharing the database. Kicked after every commit that wrote events; a slow sweep
 * catches events whose writer died between commit and kick, and events another process positioned
 * whose NOTIFY never came (it died between its relay's commit and the notify).
 */
import type { Db } from '../store/db.ts';
import { EVENTS_CHANNEL, RELAY_BATCH, notifyEventReaders, relay } from '../store/events.ts';
import { lastPosition } from '../store/sinks.ts';
import type { Logger } from '../shared/logger.ts';

export interface Relay {
  start(): Promise<void>;
  stop(): Promise<void>;
  kick(): void;
  /** Positions everything committed so far before resolving (read-your-writes for the log). */
  flush(): Promise<void>;
  /** Called whenever new events may be readable. */
  subscribe(listener: () => void): () => void;
}

export function createRelay(deps: { db: Db; log: Logger; sweepMs?: number }): Relay {
  const listeners = new Set<() => void>();
  let running: Promise<void> | null = null;
  let swept = false;
  let again = false;
  let sweep: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  /** The newest position this process has told its listeners about (or seen positioned). */
  let told = 0;

  const notify = () => {
    for (const listener of listeners) listener();
  };

  async function drain(): Promise<void> {
    do {
      again = false;
      // One transaction per kick; another only when a batch was full.
      let moved = 0;
      for (let n = RELAY_BATCH; n === RELAY_BATCH; moved += n) n = await relay(deps.db);
      if (moved > 0) {
        await notifyEventReaders(deps.db);
        notify();
      }
      if (swept) {
        swept = false;
        const newest = await lastPosition(deps.db);
        if (newest > told && moved === 0) notify();
        told = Math.max(told, newest);
      }
    } while (again);
  }

  function kick(): void {
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: Error) => deps.log.warn(`event relay: ${error.message}`))
      .finally(() => {
        running = null;
      });
  }

  return {
    async start() {
      unlisten = await deps.db.listen(EVENTS_CHANNEL, notify);
      kick();
      sweep = setInterval(() => {
        swept = true;
        kick();
      }, deps.sweepMs ?? 5000);
      sweep.unref();
    },
    async stop() {
      clearInterval(sweep);
      await unlisten?.();
      await running;
    },
    kick,
    async flush() {
      kick();
      while (running) await running;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
