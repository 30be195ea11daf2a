/**
 * The event log and the live stream: CloudEvents in commit order, paged by cursor, streamed as
 * server-sent events and resumable with Last-Event-ID.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, TOKEN, build, ended, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { seedParkedDeployments } from './helpers/seed.ts';

interface StreamedEvent {
  id: string;
  event: { type: string; position: number; data: { deploymentId: string } };
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

    test('the stream needs a token', async () => {
      const res = await fetch(`${t.url}/api/v1/stream`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    });
  });
}
