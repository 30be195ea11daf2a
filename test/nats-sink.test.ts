/**
 * The NATS sink against a real nats-server with JetStream: in order, one message per event id, a
 * repeat dropped by the server, a stopped server reported (not thrown) and resumed from.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DcpEvent, DeploymentEventType } from '../src/core/events.ts';
import { createNatsSink } from '../src/integrations/sinks/nats.ts';
import { natsSink } from '../src/main.ts';
import { readSettings } from '../src/settings.ts';
import { natsAdmin, startPrivateNats, testNatsUrl, uniqueName } from './helpers/nats.ts';

function event(n: number, type: DeploymentEventType = 'DeploymentCreated'): DcpEvent {
  return {
    specversion: '1.0',
    id: `evt-${n}`,
    source: '/dcp',
    type,
    subject: 'deployments/dep-1',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    datacontenttype: 'application/json',
    data: { deploymentId: 'dep-1', to: 'Pending' },
    position: n,
  };
}

const never = new AbortController().signal;

describe('NATS sink (shared server)', () => {
  const url = testNatsUrl();
  const stream = uniqueName('DCP_EVENTS_TEST');
  const prefix = `test.${uniqueName('events')}`;
  const sink = createNatsSink({ servers: url, stream, subjectPrefix: prefix });
  let admin: Awaited<ReturnType<typeof natsAdmin>>;

  before(async () => {
    admin = await natsAdmin(url);
  });
  after(async () => {
    await sink.close();
    await admin.jsm.streams.delete(stream).catch(() => undefined);
    await admin.close();
  });

  it('creates the stream, publishes each event in order as a CloudEvent with Nats-Msg-Id, and a repeat is dropped', async () => {
    const events = [event(1), event(2, 'DeploymentPhaseFailed'), event(3, 'ReleaseStarted')];
    const first = await sink.deliver(events, never);
    assert.deepEqual({ delivered: first.delivered, error: first.error }, { delivered: 3, error: undefined });
    assert.equal(first.tries.length, 3);
    assert.ok(first.tries.every((t) => t.ok));

    const info = await admin.jsm.streams.info(stream);
    assert.deepEqual(info.config.subjects, [`${prefix}.>`]);
    assert.equal(info.config.storage, 'file');
    assert.equal(info.config.duplicate_window, 24 * 60 * 60 * 1e9);
    assert.equal(info.state.messages, 3);

    for (const [i, sent] of events.entries()) {
      const stored = await admin.jsm.streams.getMessage(stream, { seq: i + 1 });
      assert.ok(stored, `message ${i + 1} is stored`);
      assert.equal(stored.subject, `${prefix}.${sent.type}`);
      assert.equal(stored.header.get('Nats-Msg-Id'), sent.id);
      assert.equal(stored.header.get('Content-Type'), 'application/cloudevents+json');
      const { position: _position, ...cloudEvent } = sent;
      assert.deepEqual(stored.json(), cloudEvent);
    }

    // At least once: the same events again (and one new) — the server keeps one of each id.
    const again = await sink.deliver([...events, event(4)], never);
    assert.equal(again.delivered, 4);
    assert.equal(again.error, undefined);
    assert.equal((await admin.jsm.streams.info(stream)).state.messages, 4);
  });
});

describe('NATS sink (a server that stops and comes back)', () => {
  let server: Awaited<ReturnType<typeof startPrivateNats>>;
  let sink: ReturnType<typeof createNatsSink>;
  before(async () => {
    server = await startPrivateNats();
    sink = createNatsSink({ servers: server.url, ackTimeoutMs: 1_000, connect: { reconnectTimeWait: 100 } });
  });
  after(async () => {
    await sink.close();
    await server.dispose();
  });

  it('says the server is down instead of throwing, then resumes without duplicating an id', async () => {
    const events = [1, 2, 3, 4].map((n) => event(n));
    assert.equal((await sink.deliver(events.slice(0, 2), never)).delivered, 2);

    await server.stop();
    const down = await sink.deliver(events.slice(2), never);
    assert.ok(down.delivered < 2, `delivered ${down.delivered} of 2 with the server down`);
    assert.match(down.error ?? '', /not acknowledged|not reachable/);
    assert.equal(down.tries.at(-1)?.ok, false);

    await server.start();
    // What the delivery engine does: offer what is left again until it is taken (each try bounded by the ack timeout).
    let rest = events.slice(2 + down.delivered);
    for (let attempt = 1; rest.length > 0; attempt++) {
      assert.ok(attempt <= 20, 'the sink delivers again once the server is back');
      const result = await sink.deliver(rest, never);
      rest = rest.slice(result.delivered);
    }
    // And the whole batch once more, as a redelivery after a DCP restart would.
    assert.equal((await sink.deliver(events, never)).delivered, 4);

    const admin = await natsAdmin(server.url);
    try {
      const info = await admin.jsm.streams.info('DCP_EVENTS');
      assert.equal(info.state.messages, 4, 'one message per event id');
      const ids: string[] = [];
      for (let seq = 1; seq <= 4; seq++) ids.push((await admin.jsm.streams.getMessage('DCP_EVENTS', { seq }))!.header.get('Nats-Msg-Id'));
      assert.deepEqual(ids, ['evt-1', 'evt-2', 'evt-3', 'evt-4']);
    } finally {
      await admin.close();
    }
  });

  it('a first connect to a server that is down is an error, not a throw', async () => {
    const lonely = createNatsSink({ servers: 'nats://127.0.0.1:1', ackTimeoutMs: 500 });
    const result = await lonely.deliver([event(9)], never);
    assert.equal(result.delivered, 0);
    assert.match(result.error ?? '', /not reachable/);
    await lonely.close();
  });
});

describe('natsSink(settings): the sink the delivery engine registers', () => {
  it('is null without DCP_NATS_URL, else the sink named nats on DCP_NATS_STREAM', async () => {
    assert.equal(natsSink(readSettings({})), null);
    const url = testNatsUrl();
    const stream = uniqueName('DCP_EVENTS_FACTORY');
    const sink = natsSink(readSettings({ DCP_NATS_URL: url, DCP_NATS_STREAM: stream }));
    assert.ok(sink);
    assert.equal(sink.name, 'nats');
    await sink.close();
  });
});
