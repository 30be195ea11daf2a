/**
 * The outbox's delivery to sinks (engine/delivery.ts) on both databases, with recording sinks:
 * every event once per sink in log order; a sink that fails is retried with backoff while the
 * others go on; the cursor survives a restart (nothing lost, what was taken not offered again);
 * a type filter skips without blocking; two processes never deliver one sink at once; a sink
 * failing for too long is given up on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DcpEvent, DeploymentEventType } from '../src/core/events.ts';
import { createDelivery, type Delivery, type DeliveryDeps } from '../src/engine/delivery.ts';
import type { EventSink, SinkDelivery } from '../src/integrations/sinks/port.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import { silentLogger } from '../src/shared/logger.ts';
import type { Db } from '../src/store/db.ts';
import { appendEvents, relay } from '../src/store/events.ts';
import { ensureCursor, listCursors } from '../src/store/sinks.ts';
import { BACKENDS, openTestDb } from './helpers/dcp.ts';

/** A sink that records what it took; `failNext` makes its next calls take only a prefix and fail. */
class RecordingSink implements EventSink {
  readonly name: string;
  readonly taken: DcpEvent[] = [];
  calls = 0;
  failures = 0;
  /** Take this many of the next call's events, then fail. */
  failAfter: number | null = null;
  private waiters: { n: number; resolve: () => void }[] = [];
  readonly accepts?: (e: DcpEvent) => boolean;
  inFlight = 0;
  maxInFlight = 0;

  constructor(name: string, accepts?: (e: DcpEvent) => boolean) {
    this.name = name;
    this.accepts = accepts;
  }

  async deliver(events: DcpEvent[]): Promise<SinkDelivery> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    const n = this.failAfter === null ? events.length : Math.min(this.failAfter, events.length);
    const failing = this.failAfter !== null;
    this.failAfter = null;
    this.taken.push(...events.slice(0, n));
    for (const w of [...this.waiters]) if (this.taken.length >= w.n) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(); }
    const tries = events.slice(0, n + (failing ? 1 : 0)).map((e, i) => ({ eventId: e.id, at: new Date(), ok: i < n, durationMs: 1, ...(i < n ? {} : { error: 'HTTP 503' }) }));
    if (failing) this.failures++;
    for (const w of [...this.callWaiters]) if (this.failures >= w.n) { this.callWaiters.splice(this.callWaiters.indexOf(w), 1); w.resolve(); }
    return failing ? { delivered: n, tries, error: 'HTTP 503 from the receiver' } : { delivered: n, tries };
  }

  private callWaiters: { n: number; resolve: () => void }[] = [];

  /** Resolves once it has failed `n` times in all. */
  untilFailures(n: number): Promise<void> {
    if (this.failures >= n) return Promise.resolve();
    return new Promise((resolve) => this.callWaiters.push({ n, resolve }));
  }

  /** Resolves once it has taken `n` events in all. */
  until(n: number): Promise<void> {
    if (this.taken.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

let counter = 0;
async function write(db: Db, deploymentId: string, n: number, type: DeploymentEventType = 'ReleaseStarted'): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await appendEvents(tx, [{ id: `e-${++counter}`, type, time: new Date(), data: { deploymentId, statusDetail: `${counter}` } }]);
  });
  await relay(db);
}

for (const backend of BACKENDS) {
  describe(`delivery of the outbox to sinks (${backend})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const running: Delivery[] = [];
    before(async () => {
      ({ db, drop } = await openTestDb(backend));
      await write(db, 'before', 3); // history a new sink does not get
    });
    after(async () => {
      for (const d of running) await d.stop();
      await drop();
    });

    /** Starts a delivery whose sinks' cursors exist already (as a subscription's does from its creation): they get what is written next. */
    async function start(sinks: EventSink[], clock: ManualClock, more: Partial<DeliveryDeps> = {}, owner = 'p1'): Promise<Delivery> {
      for (const sink of sinks) await ensureCursor(db, sink.name, clock.now());
      const delivery = createDelivery({ db, clock, log: silentLogger, owner, sinks: async () => sinks, batch: 4, ...more });
      running.push(delivery);
      await delivery.start();
      return delivery;
    }

    test('each sink gets every new event once, in log order; a failing sink is retried with backoff while the others go on; tries are reported', async () => {
      const clock = new ManualClock();
      const a = new RecordingSink('a');
      const b = new RecordingSink('b');
      const tries: string[] = [];
      let bFailed!: () => void;
      const bFailedOnce = new Promise<void>((resolve) => (bFailed = resolve));
      const delivery = await start([a, b], clock, { onTries: async (sink, t) => void tries.push(...t.map((x) => `${sink}:${x.ok ? 'ok' : 'fail'}`)) });
      delivery.onPass((sink, error) => sink === 'b' && error && bFailed());
      b.failAfter = 2;
      await write(db, 'd1', 5);
      await write(db, 'd2', 4);
      delivery.kick();
      await a.until(9);
      assert.deepEqual(a.taken.map((e) => e.position), [...a.taken.map((e) => e.position)].sort((x, y) => x - y), 'log order');
      assert.equal(new Set(a.taken.map((e) => e.id)).size, 9, 'each once');
      assert.ok(a.taken.every((e) => e.data.deploymentId !== 'before'), 'a new sink starts at the end of the log');
      await bFailedOnce; // recorded, its retry scheduled
      const [cursor] = (await listCursors(db)).filter((c) => c.name === 'b');
      assert.equal(cursor.attempts, 1);
      assert.match(cursor.lastError ?? '', /503/);
      assert.ok(cursor.nextAttemptAt && cursor.nextAttemptAt > clock.now(), 'a retry is scheduled');
      assert.equal(b.taken.length, 2, 'nothing more until the retry is due');
      clock.advance(1000);
      await b.until(9);
      assert.deepEqual(b.taken.map((e) => e.id), a.taken.map((e) => e.id), 'the same events, in the same order, none twice');
      assert.ok(tries.includes('b:fail') && tries.filter((x) => x === 'a:ok').length === 9);
      const healthy = (await listCursors(db)).find((c) => c.name === 'b')!;
      assert.equal(healthy.attempts, 0);
      assert.equal(healthy.failingSince, null);
      await delivery.stop();
    });

    test('the cursor survives a restart: what was taken is not offered again, what came meanwhile is', async () => {
      const clock = new ManualClock();
      const sink = new RecordingSink('restart');
      const first = await start([sink], clock);
      await write(db, 'd3', 3);
      first.kick();
      await sink.until(3);
      await first.stop();
      await write(db, 'd3', 2);
      const again = new RecordingSink('restart');
      const second = await start([again], clock);
      second.kick();
      await again.until(2);
      assert.deepEqual(again.taken.map((e) => e.data.deploymentId), ['d3', 'd3']);
      assert.equal(again.taken.length, 2);
      await second.stop();
    });

    test('a sink takes only its types: the others are skipped, not waited for', async () => {
      const clock = new ManualClock();
      const failures = new RecordingSink('failures-only', (e) => e.type === 'DeploymentPhaseFailed');
      const delivery = await start([failures], clock);
      await write(db, 'd4', 3, 'ReleaseStarted');
      await write(db, 'd4', 1, 'DeploymentPhaseFailed');
      await write(db, 'd4', 2, 'ReleaseStarted');
      delivery.kick();
      await failures.until(1);
      assert.deepEqual(failures.taken.map((e) => e.type), ['DeploymentPhaseFailed']);
      await delivery.stop();
    });

    test('two processes share a sink without delivering it at once or twice', async () => {
      const clock = new ManualClock();
      const one = new RecordingSink('shared');
      const two = new RecordingSink('shared');
      const p1 = await start([one], clock, {}, 'p1');
      const p2 = await start([two], clock, {}, 'p2');
      await write(db, 'd5', 7);
      // Whoever holds the sink delivers all seven; the other finds it claimed (or nothing left).
      p1.kick();
      p2.kick();
      await Promise.race([one.until(7), two.until(7)]);
      assert.ok(one.taken.length === 0 || two.taken.length === 0, 'one process held the sink for the whole pass');
      const all = [...one.taken, ...two.taken].map((e) => e.id);
      assert.equal(new Set(all).size, all.length, 'no event twice');
      await p1.stop();
      await p2.stop();
    });

    test('a sink failing longer than the give-up time is handed to giveUp (a webhook is disabled then)', async () => {
      const clock = new ManualClock();
      const sink = new RecordingSink('webhook:x');
      const given: string[] = [];
      let passes: (() => void)[] = [];
      const failedPass = () => new Promise<void>((resolve) => passes.push(resolve));
      const delivery = await start([sink], clock, {
        giveUp: { afterMs: 24 * 3600_000, applies: (n) => n.startsWith('webhook:'), handle: async (n, e) => void given.push(`${n}: ${e}`) },
      });
      delivery.onPass((_sink, error) => {
        if (!error) return;
        const waiting = passes;
        passes = [];
        for (const resolve of waiting) resolve();
      });
      sink.failAfter = 0;
      let failed = failedPass();
      await write(db, 'd6', 1);
      delivery.kick();
      await failed; // recorded, its retry scheduled: only now may the clock move
      assert.deepEqual(given, []);
      sink.failAfter = 0;
      failed = failedPass();
      clock.advance(25 * 3600_000);
      await failed;
      assert.equal(given.length, 1);
      assert.match(given[0], /^webhook:x: HTTP 503/);
      await delivery.stop();
    });
  });
}
