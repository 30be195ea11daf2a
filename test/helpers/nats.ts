/**
 * NATS for the integration tests. `npm test` starts one server with JetStream for the whole run
 * (scripts/nats-server.ts) and hands it over in DCP_TEST_NATS_URL; test files share it, so each
 * uses names of its own (`uniqueName`): a stream, a subject prefix, a builds subject.
 *
 * A test that stops and restarts NATS takes a server of its own instead:
 *
 *   const server = await startPrivateNats();      // { url, stop(), start(), dispose() }
 *   after(() => server.dispose());
 *
 * stop() and start() keep the port and the store dir, so JetStream's streams (and their duplicate
 * windows) survive a restart, as they do in production.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type PrivateNatsServer } from '../../scripts/nats-server.ts';

export function testNatsUrl(): string {
  const url = process.env.DCP_TEST_NATS_URL;
  if (!url) throw new Error('NATS tests need DCP_TEST_NATS_URL (a nats-server with JetStream); run them through `npm test`');
  return url;
}

export function startPrivateNats(): Promise<PrivateNatsServer> {
  return startNatsServer();
}

/** `PREFIX_<8 hex>`: unique on the shared server (letters, digits and _ are valid in every NATS name). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A plain connection and JetStream manager for a test to look with (closed by `close()`). */
export async function natsAdmin(url: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager; close(): Promise<void> }> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  return { nc, jsm, close: () => nc.close() };
}
