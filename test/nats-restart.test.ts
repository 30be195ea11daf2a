/**
 * The outbox to NATS survives kill -9: DCP as a real process, publishing a deployment's events to
 * JetStream, is killed with SIGKILL mid-deployment and restarted on the same data; every event of
 * the deployment ends up in the stream once per id, in log order — what was published before the
 * kill is not published again as a second message (the cursor, and JetStream's Nats-Msg-Id), and
 * what was not yet published is.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { api, startChild, stream, type DcpChild } from './helpers/child.ts';
import { build, UNGATED_CONFIG } from './helpers/dcp.ts';
import { natsAdmin, startPrivateNats, uniqueName } from './helpers/nats.ts';

const TOKEN = 't';
const GUARD_MS = 30_000;

const cleanups: (() => Promise<unknown> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('DCP killed with SIGKILL mid-deployment and restarted: every event in JetStream once, in order', async () => {
  // A server of its own: on the shared one another file's DCP may hold a stream over dcp.events.> already.
  const server = await startPrivateNats();
  cleanups.push(() => server.dispose());
  const nats = server.url;
  const streamName = uniqueName('DCP_EVENTS');
  // The stream is there before DCP is (DCP uses a stream that exists as it is): the test can read it whenever it likes.
  const setup = await natsAdmin(nats);
  await setup.jsm.streams.add({ name: streamName, subjects: ['dcp.events.>'] });
  await setup.close();
  const dir = mkdtempSync(path.join(tmpdir(), 'dcp-nats-restart-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: TOKEN, DCP_CONFIG: UNGATED_CONFIG, DCP_NATS_URL: nats, DCP_NATS_STREAM: streamName };
  const children: DcpChild[] = [];
  cleanups.push(() => Promise.allSettled(children.map((c) => c.kill('SIGKILL'))));

  const first = await startChild(env, GUARD_MS);
  children.push(first);
  const res = await api<DeploymentDto>(first.url, TOKEN, 'POST', '/api/v1/builds', build({
    strategy: 'standard', annotations: { 'dcp.simulator/scan-ms': '0', 'dcp.simulator/release-ms': '200' },
  }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  // Mid-deployment: a stage release under way, events of the earlier phases published or on their way.
  await stream(first.url, TOKEN, (e) => e.type === 'ReleaseStarted' && e.data.environment === 'stage', { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'a stage release' });
  assert.equal((await first.kill('SIGKILL')).signal, 'SIGKILL');

  const second = await startChild(env, GUARD_MS);
  children.push(second);
  await stream(second.url, TOKEN, (e) => e.type === 'DeploymentCompleted', { deployment: id, after: 0, timeoutMs: GUARD_MS, what: 'the end of the deployment' });
  const log = (await api<{ items: { id: string; position: number }[] }>(second.url, TOKEN, 'GET', `/api/v1/events?deployment=${id}&after=0&limit=500`)).body.items;

  // Read the stream until the deployment's last event arrives (the server pushes: no polling).
  const admin = await natsAdmin(nats);
  cleanups.push(() => admin.close());
  const last = log.at(-1)!.id;
  const ids: string[] = [];
  // An ordered consumer from the stream's first message.
  const consumer = await jetstream(admin.nc).consumers.get(streamName);
  const messages = await consumer.consume();
  // Guarded: a stream that never gets the last event fails the test with what it got.
  const timer = setTimeout(() => void messages.close(), GUARD_MS);
  for await (const m of messages) {
    const body = m.json<{ id: string; data: { deploymentId: string } }>();
    if (body.data.deploymentId === id) ids.push(body.id);
    if (body.id === last) break;
  }
  clearTimeout(timer);
  await messages.close();
  assert.deepEqual(ids, log.map((e) => e.id), 'every event once, in log order');
  await second.kill('SIGKILL');
});
