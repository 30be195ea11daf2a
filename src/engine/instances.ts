/**
 * Replicas: every DCP process sharing a database has a row in `instances` and refreshes its
 * `last_seen` every heartbeat. Every process also watches the others (four times a heartbeat): a
 * replica whose `last_seen` is older than 1.5 heartbeats, and has not moved since the previous
 * look, is dead — its row is deleted and every job and sink lease it held is freed in one
 * transaction, and the workers of every process are woken to claim them. "Not moved" is
 * watched by this process for at least half a heartbeat while its own looks succeed: after a
 * database outage (every heartbeat late) nobody is taken for dead before it could beat again. A crashed replica's work
 * is thus taken over within 1.75 heartbeats (DCP_HEARTBEAT, default 2 s: 3.5 s) instead of after
 * its leases (30 s for jobs, 60 s for sinks); the leases stay as the last resort. (A replica's
 * first look after this process starts or the database comes back only starts watching: half a
 * heartbeat more.)
 *
 * A replica that was only slow (its heartbeat late by half an interval) finds its row gone at
 * its next beat: it says so and writes the row again; what it was running is run again elsewhere
 * with the same idempotency key (every job is idempotent; a release driver dedupes on the key).
 *
 * Time is the injected clock's, like the leases: `last_seen` and the look's "now" come from it.
 */
import type { Clock } from '../core/clock.ts';
import type { Db } from '../store/db.ts';
import { beat, forgetOtherInstances, listInstances, registerInstance, retireInstance, takeOver, type Takeover } from '../store/instances.ts';
import type { Logger } from '../shared/logger.ts';

export interface InstancesDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** This process's name: the owner in job and sink leases. */
  id: string;
  host: string;
  pid: number;
  heartbeatMs: number;
  /** Called after this process took over dead replicas' leases (wake the workers and the delivery here). */
  onTakeover?(takeover: Takeover): void;
}

export interface Instances {
  /** Writes this process's row (before any work is claimed) and starts beating and watching. */
  start(): Promise<void>;
  /** Marks this process draining (shown in its row; it goes on beating). */
  drain(): void;
  /** Stops beating and deletes the row, freeing whatever leases this process still holds. */
  stop(): Promise<void>;
  /** One beat and one look now (tests drive it with a manual clock). */
  tick(): Promise<void>;
}

/** A replica is dead once its heartbeat is this many intervals old. */
export const DEAD_AFTER_BEATS = 1.5;

export function createInstances(deps: InstancesDeps): Instances {
  const { db, clock, log, id } = deps;
  const deadMs = deps.heartbeatMs * DEAD_AFTER_BEATS;
  const lookMs = Math.max(25, Math.floor(deps.heartbeatMs / 4));
  let nextBeat = 0;
  let draining = false;
  let stopped = true;
  let controller = new AbortController();
  let loopDone: Promise<void> = Promise.resolve();
  /**
   * Each other replica's `last_seen` as this process's looks found it, and since when unchanged;
   * forgotten when a look fails (the database may have been away: everyone's heartbeat is late).
   */
  let seen = new Map<string, { lastSeen: number; since: number }>();
  const watchMs = deps.heartbeatMs / 2;

  async function beatNow(now: Date): Promise<void> {
    if (await beat(db, id, now, draining)) return;
    log.warn(`instance ${id}: another replica took this one for dead (no heartbeat for ${deadMs} ms) and took over its work; registering again`);
    await registerInstance(db, { id, host: deps.host, pid: deps.pid, now, draining });
  }

  async function tick(): Promise<void> {
    try {
      await look();
    } catch (error) {
      seen = new Map();
      throw error;
    }
  }

  async function look(): Promise<void> {
    const now = clock.now();
    if (now.getTime() >= nextBeat) {
      await beatNow(now);
      nextBeat = now.getTime() + deps.heartbeatMs;
    }
    if (db.kind === 'pglite') return; // one process per embedded database: nobody else to watch
    const others = (await listInstances(db)).filter((i) => i.id !== id);
    const t = now.getTime();
    seen = new Map(others.map((i) => {
      const before = seen.get(i.id);
      return [i.id, before?.lastSeen === i.lastSeen.getTime() ? before : { lastSeen: i.lastSeen.getTime(), since: t }];
    }));
    const dead = others.filter((i) => t - i.lastSeen.getTime() > deadMs && t - seen.get(i.id)!.since >= watchMs);
    if (dead.length === 0) return;
    const taken = await takeOver(db, dead);
    if (taken.instances.length === 0) return; // another replica got there first, or they beat meanwhile
    log.warn(`took over from dead replica(s) ${taken.instances.join(', ')} (no heartbeat for over ${deadMs} ms): ${taken.jobs} job(s), ${taken.sinks} sink(s)`);
    deps.onTakeover?.(taken);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        if (stopped) break;
        log.warn(`heartbeat: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopped) break;
      await clock.sleepUntil(new Date(clock.now().getTime() + lookMs), controller.signal);
    }
  }

  return {
    async start() {
      if (!stopped) return;
      const now = clock.now();
      await registerInstance(db, { id, host: deps.host, pid: deps.pid, now });
      // The embedded database: rows left are of processes that died (one process per data directory).
      if (db.kind === 'pglite') await forgetOtherInstances(db, id);
      nextBeat = now.getTime() + deps.heartbeatMs;
      stopped = false;
      controller = new AbortController();
      loopDone = loop();
    },
    drain() {
      draining = true;
      nextBeat = 0; // say so at the next look
      controller.abort();
      controller = new AbortController();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controller.abort();
      await loopDone;
      const freed = await retireInstance(db, id).catch((error: Error) => {
        log.warn(`instance ${id}: could not hand back its leases: ${error.message}`);
        return null;
      });
      if (freed && freed.jobs + freed.sinks > 0) log.info(`handed back ${freed.jobs} job(s) and ${freed.sinks} sink(s) still held`);
    },
    tick,
  };
}
