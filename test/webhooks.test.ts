/**
 * Webhooks (contract §7, §10): the subscription API over HTTP on both backends, the store
 * functions delivery uses, and the webhook sink against loopback receivers that verify every
 * signature with the Standard Webhooks reference library (`Webhook.verify`). No sleeps: a receiver
 * answers (or not) as told, and every assertion follows an awaited call.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { DcpEvent, DeploymentEventType } from '../src/core/events.ts';
import { CLOUDEVENTS_JSON } from '../src/integrations/sinks/cloudevent.ts';
import { createWebhookSink, retryAfter } from '../src/integrations/sinks/webhook.ts';
import { refuseUrl } from '../src/services/webhooks.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import { disableSubscription, enabledSubscriptions, recordDeliveries } from '../src/store/webhooks.ts';
import { REFUSED_URL } from './contracts/servers.ts';
import { BACKENDS, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const SECRET_FORM = /^whsec_[A-Za-z0-9+/]{32}$/; // 24 random bytes, base64

for (const backend of BACKENDS) {
  describe(`webhook subscriptions API (${backend})`, () => {
    let t: TestDcp;
    const clock = new ManualClock();
    before(async () => {
      t = await startTestDcp({ backend, clock, env: { DCP_PUBLIC_URL: 'https://dcp.example.com/' } });
    });
    after(() => t.stop());

    test('create shows the secret once; list pages newest first and never shows it; delete removes it', async () => {
      const made = await t.api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', types: ['DeploymentFailed', 'ReleaseFailed'], description: 'on-call' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.match(made.body.secret, SECRET_FORM);
      assert.equal(made.headers.get('location'), `/api/v1/webhooks/${made.body.id}`);
      assert.deepEqual({ ...made.body, id: undefined, secret: undefined, createdAt: undefined }, {
        id: undefined, secret: undefined, createdAt: undefined, url: 'http://127.0.0.1:9/hooks', types: ['DeploymentFailed', 'ReleaseFailed'],
        description: 'on-call', createdBy: 'admin', disabledAt: null, disabledReason: null,
      });
      clock.advance(1000); // newest first: a later one (ids made in the same millisecond are in no order)
      const all = await t.api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/dcp' });
      assert.equal(all.status, 201);
      assert.equal(all.body.types, null, 'no types: every type');
      assert.notEqual(all.body.secret, made.body.secret);

      const first = await t.api('GET', '/api/v1/webhooks?limit=1');
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.items.map((w: { id: string }) => w.id), [all.body.id]);
      assert.ok(first.body.nextCursor);
      const second = await t.api('GET', `/api/v1/webhooks?limit=1&cursor=${first.body.nextCursor}`);
      assert.deepEqual(second.body.items.map((w: { id: string }) => w.id), [made.body.id]);
      assert.equal(second.body.nextCursor, null);
      const listed = JSON.stringify([first.body, second.body]);
      assert.ok(!listed.includes(made.body.secret) && !listed.includes(all.body.secret) && !listed.includes('"secret"'), 'GET never shows a secret');
      assert.equal((await t.api('GET', '/api/v1/webhooks?cursor=nonsense')).status, 400);

      const deleted = await t.api('DELETE', `/api/v1/webhooks/${made.body.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.id, made.body.id);
      assert.ok(!('secret' in deleted.body));
      assert.equal((await t.api('DELETE', `/api/v1/webhooks/${made.body.id}`)).status, 404);
      assert.equal((await t.api('GET', `/api/v1/webhooks/${made.body.id}/deliveries`)).status, 404);
      assert.deepEqual((await t.api('GET', '/api/v1/webhooks')).body.items.map((w: { id: string }) => w.id), [all.body.id]);
      await t.api('DELETE', `/api/v1/webhooks/${all.body.id}`);
    });

    test('refuses a URL that is not http(s), carries credentials or points at DCP itself, naming `url`', async () => {
      const dcpPort = new URL(t.url).port;
      const refused = [
        'ftp://example.com/hooks', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'https://user:pass@hooks.example.com/',
        'https://dcp.example.com/api/v1/builds', // DCP_PUBLIC_URL's origin
        `${t.url}/api/v1/builds`, `http://localhost:${dcpPort}/x`, `http://127.0.0.1:${dcpPort}/`, `http://[::1]:${dcpPort}/`, `http://0.0.0.0:${dcpPort}/`,
      ];
      for (const url of refused) {
        const res = await t.api('POST', '/api/v1/webhooks', { url });
        assert.ok(res.status === 400 || res.status === 422, `${url} → ${res.status}`);
        assert.ok(res.body.errors.some((e: { field: string }) => /(^|\.)url$/.test(e.field)), `${url}: ${JSON.stringify(res.body)}`);
      }
      // Loopback on another port is another service (a receiver beside DCP; these tests' own).
      const beside = await t.api('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${Number(dcpPort) === 65535 ? 65534 : Number(dcpPort) + 1}/hooks` });
      assert.equal(beside.status, 201, JSON.stringify(beside.body));
      await t.api('DELETE', `/api/v1/webhooks/${beside.body.id}`);
    });

    test('unknown event types are refused, named', async () => {
      const res = await t.api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/', types: ['DeploymentFailed', 'DeploymentExploded', 'Nope'] });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /DeploymentExploded, Nope/);
      assert.equal(res.body.errors[0].field, 'types');
      assert.equal((await t.api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/', types: [] })).status, 400);
      assert.equal((await t.api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/', secret: 'mine' })).status, 400, 'no secret of the caller\'s choosing');
    });

    test('only admins manage subscriptions', async () => {
      const made = await t.api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/admins' });
      for (const user of ['bob', 'zoe']) {
        const as = await t.as(user);
        assert.equal((await as('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/' })).status, 403);
        assert.equal((await as('GET', '/api/v1/webhooks')).status, 403);
        assert.equal((await as('DELETE', `/api/v1/webhooks/${made.body.id}`)).status, 403);
        assert.equal((await as('GET', `/api/v1/webhooks/${made.body.id}/deliveries`)).status, 403);
      }
      assert.equal((await t.api('GET', '/api/v1/webhooks', undefined, { authorization: '' })).status, 401);
      await t.api('DELETE', `/api/v1/webhooks/${made.body.id}`);
    });

    test('delivery\'s store functions: enabled subscriptions with their secrets, tries in the log numbered per event, disabling', async () => {
      const a = (await t.api('POST', '/api/v1/webhooks', { url: 'https://a.example.com/', types: ['DeploymentFailed'] })).body;
      clock.advance(1000);
      const b = (await t.api('POST', '/api/v1/webhooks', { url: 'https://b.example.com/' })).body;
      const enabled = await enabledSubscriptions(t.dcp.db);
      assert.deepEqual(enabled.map((s) => [s.id, s.url, s.types, s.secret]), [[a.id, a.url, ['DeploymentFailed'], a.secret], [b.id, b.url, null, b.secret]]);

      const at = new Date('2026-01-05T09:00:00Z');
      await t.dcp.db.transaction((tx) => recordDeliveries(tx, a.id, [
        { eventId: 'e1', at, ok: false, status: 500, error: 'HTTP 500: boom', durationMs: 12.4 },
        { eventId: 'e1', at, ok: false, error: 'timed out after 10000 ms', durationMs: 10000 },
      ]));
      await t.dcp.db.transaction((tx) => recordDeliveries(tx, a.id, [
        { eventId: 'e1', at, ok: true, status: 204, durationMs: 3 },
        { eventId: 'e2', at, ok: true, status: 200, durationMs: 4 },
      ]));
      await t.dcp.db.transaction((tx) => recordDeliveries(tx, 'deleted-meanwhile', [{ eventId: 'e1', at, ok: true, status: 200, durationMs: 1 }]));

      const page = await t.api('GET', `/api/v1/webhooks/${a.id}/deliveries?limit=3`);
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.items.map((d: any) => [d.eventId, d.attempt, d.ok, d.status, d.error]), [
        ['e2', 1, true, 200, null], ['e1', 3, true, 204, null], ['e1', 2, false, null, 'timed out after 10000 ms'],
      ]);
      assert.equal(page.body.items[0].subscriptionId, a.id);
      assert.equal(page.body.items[0].at, at.toISOString());
      const rest = await t.api('GET', `/api/v1/webhooks/${a.id}/deliveries?limit=3&cursor=${page.body.nextCursor}`);
      assert.deepEqual(rest.body.items.map((d: any) => [d.eventId, d.attempt, d.status, d.durationMs]), [['e1', 1, 500, 12]]);
      assert.equal(rest.body.nextCursor, null);
      assert.deepEqual((await t.api('GET', `/api/v1/webhooks/${b.id}/deliveries`)).body, { items: [], nextCursor: null });

      const disabled = await t.dcp.db.transaction((tx) => disableSubscription(tx, a.id, 'failing for 24 h: HTTP 500', t.clock.now()));
      assert.equal(disabled?.disabledReason, 'failing for 24 h: HTTP 500');
      assert.equal(await t.dcp.db.transaction((tx) => disableSubscription(tx, a.id, 'again', t.clock.now())), null, 'the first reason stands');
      assert.deepEqual((await enabledSubscriptions(t.dcp.db)).map((s) => s.id), [b.id]);
      const listed = (await t.api('GET', '/api/v1/webhooks')).body.items.find((w: { id: string }) => w.id === a.id);
      assert.equal(listed.disabledReason, 'failing for 24 h: HTTP 500');
      assert.equal(listed.disabledAt, t.clock.now().toISOString());

      assert.equal((await t.api('DELETE', `/api/v1/webhooks/${a.id}`)).status, 200);
      assert.equal(Number((await t.dcp.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1', [a.id]))[0].n), 0);
      await t.api('DELETE', `/api/v1/webhooks/${b.id}`);
    });
  });
}

test('refuseUrl: DCP itself is its public origin and its listening address, whatever the loopback spelling', () => {
  const self = { publicUrl: 'https://dcp.example.com', host: '0.0.0.0', port: 8080 };
  assert.ok(refuseUrl('https://dcp.example.com:443/x', self));
  assert.ok(refuseUrl('http://localhost:8080/', self));
  assert.ok(refuseUrl('http://127.1:8080/', self), 'a short IPv4 form is still loopback');
  assert.ok(refuseUrl('http://[::ffff:127.0.0.1]:8080/', self));
  assert.equal(refuseUrl('http://localhost:8081/', self), null);
  assert.equal(refuseUrl('https://dcp.example.com:8443/', self), null, 'another origin on the same host');
  assert.equal(refuseUrl('http://10.0.0.5:8080/', { ...self, host: '127.0.0.1' }), null, 'another host on the same port');
});

// --- The sink, against loopback receivers ---

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  event: Record<string, unknown>;
}

/** A receiver that verifies each delivery's signature and answers as `answer` says (null: never). */
async function receiver(secret: string, answer: (n: number, res: ServerResponse) => boolean | void): Promise<{ url: string; got: Received[]; server: Server; close(): Promise<void> }> {
  const verifier = new Webhook(secret);
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      try {
        verifier.verify(body, headers); // throws on a bad signature or a stale timestamp
      } catch (error) {
        res.writeHead(401).end(`bad signature: ${(error as Error).message}`);
        return;
      }
      got.push({ headers: req.headers, body, event: JSON.parse(body) });
      answer(got.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`, got, server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const SECRET = `whsec_${Buffer.from('a test key of twenty-four').toString('base64')}`;
const ok = (_n: number, res: ServerResponse) => void res.writeHead(204).end();

function events(types: DeploymentEventType[]): DcpEvent[] {
  return types.map((type, i) => ({
    specversion: '1.0', id: `019b8a51-7c00-7000-8000-00000000000${i}`, source: '/dcp', type, subject: 'deployments/d-1',
    time: `2026-01-05T09:00:0${i}.000Z`, datacontenttype: 'application/json', data: { deploymentId: 'd-1', from: 'Deploying', to: 'Failed' }, position: 40 + i,
  }));
}

describe('webhook sink', () => {
  const never = new AbortController().signal;

  test('delivers a batch in order, each a signed structured CloudEvent that verifies', async () => {
    const r = await receiver(SECRET, ok);
    try {
      const sink = createWebhookSink({ id: 'w1', url: r.url, secret: SECRET });
      assert.equal(sink.name, 'webhook:w1');
      const batch = events(['DeploymentCreated', 'DeploymentPhaseStarted', 'ReleaseFailed']);
      const result = await sink.deliver(batch, never);
      assert.equal(result.delivered, 3);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.tries.map((x) => [x.eventId, x.ok, x.status]), batch.map((e) => [e.id, true, 204]));
      assert.deepEqual(r.got.map((g) => g.headers['webhook-id']), batch.map((e) => e.id));
      for (const [i, g] of r.got.entries()) {
        assert.equal(g.headers['content-type'], CLOUDEVENTS_JSON);
        assert.match(String(g.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
        assert.match(String(g.headers['webhook-timestamp']), /^\d+$/);
        const { position: _position, ...cloudEvent } = batch[i];
        assert.deepEqual(g.event, cloudEvent, 'the body is the CloudEvent, without DCP\'s position');
      }
      // And a forged signature is what a receiver refuses (the verifier above is real).
      assert.throws(() => new Webhook(SECRET).verify(r.got[0].body.replace('d-1', 'd-2'), Object.fromEntries(Object.entries(r.got[0].headers).map(([k, v]) => [k, String(v)]))));
    } finally {
      await r.close();
    }
  });

  test('accepts only the subscribed types', () => {
    const sink = createWebhookSink({ id: 'w2', url: 'http://127.0.0.1:9/', secret: SECRET, types: ['DeploymentFailed'] });
    const [created, failed] = events(['DeploymentCreated', 'DeploymentFailed']);
    assert.equal(sink.accepts!(created), false);
    assert.equal(sink.accepts!(failed), true);
    assert.equal(createWebhookSink({ id: 'w3', url: 'http://127.0.0.1:9/', secret: SECRET, types: null }).accepts!(created), true);
  });

  test('a receiver failing after the first two: the prefix is delivered, the tries say why', async () => {
    const r = await receiver(SECRET, (n, res) => {
      if (n <= 2) res.writeHead(200).end('ok');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('database   is\ndown');
    });
    try {
      const result = await createWebhookSink({ id: 'w4', url: r.url, secret: SECRET }).deliver(events(['DeploymentCreated', 'DeploymentScanned', 'DeploymentFailed', 'DeploymentCancelled']), never);
      assert.equal(result.delivered, 2);
      assert.equal(result.tries.length, 3, 'it stops at the first failure');
      assert.deepEqual(result.tries.map((x) => [x.ok, x.status]), [[true, 200], [true, 200], [false, 500]]);
      assert.equal(result.tries[2].error, 'HTTP 500: database is down');
      assert.equal(result.error, 'HTTP 500: database is down');
      assert.equal(result.retryAfterMs, undefined);
      assert.equal(r.got.length, 3);
    } finally {
      await r.close();
    }
  });

  test('a receiver failing the first two calls: one try per call, then the whole batch goes', async () => {
    let calls = 0;
    const r = await receiver(SECRET, (_n, res) => {
      calls++;
      if (calls <= 2) res.writeHead(502).end();
      else res.writeHead(202).end();
    });
    try {
      const sink = createWebhookSink({ id: 'w5', url: r.url, secret: SECRET });
      const batch = events(['DeploymentCreated', 'DeploymentFailed']);
      for (let i = 0; i < 2; i++) {
        const failed = await sink.deliver(batch, never);
        assert.equal(failed.delivered, 0);
        assert.deepEqual(failed.tries.map((x) => [x.eventId, x.ok, x.status, x.error]), [[batch[0].id, false, 502, 'HTTP 502']]);
      }
      const result = await sink.deliver(batch, never);
      assert.equal(result.delivered, 2);
      assert.equal(result.tries.length, 2);
    } finally {
      await r.close();
    }
  });

  test('a receiver that never answers: a failed try with a timeout error', async () => {
    const r = await receiver(SECRET, () => true); // holds the request open
    try {
      const result = await createWebhookSink({ id: 'w6', url: r.url, secret: SECRET, timeoutMs: 150 }).deliver(events(['DeploymentFailed', 'DeploymentCancelled']), never);
      assert.equal(result.delivered, 0);
      assert.equal(result.tries.length, 1);
      assert.equal(result.tries[0].ok, false);
      assert.equal(result.tries[0].status, undefined);
      assert.equal(result.tries[0].error, 'timed out after 150 ms');
      assert.ok(result.tries[0].durationMs >= 100);
    } finally {
      await r.close();
    }
  });

  test('429 and 503 with Retry-After: retryAfterMs', async () => {
    const answers = [
      (res: ServerResponse) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'),
      (res: ServerResponse) => res.writeHead(503, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }).end(),
      (res: ServerResponse) => res.writeHead(500, { 'retry-after': '5' }).end(),
    ];
    const r = await receiver(SECRET, (n, res) => void answers[n - 1](res));
    try {
      const sink = createWebhookSink({ id: 'w7', url: r.url, secret: SECRET });
      const [event] = events(['DeploymentFailed']);
      const limited = await sink.deliver([event], never);
      assert.equal(limited.retryAfterMs, 120_000);
      assert.equal(limited.tries[0].status, 429);
      assert.equal(limited.error, 'HTTP 429: slow down');
      const unavailable = await sink.deliver([event], never);
      assert.ok(unavailable.retryAfterMs! > 3_590_000 && unavailable.retryAfterMs! <= 3_600_000, String(unavailable.retryAfterMs));
      assert.equal((await sink.deliver([event], never)).retryAfterMs, undefined, 'only 429 and 503 ask to wait');
    } finally {
      await r.close();
    }
    assert.equal(retryAfter('nonsense', new Date()), undefined);
  });

  test('never follows a redirect: a 3xx is a failure', async () => {
    const target = await receiver(SECRET, ok);
    const r = await receiver(SECRET, (_n, res) => void res.writeHead(307, { location: target.url }).end());
    try {
      const result = await createWebhookSink({ id: 'w8', url: r.url, secret: SECRET }).deliver(events(['DeploymentFailed']), never);
      assert.equal(result.delivered, 0);
      assert.equal(result.tries[0].status, 307);
      assert.match(result.error!, /redirected to http:\/\/127\.0\.0\.1:\d+\/hooks; redirects are not followed/);
      assert.equal(target.got.length, 0);
    } finally {
      await r.close();
      await target.close();
    }
  });

  test('a refused connection is a failed try that says so', async () => {
    const result = await createWebhookSink({ id: 'w9', url: `${REFUSED_URL}/hooks`, secret: SECRET }).deliver(events(['DeploymentFailed']), never);
    assert.equal(result.delivered, 0);
    assert.equal(result.tries.length, 1);
    assert.match(result.error!, /ECONNREFUSED/);
  });

  test('a receiver with the wrong secret refuses, and that is a failure like any other', async () => {
    const r = await receiver(`whsec_${Buffer.from('another key entirely, 24b').toString('base64')}`, ok);
    try {
      const result = await createWebhookSink({ id: 'w10', url: r.url, secret: SECRET }).deliver(events(['DeploymentFailed']), never);
      assert.equal(result.tries[0].status, 401);
      assert.match(result.error!, /bad signature: No matching signature found/);
    } finally {
      await r.close();
    }
  });
});
