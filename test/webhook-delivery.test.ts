/**
 * Webhooks end to end, on both databases: an admin subscribes a loopback receiver that verifies
 * every signature with the Standard Webhooks library and refuses the first deliveries; a
 * deployment runs; every one of its events arrives once per id, in log order, and the delivery
 * log shows each try, the refused ones too. Real time: the retries wait out their backoff (1 s,
 * 2 s), which is what is being tested; nothing sleeps to wait for a state.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { systemClock } from '../src/shared/clocks.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

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
    const got: Received[] = [];
    const refused: string[] = [];
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
          const received = { id: event.id, type: event.type, deploymentId: event.data.deploymentId };
          got.push(received);
          res.writeHead(204).end();
          if (waiting?.until(received)) waiting.resolve();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dcp`;
      t = await startTestDcp({ backend, clock: systemClock });
    });
    after(async () => {
      await t.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    test('every event of a deployment arrives once, in order, signed; refused deliveries are retried and logged', async () => {
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
      assert.equal(refused.length, 2);
      assert.equal(refused[0], refused[1], 'the refused event was offered again, and nothing after it before it');
      assert.equal(mine[0].id, refused[0]);

      const deliveries = (await t.api('GET', `/api/v1/webhooks/${sub.body.id}/deliveries?limit=500`)).body.items as { eventId: string; ok: boolean; status: number | null; attempt: number }[];
      const first = deliveries.filter((d) => d.eventId === refused[0]).sort((a, b) => a.attempt - b.attempt);
      assert.deepEqual(first.map((d) => [d.attempt, d.ok, d.status]), [[1, false, 500], [2, false, 500], [3, true, 204]]);
    });
  });
}
