/**
 * Webhooks end to end, on both databases: an admin subscribes a loopback receiver that verifies
 * every signature with the Standard Webhooks library, refuses the first two deliveries and then
 * leaves one unanswered past DCP_WEBHOOK_TIMEOUT; a deployment runs; every one of its events
 * arrives once per id, in log order, and the delivery log shows each try, the refused and the
 * timed-out ones too. Real time: the retries wait out their backoff (1 s, 2 s, 4 s) and the
 * timeout (500 ms), which is what is being tested; nothing sleeps to wait for a state.
 *
 * A subscription that fails for a day is disabled, and a WebhookSubscriptionDisabled event says so
 * (with a manual clock: a day of backoff passes in a few steps).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ManualClock, systemClock } from '../src/shared/clocks.ts';
import { BACKENDS, TOKEN, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

interface Received {
  id: string;
  type: string;
  deploymentId: string;
}

for (const backend of BACKENDS) {
  describe(`webhook delivery (${backend})`, () => {
    let t: TestDcp;
    let server: Server;
    let url: string;
    let secret = '';
    let refuse = 2;
    let hang = 1;
    const got: Received[] = [];
    const refused: string[] = [];
    const unanswered: ServerResponse[] = [];
    let waiting: { until: (r: Received) => boolean; resolve: () => void } | null = null;

    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
          let event: { id: string; type: string; data: { deploymentId: string } };
          try {
            event = new Webhook(secret).verify(body, headers) as typeof event;
          } catch (error) {
            res.writeHead(401).end(String(error));
            return;
          }
          if (refuse > 0) {
            refuse--;
            refused.push(event.id);
            res.writeHead(500).end('not now');
            return;
          }
          if (hang > 0) {
            hang--;
            refused.push(event.id);
            unanswered.push(res); // answered only when the test ends: DCP's timeout ends the try
            return;
          }
          const received = { id: event.id, type: event.type, deploymentId: event.data.deploymentId };
          got.push(received);
          res.writeHead(204).end();
          if (waiting?.until(received)) waiting.resolve();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dcp`;
      t = await startTestDcp({ backend, clock: systemClock, env: { DCP_WEBHOOK_TIMEOUT: '500ms' } });
    });
    after(async () => {
      await t.stop();
      for (const res of unanswered) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    test('every event of a deployment arrives once, in order, signed; refused and timed-out deliveries are retried and logged', async () => {
      const sub = await t.api('POST', '/api/v1/webhooks', { url, description: 'e2e receiver' });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      secret = sub.body.secret;
      const received = new Promise<void>((resolve) => (waiting = { until: (r) => r.type === 'DeploymentCompleted', resolve }));
      // The delivery log is written when the call that delivered the last event returns: wait for that pass.
      let logged = false;
      let recorded!: () => void;
      const done = Promise.all([received, new Promise<void>((resolve) => (recorded = resolve))]);
      const off = t.dcp.delivery.onPass((sink, error) => {
        if (sink === `webhook:${sub.body.id}` && !error && got.some((r) => r.type === 'DeploymentCompleted') && !logged) {
          logged = true;
          recorded();
        }
      });
      const res = await t.api('POST', '/api/v1/builds', build({ strategy: 'fast' }));
      assert.equal(res.status, 201);
      const id: string = res.body.id;
      await t.waitFor(id, (d) => d.status === 'Completed');
      await done;
      off();

      const log = (await t.api('GET', `/api/v1/events?deployment=${id}&limit=500`)).body.items as { id: string; position: number }[];
      const mine = got.filter((r) => r.deploymentId === id);
      assert.deepEqual(mine.map((r) => r.id), log.toSorted((a, b) => a.position - b.position).map((e) => e.id), 'every event, once, in log order');
      assert.equal(refused.length, 3);
      assert.deepEqual(new Set(refused), new Set([refused[0]]), 'the refused event was offered again, and nothing after it before it');
      assert.equal(mine[0].id, refused[0]);

      const deliveries = (await t.api('GET', `/api/v1/webhooks/${sub.body.id}/deliveries?limit=500`)).body.items as
        { eventId: string; ok: boolean; status: number | null; attempt: number; error: string | null }[];
      const first = deliveries.filter((d) => d.eventId === refused[0]).sort((a, b) => a.attempt - b.attempt);
      assert.deepEqual(first.map((d) => [d.attempt, d.ok, d.status]), [[1, false, 500], [2, false, 500], [3, false, null], [4, true, 204]]);
      assert.match(first[2].error ?? '', /timed out after 500 ms/);
      assert.deepEqual(deliveries.filter((d) => d.eventId !== refused[0]).map((d) => [d.attempt, d.ok]), mine.slice(1).map(() => [1, true]), 'every other event on its first try');
    });
  });

  describe(`a webhook subscription failing for a day (${backend})`, () => {
    let t: TestDcp;
    let server: Server;
    let url: string;

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(503).end('down for maintenance'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dcp?token=s3cret`;
      t = await startTestDcp({ backend });
    });
    after(async () => {
      await t.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    test('is disabled; a WebhookSubscriptionDisabled event (on the stream, without the URL\'s secret) and the audit trail say why', async () => {
      const clock = t.clock as ManualClock;
      // The live stream from now: the event DCP writes when it gives up arrives on it.
      const controller = new AbortController();
      const stream = await fetch(`${t.url}/api/v1/stream`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
      assert.equal(stream.status, 200);
      const disabledEvent = (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of stream.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          const line = buffer.split('\n').find((l) => l.startsWith('data: ') && l.includes('"WebhookSubscriptionDisabled"'));
          if (line) return JSON.parse(line.slice('data: '.length));
        }
        throw new Error('the stream ended');
      })();

      const sub = await t.api('POST', '/api/v1/webhooks', { url, types: ['DeploymentCreated'] });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      let failed!: () => void;
      const off = t.dcp.delivery.onPass((sink, error) => {
        if (sink === `webhook:${sub.body.id}` && error) failed();
      });
      const nextFailure = () => new Promise<void>((resolve) => (failed = resolve));
      let failure = nextFailure();
      assert.equal((await t.api('POST', '/api/v1/builds', build())).status, 201);

      // Each failed try, then the clock past its backoff (never above an hour) to the next one, until a day has passed.
      const start = clock.now().getTime();
      let tries = 0;
      while (clock.now().getTime() - start < 24 * 3600_000) {
        await failure;
        tries++;
        failure = nextFailure();
        clock.advance(3600_000);
      }
      const event = await disabledEvent;
      controller.abort();
      off();

      assert.ok(tries >= 24, `${tries} tries`);
      assert.equal(event.subject, `webhooks/${sub.body.id}`);
      assert.equal(event.data.deploymentId, undefined);
      assert.equal(event.data.subscriptionId, sub.body.id);
      assert.equal(event.data.origin, new URL(url).origin, 'the origin only: the query holds a secret');
      assert.ok(!JSON.stringify(event).includes('s3cret'));
      assert.match(event.data.reason, /^failing for a day: .*503/);

      const listed = (await t.api('GET', '/api/v1/webhooks')).body.items.find((w: { id: string }) => w.id === sub.body.id);
      assert.equal(listed.disabledReason, event.data.reason);
      assert.ok(listed.disabledAt);
      const audit = (await t.api('GET', `/api/v1/audit?resource=${encodeURIComponent(`webhooks/${sub.body.id}`)}`)).body.items as { actor: string; action: string }[];
      assert.ok(audit.some((r) => r.actor === 'dcp-delivery' && r.action === 'webhook.disable'), JSON.stringify(audit));
    });
  });
}
