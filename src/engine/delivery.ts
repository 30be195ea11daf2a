/**
 * Delivery of the outbox to every sink (NATS, each webhook subscription, Slack): one mechanism.
 *
 * Each sink has a cursor in the database (store/sinks.ts): the log position up to which every
 * event was delivered (or skipped: not a type it takes). A pass reads the events after it, in log
 * order — so in order per deployment — hands them to the sink, and moves the cursor to the last
 * one the sink took. Nothing here runs inside the engine's transactions: the outbox is read after
 * commit, so a slow or dead sink never slows a deployment down.
 *
 * At least once: the cursor moves after the sink took the events, so a crash in between offers
 * them again (sinks dedupe by event id: JetStream's `Nats-Msg-Id`, a webhook's `webhook-id`). A
 * failure stops that sink's pass at the first event not taken and retries it with exponential
 * backoff (or after the sink's `Retry-After`); other sinks go on. Replicas share the work: a sink
 * is claimed with a lease, so only one process delivers a given sink at a time. Passes start when
 * the relay has positioned new events (in this process or, through NOTIFY, in another), when a
 * retry is due, and at start.
 */
import { WAKE_UP, type Clock } from '../core/clock.ts';
import type { EventSink, SinkTry } from '../integrations/sinks/port.ts';
import type { Db } from '../store/db.ts';
import { claimSink, ensureCursor, eventsAfter, recordPass, resetSinkLeases } from '../store/sinks.ts';
import type { Logger } from '../shared/logger.ts';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** This process's name in leases. */
  owner: string;
  /** The sinks now: webhook subscriptions come and go, so this is asked at every pass. */
  sinks(): Promise<EventSink[]>;
  /** Every attempt a pass made (a webhook subscription's delivery log). */
  onTries?(sink: string, tries: SinkTry[]): Promise<void>;
  /**
   * A sink that has been failing for `afterMs` since its first failure: `handle` is told (it
   * disables a webhook subscription); for other sinks (NATS, Slack) `applies` says no and DCP
   * keeps trying.
   */
  giveUp?: { afterMs: number; applies(sink: string): boolean; handle(sink: string, error: string): Promise<void> };
  /** Events per delivery call. */
  batch?: number;
  leaseMs?: number;
  /** Backoff after consecutive failures: 1 s, 2 s, 4 s … capped here. */
  maxBackoffMs?: number;
}

export interface Delivery {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Look for events to deliver now. */
  kick(): void;
  /** Called after every recorded delivery call (its tries logged, its cursor moved): the sink, and the error it stopped on. */
  onPass(listener: (sink: string, error: string | null) => void): () => void;
}

export function createDelivery(deps: DeliveryDeps): Delivery {
  const batch = deps.batch ?? 50;
  // Long enough for one delivery call (a webhook's timeout is 10 s); renewed batch by batch. A
  // process that died holding it holds up its sinks this long on PostgreSQL (on the embedded
  // database a start frees it at once).
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 60 * 60_000;
  const known = new Set<string>();
  /** When each failing sink may be tried again (as this process last recorded it). */
  const retryAt = new Map<string, Date>();
  let stopped = true;
  let dirty = true;
  let wakeController = new AbortController();
  let loopDone: Promise<void> = Promise.resolve();
  let stopController = new AbortController();
  const passListeners = new Set<(sink: string, error: string | null) => void>();
  const passed = (sink: string, error: string | null) => {
    for (const listener of passListeners) listener(sink, error);
  };

  function kick(): void {
    dirty = true;
    if (!wakeController.signal.aborted) wakeController.abort(WAKE_UP); // once per sleep
  }

  /** Delivers what the sink has not had yet, up to a failure (then its retry is scheduled). */
  async function deliverTo(sink: EventSink): Promise<void> {
    const now = deps.clock.now();
    const due = retryAt.get(sink.name);
    if (due && due > now) return;
    if (!known.has(sink.name)) {
      await ensureCursor(deps.db, sink.name, now);
      known.add(sink.name);
    }
    const cursor = await claimSink(deps.db, sink.name, deps.owner, now, leaseMs);
    if (!cursor) return; // another process delivers it, or its retry is not due
    retryAt.delete(sink.name);
    let position = cursor.position;
    let attempts = cursor.attempts;
    let failingSince = cursor.failingSince;
    for (;;) {
      const events = await eventsAfter(deps.db, position, batch);
      const offered = sink.accepts ? events.filter((e) => sink.accepts!(e)) : events;
      let result;
      try {
        result = offered.length > 0 ? await sink.deliver(offered, stopController.signal) : { delivered: 0, tries: [] };
      } catch (error) {
        result = { delivered: 0, tries: [], error: error instanceof Error ? error.message : String(error) };
      }
      if (result.tries.length > 0) await deps.onTries?.(sink.name, result.tries).catch((e: Error) => deps.log.warn(`delivery log of ${sink.name}: ${e.message}`));
      const failed = result.error !== undefined || result.delivered < offered.length;
      // Up to the first event not taken: everything before it was delivered or skipped.
      const stop = failed ? offered[result.delivered] : undefined;
      const reached = stop ? Math.max(position, ...events.filter((e) => e.position < stop.position).map((e) => e.position)) : (events.at(-1)?.position ?? position);
      const at = deps.clock.now();
      if (!failed) {
        const more = events.length === batch;
        await recordPass(deps.db, sink.name, deps.owner, { position: reached, delivered: result.delivered, error: null, nextAttemptAt: null, keepUntil: more ? new Date(at.getTime() + leaseMs) : undefined }, at);
        passed(sink.name, null);
        position = reached;
        attempts = 0;
        failingSince = null;
        if (!more) return;
        continue;
      }
      const error = result.error ?? `${offered.length - result.delivered} event(s) not delivered`;
      const backoff = Math.min(maxBackoffMs, result.retryAfterMs ?? 1000 * 2 ** Math.min(attempts, 20));
      const next = new Date(at.getTime() + backoff);
      await recordPass(deps.db, sink.name, deps.owner, { position: reached, delivered: result.delivered, error, nextAttemptAt: next }, at);
      retryAt.set(sink.name, next);
      passed(sink.name, error);
      deps.log.warn(`delivery to ${sink.name} failed (attempt ${attempts + 1}), next try at ${next.toISOString()}: ${error}`);
      const since = failingSince ?? at;
      if (deps.giveUp?.applies(sink.name) && at.getTime() - since.getTime() >= deps.giveUp.afterMs) {
        await deps.giveUp.handle(sink.name, error).catch((e: Error) => deps.log.warn(`giving up on ${sink.name}: ${e.message}`));
      }
      return;
    }
  }

  async function pass(): Promise<void> {
    const sinks = await deps.sinks();
    await Promise.all(sinks.map((sink) => deliverTo(sink).catch((e: Error) => deps.log.warn(`delivery to ${sink.name}: ${e.message}`))));
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        dirty = false;
        await pass();
        if (dirty) continue;
        wakeController = new AbortController();
        const idle = new Date(deps.clock.now().getTime() + 60_000);
        const next = [...retryAt.values()].reduce((a, b) => (b < a ? b : a), idle);
        if (dirty) continue;
        await deps.clock.sleepUntil(next, wakeController.signal);
      } catch (error) {
        if (stopped) break;
        deps.log.error(`delivery: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  return {
    async start() {
      if (!stopped) return;
      // One process per embedded database: a lease left is from a process that died.
      if (deps.db.kind === 'pglite') await resetSinkLeases(deps.db);
      // A sink new to the database starts at the log's end as of now (before this start returns: nothing written after it is missed).
      const now = deps.clock.now();
      for (const sink of await deps.sinks()) {
        await ensureCursor(deps.db, sink.name, now);
        known.add(sink.name);
      }
      stopped = false;
      stopController = new AbortController();
      loopDone = loop();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopController.abort();
      kick();
      await loopDone;
    },
    kick,
    onPass(listener) {
      passListeners.add(listener);
      return () => passListeners.delete(listener);
    },
  };
}
