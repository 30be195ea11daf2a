/**
 * BuildCompleted from NATS (contract §3, §10): a whole DCP with DCP_NATS_URL consumes the builds
 * subject; a build becomes one deployment, a repeat none, a malformed message is terminated and
 * the next one still taken, a structured CloudEvent works. Waits are on the consumer's outcomes
 * (after its ack is confirmed), never on time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { startNatsBuildConsumer, streamNameFor, takesTermReason, type BuildMessageOutcome, type BuildMessageRejection, type NatsBuildConsumer } from '../src/integrations/bus/nats-builds.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { natsAdmin, startPrivateNats, testNatsUrl, uniqueName } from './helpers/nats.ts';

/** Every outcome of the consumer from its start, and a wait for the settling one (ack or term) of a stream seq. */
function recordOutcomes(consumer: NatsBuildConsumer): (seq: number) => Promise<BuildMessageOutcome> {
  const seen = new Map<number, BuildMessageOutcome>();
  const waiting = new Map<number, (o: BuildMessageOutcome) => void>();
  consumer.onOutcome((o) => {
    if (o.outcome === 'nak') return;
    seen.set(o.seq, o);
    waiting.get(o.seq)?.(o);
  });
  return (seq) => new Promise((resolve, reject) => {
    const known = seen.get(seq);
    if (known) return resolve(known);
    // A guard against a hung test, not a wait for state.
    const guard = setTimeout(() => reject(new Error(`no outcome for stream seq ${seq}`)), 20_000);
    waiting.set(seq, (o) => {
      clearTimeout(guard);
      waiting.delete(seq);
      resolve(o);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`BuildCompleted from NATS (${backend})`, () => {
    const url = testNatsUrl();
    const subject = `test.${uniqueName('builds')}`;
    let t: TestDcp;
    let admin: Awaited<ReturnType<typeof natsAdmin>>;
    let js: JetStreamClient;
    let outcomeOf: (seq: number) => Promise<BuildMessageOutcome>;

    before(async () => {
      t = await startTestDcp({ backend, env: { DCP_NATS_URL: url, DCP_NATS_BUILDS_SUBJECT: subject } });
      const consumer = t.dcp.natsBuilds;
      assert.ok(consumer, 'DCP_NATS_URL starts the consumer');
      outcomeOf = recordOutcomes(consumer);
      await consumer.ready();
      admin = await natsAdmin(url);
      js = jetstream(admin.nc);
    });
    after(async () => {
      const stream = await admin.jsm.streams.find(subject).catch(() => null);
      await t.stop();
      if (stream) await admin.jsm.streams.delete(stream);
      await admin.close();
    });

    /** Publishes and waits for what the consumer did with it. */
    async function send(payload: string | object): Promise<BuildMessageOutcome> {
      const ack = await js.publish(subject, typeof payload === 'string' ? payload : JSON.stringify(payload));
      return outcomeOf(ack.seq);
    }

    async function deploymentsOf(buildId: string): Promise<{ id: string; triggeredBy: string }[]> {
      const res = await t.api('GET', `/api/v1/deployments?q=${encodeURIComponent(buildId)}`);
      assert.equal(res.status, 200);
      return res.body.items.filter((d: { buildId: string }) => d.buildId === buildId);
    }

    it('creates the stream over the subject and the durable consumer dcp-builds', async () => {
      const stream = await admin.jsm.streams.find(subject);
      const info = await admin.jsm.streams.info(stream);
      assert.deepEqual(info.config.subjects, [subject]);
      const durable = await admin.jsm.consumers.info(stream, 'dcp-builds');
      assert.equal(durable.config.ack_policy, 'explicit');
      assert.equal(durable.config.filter_subject, subject);
    });

    it('a valid build becomes one deployment, and the same build again none more', async () => {
      const body = build();
      const created = await send(body);
      assert.deepEqual([created.outcome, created.deliveryCount], ['ack', 1]);
      const [first, ...others] = await deploymentsOf(body.buildId);
      assert.ok(first, 'a deployment was made');
      assert.equal(others.length, 0);

      assert.equal((await send(body)).outcome, 'ack', 'a repeat is acked: the deployment exists');
      assert.deepEqual((await deploymentsOf(body.buildId)).map((d) => d.id), [first.id]);

      const audit = await t.api('GET', `/api/v1/audit?resource=${encodeURIComponent(`deployments/${first.id}`)}`);
      assert.equal(audit.status, 200);
      assert.ok(audit.body.items.length >= 2, 'the build and its repeat are audited');
      assert.ok(audit.body.items.every((r: { actor: string }) => r.actor === 'nats'), JSON.stringify(audit.body.items));
    });

    it('a malformed build is terminated, naming the field, and the next one is still consumed', async () => {
      const { component: _component, ...noComponent } = build();
      const bad = await send(noComponent);
      assert.equal(bad.outcome, 'term');
      assert.match(bad.reason ?? '', /malformed BuildCompleted .*component is required/);
      assert.equal((await deploymentsOf(noComponent.buildId)).length, 0);

      const notJson = await send('{"buildId": ');
      assert.equal(notJson.outcome, 'term');
      assert.match(notJson.reason ?? '', /not JSON/);

      const unknownBuild = build({ component: 'no-such-service' });
      const unknown = await send(unknownBuild);
      assert.equal(unknown.outcome, 'term');
      assert.match(unknown.reason ?? '', /BuildCompleted refused .*no-such-service/);

      const good = build();
      const ok = await send(good);
      assert.equal(ok.outcome, 'ack');
      assert.equal((await deploymentsOf(good.buildId)).length, 1);

      // Each terminated message is a BuildRejected event, once, saying why.
      const log = await t.api('GET', '/api/v1/events?limit=100');
      assert.equal(log.status, 200);
      const rejected = log.body.items
        .filter((e: { type: string; data: { busSubject?: string } }) => e.type === 'BuildRejected' && e.data.busSubject === subject)
        .map((e: { subject: string; data: { streamSequence: number; buildId?: string; reason: string } }) =>
          [e.data.streamSequence, e.subject, e.data.buildId ?? null, e.data.reason]);
      assert.deepEqual(rejected.reverse(), [
        [bad.seq, 'builds', null, bad.reason],
        [notJson.seq, 'builds', null, notJson.reason],
        [unknown.seq, `builds/${unknownBuild.buildId}`, unknownBuild.buildId, unknown.reason],
      ]);

      // Terminated messages are never redelivered: everything up to the last one is settled.
      const stream = await admin.jsm.streams.find(subject);
      const state = await admin.jsm.consumers.info(stream, 'dcp-builds');
      assert.equal(state.ack_floor.stream_seq, ok.seq);
      assert.equal(state.num_ack_pending, 0);
      assert.equal(state.num_redelivered, 0);
    });

    it('a structured CloudEvent whose data is the build works', async () => {
      const body = build();
      const outcome = await send({ specversion: '1.0', id: 'ce-1', source: 'ci', type: 'BuildCompleted', datacontenttype: 'application/json', data: body });
      assert.equal(outcome.outcome, 'ack');
      assert.equal((await deploymentsOf(body.buildId)).length, 1);

      const other = await send({ specversion: '1.0', id: 'ce-2', source: 'ci', type: 'SomethingElse', data: build() });
      assert.equal(other.outcome, 'term');
      assert.match(other.reason ?? '', /type/);
    });
  });
}

describe('the NATS builds consumer alone', () => {
  it('a handler that throws is nak\'ed and the message redelivered; stop() ends it cleanly', async () => {
    const url = testNatsUrl();
    const subject = `test.${uniqueName('retry')}`;
    let calls = 0;
    const consumer = startNatsBuildConsumer({
      servers: url,
      subject,
      log: silentLogger,
      retryDelayMs: () => 0,
      handle: async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return 'ack';
      },
    });
    const outcomeOf = recordOutcomes(consumer);
    const admin = await natsAdmin(url);
    try {
      await consumer.ready();
      const ack = await jetstream(admin.nc).publish(subject, JSON.stringify({ any: 'thing' }));
      const settled = await outcomeOf(ack.seq);
      assert.deepEqual([settled.outcome, settled.deliveryCount, calls], ['ack', 2, 2]);
      assert.equal(await admin.jsm.streams.find(subject), streamNameFor(subject));
    } finally {
      await consumer.stop();
      await admin.jsm.streams.delete(streamNameFor(subject)).catch(() => undefined);
      await admin.close();
    }
  });

  it('a rejection that cannot be recorded is nak\'ed, and reported again on the redelivery under the same name', async () => {
    const url = testNatsUrl();
    const subject = `test.${uniqueName('rejected')}`;
    const reports: BuildMessageRejection[] = [];
    const consumer = startNatsBuildConsumer({
      servers: url,
      subject,
      log: silentLogger,
      retryDelayMs: () => 0,
      handle: async () => ({ term: 'malformed BuildCompleted b-9: /version must be string', buildId: 'b-9' }),
      rejected: async (rejection) => {
        reports.push(rejection);
        if (reports.length === 1) throw new Error('database down');
      },
    });
    const outcomeOf = recordOutcomes(consumer);
    const admin = await natsAdmin(url);
    try {
      await consumer.ready();
      const ack = await jetstream(admin.nc).publish(subject, JSON.stringify({ buildId: 'b-9', version: 9 }));
      const settled = await outcomeOf(ack.seq);
      assert.deepEqual([settled.outcome, settled.deliveryCount], ['term', 2]);
      assert.equal(reports.length, 2);
      assert.equal(reports[0].message, reports[1].message, 'the redelivery names the same message: one event');
      assert.deepEqual({ ...reports[1], message: undefined }, {
        reason: 'malformed BuildCompleted b-9: /version must be string', buildId: 'b-9', subject, seq: ack.seq, message: undefined,
      });
    } finally {
      await consumer.stop();
      await admin.jsm.streams.delete(streamNameFor(subject)).catch(() => undefined);
      await admin.close();
    }
  });

  it('keeps consuming across a NATS restart (the durable and its stream survive on the store)', async () => {
    const server = await startPrivateNats();
    const handled: unknown[] = [];
    const consumer = startNatsBuildConsumer({
      servers: server.url, log: silentLogger, connect: { reconnectTimeWait: 100 },
      handle: async (payload) => {
        handled.push(payload);
        return 'ack';
      },
    });
    const outcomeOf = recordOutcomes(consumer);
    try {
      await consumer.ready();
      await server.stop();
      await server.start();
      const admin = await natsAdmin(server.url);
      try {
        const ack = await jetstream(admin.nc).publish('dcp.builds', JSON.stringify({ n: 1 }));
        assert.equal(ack.stream, 'DCP_BUILDS');
        assert.equal((await outcomeOf(ack.seq)).outcome, 'ack');
        assert.deepEqual(handled, [{ n: 1 }]);
      } finally {
        await admin.close();
      }
    } finally {
      await consumer.stop();
      await server.dispose();
    }
  });

  it('starts while NATS is down, and consumes once it is up', async () => {
    const server = await startPrivateNats();
    await server.stop();
    const warnings: string[] = [];
    const consumer = startNatsBuildConsumer({ servers: server.url, log: { ...silentLogger, warn: (m) => warnings.push(m) }, handle: async () => 'ack' });
    try {
      await server.start();
      await consumer.ready();
      assert.ok(warnings.some((w) => w.includes('trying again')), `the outage was logged: ${warnings.join(' | ')}`);
    } finally {
      await consumer.stop();
      await server.dispose();
    }
  });

  it('names: the stream after the subject; a term reason only for servers that take one', () => {
    assert.equal(streamNameFor('dcp.builds'), 'DCP_BUILDS');
    assert.equal(streamNameFor('ci.builds.>'), 'CI_BUILDS__');
    assert.deepEqual(['2.9.10', '2.10.3', '2.10.4', '2.11.0', '3.0.0', undefined].map(takesTermReason), [false, false, true, true, true, false]);
  });
});
