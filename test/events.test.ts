/**
 * The event log and the live stream: CloudEvents in commit order, paged by cursor, streamed as
 * server-sent events and resumable with Last-Event-ID.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StreamSink } from '../src/services/events.ts';
import { BACKENDS, TOKEN, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { seedParkedDeployments } from './helpers/seed.ts';

interface StreamedEvent {
  id: string;
  event: { type: string; position: number; data: { deploymentId: string } };
}

/** The log after `position`, oldest first, read through the API (which positions everything committed first). */
async function logAfter(t: TestDcp, position: number, deployment?: string): Promise<number[]> {
  const positions: number[] = [];
  for (;;) {
    const page = await t.api('GET', `/api/v1/events?after=${positions.at(-1) ?? position}&limit=500${deployment ? `&deployment=${deployment}` : ''}`);
    positions.push(...page.body.items.map((e: any) => e.position));
    if (page.body.nextCursor === null) return positions;
  }
}

async function newest(t: TestDcp): Promise<number> {
  return (await t.api('GET', '/api/v1/events?limit=1')).body.items[0]?.position ?? 0;
}

/** Opens the stream (resolving once the server has answered), then reads events until `until` says stop. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, ...headers }, signal: controller.signal });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  return {
    async until(stop: (e: StreamedEvent) => boolean): Promise<StreamedEvent[]> {
      const guard = setTimeout(() => controller.abort(new Error('the stream never delivered the expected events')), 20_000);
      const events: StreamedEvent[] = [];
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!id || !data) continue; // a comment (keep-alive)
            const e = { id, event: JSON.parse(data) };
            events.push(e);
            if (stop(e)) return events;
          }
        }
      } finally {
        clearTimeout(guard);
        controller.abort();
      }
      throw new Error('the stream ended');
    },
  };
}

for (const backend of BACKENDS) {
  describe(`events (${backend})`, () => {
    let t: TestDcp;
    let first: string;
    before(async () => {
      t = await startTestDcp({ backend });
      first = (await t.api('POST', '/api/v1/builds', build({ component: 'token-service' }))).body.id;
      await t.waitFor(first, ended);
    });
    after(() => t.stop());

    test('the log pages newest first by cursor, and follows oldest first with after', async () => {
      const all = await t.api('GET', '/api/v1/events?after=0&limit=500');
      const positions: number[] = all.body.items.map((e: any) => e.position);
      assert.deepEqual(positions, positions.toSorted((a, b) => a - b));
      assert.equal(new Set(positions).size, positions.length);

      const page1 = await t.api('GET', '/api/v1/events?limit=5');
      assert.deepEqual(page1.body.items.map((e: any) => e.position), positions.slice(-5).reverse());
      const page2 = await t.api('GET', `/api/v1/events?limit=5&cursor=${page1.body.nextCursor}`);
      assert.deepEqual(page2.body.items.map((e: any) => e.position), positions.slice(-10, -5).reverse());

      const follow = await t.api('GET', `/api/v1/events?after=${positions[2]}&limit=3`);
      assert.deepEqual(follow.body.items.map((e: any) => e.position), positions.slice(3, 6));

      // The filter needs a second deployment with events, not a whole run: park one in Scanning.
      const [{ id: second }] = await seedParkedDeployments(t, [{ component: 'ledger-worker' }]);
      const only = await t.api('GET', `/api/v1/events?deployment=${second}&after=0&limit=500`);
      assert.ok(only.body.items.length > 0);
      assert.ok(only.body.items.every((e: any) => e.data.deploymentId === second && e.subject === `deployments/${second}`));
    });

    test('the stream replays from a position, resumes with Last-Event-ID, and goes on live', async () => {
      const completed = (e: StreamedEvent) => e.event.type === 'DeploymentCompleted';
      const replay = await (await openStream(`${t.url}/api/v1/stream?after=0&deployment=${first}`)).until(completed);
      assert.equal(replay[0].event.type, 'DeploymentCreated');
      assert.ok(replay.every((e) => e.id === String(e.event.position) && e.event.data.deploymentId === first));

      const middle = replay[Math.floor(replay.length / 2)];
      const resumed = await (await openStream(`${t.url}/api/v1/stream?deployment=${first}`, { 'last-event-id': middle.id })).until(completed);
      assert.deepEqual(resumed.map((e) => e.id), replay.slice(replay.indexOf(middle) + 1).map((e) => e.id));

      // Live from now: the stream is open (the server answered), then the build arrives.
      const live = await openStream(`${t.url}/api/v1/stream`);
      const id = (await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent' }))).body.id;
      const seen = await live.until((e) => e.event.data.deploymentId === id && e.event.type === 'DeploymentCompleted');
      assert.ok(seen.some((e) => e.event.type === 'DeploymentCreated' && e.event.data.deploymentId === id));
    });

    test('many readers get every event once, in order, from one read of the log per batch', async () => {
      const from = await newest(t);
      const readers = await Promise.all(Array.from({ length: 20 }, () => openStream(`${t.url}/api/v1/stream`)));
      const id = (await t.api('POST', '/api/v1/builds', build({ component: 'identity-gateway' }))).body.id;
      const done = (e: StreamedEvent) => e.event.data.deploymentId === id && e.event.type === 'DeploymentCompleted';
      const seen = await Promise.all(readers.map((r) => r.until(done)));
      const log = await logAfter(t, from);
      const upTo = seen[0].at(-1)!.event.position;
      const expected = log.filter((p) => p <= upTo);
      assert.deepEqual(expected, Array.from({ length: expected.length }, (_, i) => from + 1 + i), 'the log is gap-free');
      for (const events of seen) assert.deepEqual(events.map((e) => e.event.position), expected);
    });

    test('a deployment filter streams only that deployment, live and replayed', async () => {
      const from = await newest(t);
      const [{ id: parked }] = await seedParkedDeployments(t, [{ component: 'payments-api' }]);
      const id = (await t.api('POST', '/api/v1/builds', build({ component: 'token-service' }))).body.id;
      const live = await openStream(`${t.url}/api/v1/stream?after=${from}&deployment=${id}`);
      const done = (e: StreamedEvent) => e.event.type === 'DeploymentCompleted';
      const seen = await live.until(done);
      assert.ok(seen.every((e) => e.event.data.deploymentId === id));
      assert.deepEqual(seen.map((e) => e.event.position), await logAfter(t, from, id));
      const other = await logAfter(t, from, parked);
      assert.ok(other.length > 0 && other.every((p) => !seen.some((e) => e.event.position === p)));
    });

    test('the stream needs a token', async () => {
      const res = await fetch(`${t.url}/api/v1/stream`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    });
  });
}

/** A reader that never takes what it is sent: its backlog only grows. */
function slowSink() {
  const positions: number[] = [];
  let bytes = 0;
  let onDrop!: () => void;
  const dropped = new Promise<void>((resolve) => (onDrop = resolve));
  const waits: { position: number; resolve: () => void }[] = [];
  const sink: StreamSink = {
    write(chunk) {
      const text = chunk.toString();
      bytes += text.length;
      for (const [, id] of text.matchAll(/^id: (\d+)$/gm)) {
        positions.push(Number(id));
        for (const w of waits) if (Number(id) >= w.position) w.resolve();
      }
    },
    buffered: () => bytes,
    drained: () => new Promise<void>(() => undefined),
    drop: () => onDrop(),
  };
  /** Resolves once the reader has been sent `position`. */
  const reached = (position: number) => new Promise<void>((resolve) => {
    if (positions.some((p) => p >= position)) resolve();
    else waits.push({ position, resolve });
  });
  return { sink, dropped, positions, reached };
}

for (const backend of BACKENDS) {
  describe(`stream limits (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      // A small memory and a small backlog limit: a deployment's events are more than either.
      t = await startTestDcp({ backend, env: { DCP_STREAM_MEMORY_EVENTS: '8', DCP_STREAM_BUFFER_BYTES: '4096' } });
    });
    after(() => t.stop());

    test('a slow reader past its backlog limit is dropped, and resumes with Last-Event-ID without a gap', async () => {
      const from = await newest(t);
      const slow = slowSink();
      const close = t.dcp.events.openStream({ after: from }, slow.sink);
      try {
        // A first deployment's events, all sent to the reader (more bytes than its limit)…
        const first = (await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker' }))).body.id;
        await t.waitFor(first, ended);
        const firstLog = await logAfter(t, from);
        await Promise.race([slow.dropped, slow.reached(firstLog.at(-1)!)]);
        // …then (if an earlier batch has not already) the next batch finds it has not taken them: it is dropped.
        const second = (await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker' }))).body.id;
        await slow.dropped;
        const got = [...slow.positions];
        assert.deepEqual(got, (await logAfter(t, from)).slice(0, got.length));
        assert.equal(t.dcp.events.streamStats().readers, 0, 'the dropped reader is gone');
        assert.ok(t.dcp.events.streamStats().dropped >= 1);
        const resumed = await (await openStream(`${t.url}/api/v1/stream`, { 'last-event-id': String(got.at(-1)) }))
          .until((e) => e.event.data.deploymentId === second && e.event.type === 'DeploymentCompleted');
        const all = [...got, ...resumed.map((e) => e.event.position)];
        assert.deepEqual(all, (await logAfter(t, from)).slice(0, all.length), 'no gap, nothing twice');
      } finally {
        close();
      }
    });

    test('a reader from a position older than the memory reads the log until it catches up, then goes on live', async () => {
      const first = (await t.api('POST', '/api/v1/builds', build({ component: 'token-service' }))).body.id;
      await t.waitFor(first, ended);
      const log = await logAfter(t, 0);
      assert.ok(log.length > 8, 'more events than the memory holds');
      const stream = await openStream(`${t.url}/api/v1/stream`, { 'last-event-id': '0' });
      const second = (await t.api('POST', '/api/v1/builds', build({ component: 'mule-runtime-agent' }))).body.id;
      const seen = await stream.until((e) => e.event.data.deploymentId === second && e.event.type === 'DeploymentCompleted');
      const positions = seen.map((e) => e.event.position);
      assert.deepEqual(positions, Array.from({ length: positions.length }, (_, i) => i + 1), 'every event once, in order, from the start');
      assert.deepEqual(positions, (await logAfter(t, 0)).slice(0, positions.length));
      assert.ok(t.dcp.events.streamStats().inMemory <= 8);
    });
  });
}
