/**
 * The outbox relay: tells the sinks — today the event log readers and the live stream, in this
 * process and, through NOTIFY, in the others sharing the database — that events were committed.
 * The engine's events come positioned (store/events.ts `appendEvents`): `committed` only tells.
 * The few written without a position (`appendPlatformEvent`) are positioned here in commit order
 * when `kick`ed. A slow sweep catches events whose writer died between commit and kick, and events
 * another process wrote whose NOTIFY never came (it died between its commit and the notify).
 */
import type { Db } from '../store/db.ts';
import { EVENTS_CHANNEL, RELAY_BATCH, notifyEventReaders, relay } from '../store/events.ts';
import { lastPosition } from '../store/sinks.ts';
import type { Logger } from '../shared/logger.ts';

export interface Relay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Positions what was committed without a position, then tells. */
  kick(): void;
  /** Tells that positioned events were committed. */
  committed(): void;
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
  /** What the next drain does: position unpositioned events; tell about positioned ones. */
  let toPosition = false;
  let toTell = false;
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
      const positioning = toPosition;
      const telling = toTell;
      toPosition = toTell = false;
      // One transaction per kick; another only when a batch was full.
      let moved = 0;
      if (positioning) for (let n = RELAY_BATCH; n === RELAY_BATCH; moved += n) n = await relay(deps.db);
      if (moved > 0 || telling) {
        if (deps.db.kind === 'postgres') await notifyEventReaders(deps.db); // the embedded database has no other process
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
    toPosition = true;
    run();
  }

  function run(): void {
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
    committed() {
      toTell = true;
      run();
    },
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
