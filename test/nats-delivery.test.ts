/**
 * The outbox to NATS JetStream end to end, on both databases, against a private nats-server:
 * every event of a deployment is published once per id (`Nats-Msg-Id`), in log order; with NATS
 * stopped, deployments run on untouched and their events wait; once NATS is back they are all
 * published, nothing lost and nothing twice. Real time: the retries wait out their backoff.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../src/shared/clocks.ts';
import { listCursors, lastPosition } from '../src/store/sinks.ts';
import type { PrivateNatsServer } from '../scripts/nats-server.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { natsAdmin, startPrivateNats, uniqueName } from './helpers/nats.ts';

for (const backend of BACKENDS) {
  describe(`events to NATS JetStream (${backend})`, () => {
    let nats: PrivateNatsServer;
    let t: TestDcp;
    const stream = uniqueName('DCP_EVENTS');

    before(async () => {
      nats = await startPrivateNats();
      t = await startTestDcp({ backend, clock: systemClock, env: { DCP_NATS_URL: nats.url, DCP_NATS_STREAM: stream } });
    });
    after(async () => {
      await t.stop();
      await nats.dispose();
    });

    /** Resolves once the NATS sink's cursor has reached the end of the log. */
    function caughtUp(): Promise<void> {
      return new Promise((resolve) => {
        const check = async () => {
          const [cursor] = (await listCursors(t.dcp.db)).filter((c) => c.name === 'nats');
          if (cursor && cursor.position >= (await lastPosition(t.dcp.db))) {
            off();
            resolve();
          }
        };
        const off = t.dcp.delivery.onPass((sink, error) => {
          if (sink === 'nats' && !error) void check();
        });
        t.dcp.delivery.kick();
      });
    }

    async function published(): Promise<{ id: string; subject: string; deploymentId: string }[]> {
      const admin = await natsAdmin(nats.url);
      try {
        const info = await admin.jsm.streams.info(stream);
        const out = [];
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const m = await admin.jsm.streams.getMessage(stream, { seq });
          if (!m) continue;
          const body = m.json<{ id: string; data: { deploymentId: string } }>();
          assert.equal(m.header.get('Nats-Msg-Id'), body.id);
          out.push({ id: body.id, subject: m.subject, deploymentId: body.data.deploymentId });
        }
        return out;
      } finally {
        await admin.close();
      }
    }

    const logOf = async (id: string): Promise<{ id: string; type: string }[]> =>
      ((await t.api('GET', `/api/v1/events?deployment=${id}&limit=500`)).body.items as { id: string; type: string; position: number }[])
        .toSorted((a, b) => a.position - b.position);

    test('every event of a deployment, once, in order, on dcp.events.<type>; NATS down: deployments go on, events wait, then all arrive once', async () => {
      const first = (await t.api('POST', '/api/v1/builds', build({ strategy: 'fast' }))).body.id as string;
      await t.waitFor(first, (d) => d.status === 'Completed');
      const waitFirst = caughtUp();
      await waitFirst;
      let got = await published();
      const log1 = await logOf(first);
      assert.deepEqual(got.filter((m) => m.deploymentId === first).map((m) => m.id), log1.map((e) => e.id), 'in log order, each once');
      assert.ok(got.filter((m) => m.deploymentId === first).every((m, i) => m.subject === `dcp.events.${log1[i].type}`));

      await nats.stop();
      const second = (await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'fast' }))).body.id as string;
      await t.waitFor(second, (d) => d.status === 'Completed', 'completed while NATS is down');
      const failedOnce = new Promise<void>((resolve) => {
        const off = t.dcp.delivery.onPass((sink, error) => {
          if (sink === 'nats' && error) {
            off();
            resolve();
          }
        });
      });
      t.dcp.delivery.kick();
      await failedOnce;
      const [cursor] = (await listCursors(t.dcp.db)).filter((c) => c.name === 'nats');
      assert.ok(cursor.lastError, 'the sink shows why it is behind');
      assert.ok(cursor.position < (await lastPosition(t.dcp.db)), 'and that it is behind');

      await nats.start();
      await caughtUp();
      got = await published();
      assert.equal(new Set(got.map((m) => m.id)).size, got.length, 'nothing twice');
      const log2 = await logOf(second);
      assert.deepEqual(got.filter((m) => m.deploymentId === second).map((m) => m.id), log2.map((e) => e.id), 'nothing lost, in order');
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      assert.match(metrics, /dcp_sink_lag\{sink="nats"\} 0/);
    });
  });
}
