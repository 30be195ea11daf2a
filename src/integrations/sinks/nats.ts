/**
 * The NATS JetStream sink (contract §10): every event of the outbox is published to
 * `dcp.events.<type>` (e.g. `dcp.events.DeploymentPhaseFailed`) as a structured-mode CloudEvent —
 * the JSON of the DcpEvent without its `position` (DCP's cursor, not part of the event) — with the
 * headers `Nats-Msg-Id: <event id>` and `Content-Type: application/cloudevents+json`.
 *
 * Delivered means acknowledged: each publish waits for JetStream's PubAck, so `delivered` counts
 * only events the stream has stored. A PubAck marked `duplicate` (the id was published before:
 * DCP redelivers at least once) counts as delivered — the stream holds the event once.
 *
 * One event at a time, in the order given. Pipelining (publish all, then await the acks) would be
 * faster, but a failure in the middle would leave later events stored past a gap, and DCP's event
 * rate (a few per release) does not need it; serial publishing makes `delivered` an exact prefix.
 *
 * The stream (`DCP_EVENTS` by default, subjects `dcp.events.>`) is created when missing: file
 * storage, limits retention, and a duplicate window of 24 h instead of JetStream's 2 min — DCP may
 * redeliver an event after a long NATS or DCP outage, and the window is what lets the server drop
 * it. The window costs memory per id (a few hundred thousand events a day at most here). A stream
 * that already exists is used as it is (an operator's limits and replicas win).
 *
 * Failures never throw: the server down (first connect refused), a publish not acked in time (the
 * client reconnecting), no stream answering (`503 no responders`: it was deleted — recreated on the
 * next call), or an abort → `{ delivered: <acked so far>, error }`. Once connected, the client
 * reconnects by itself for ever; a publish made while it reconnects may still reach the stream
 * after its timeout, which the next delivery's `Nats-Msg-Id` then deduplicates.
 */
import { performance } from 'node:perf_hooks';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { DcpEvent } from '../../core/events.ts';
import { ensureStream, jetstreamManager, openConnection, serverList } from '../bus/jetstream.ts';
import type { EventSink, SinkDelivery, SinkTry } from './port.ts';

export const DEFAULT_EVENTS_STREAM = 'DCP_EVENTS';
export const EVENTS_SUBJECT_PREFIX = 'dcp.events';
export const EVENTS_DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

export interface NatsSinkOptions {
  /** `nats://host:4222`, several comma-separated, or a list. */
  servers: string | string[];
  /** The stream to create when missing (DCP_NATS_STREAM). */
  stream?: string;
  /** Subjects are `<prefix>.<type>`; the stream takes `<prefix>.>`. Only tests change it. */
  subjectPrefix?: string;
  /** How long to wait for each PubAck. */
  ackTimeoutMs?: number;
  duplicateWindowMs?: number;
  /** More connection options (credentials, TLS, a name). */
  connect?: Partial<NodeConnectionOptions>;
}

/** The CloudEvent as published: the DcpEvent less `position`. */
export function cloudEventOf(event: DcpEvent): Omit<DcpEvent, 'position'> {
  const { position: _position, ...cloudEvent } = event;
  return cloudEvent;
}

function describe(error: unknown): string {
  const e = error as Error & { code?: unknown };
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`;
}

export function createNatsSink(options: NatsSinkOptions): EventSink & { close(): Promise<void> } {
  const servers = serverList(options.servers);
  const stream = options.stream ?? DEFAULT_EVENTS_STREAM;
  const prefix = options.subjectPrefix ?? EVENTS_SUBJECT_PREFIX;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
  let nc: NatsConnection | null = null;
  let js: JetStreamClient | null = null;
  let streamReady = false;
  let opening: Promise<JetStreamClient> | null = null;
  let closed = false;

  /** The JetStream client, connecting (and making the stream) first when need be. */
  async function client(): Promise<JetStreamClient> {
    if (nc && !nc.isClosed() && js && streamReady) return js;
    opening ??= (async () => {
      try {
        if (!nc || nc.isClosed()) {
          nc = await openConnection(servers, { timeout: ackTimeoutMs, ...options.connect });
          js = jetstream(nc, { timeout: ackTimeoutMs });
        }
        if (!streamReady) {
          await ensureStream(await jetstreamManager(nc, { timeout: ackTimeoutMs }), {
            name: stream,
            subjects: [`${prefix}.>`],
            duplicateWindowMs: options.duplicateWindowMs ?? EVENTS_DUPLICATE_WINDOW_MS,
          });
          streamReady = true;
        }
        return js!;
      } finally {
        opening = null;
      }
    })();
    return opening;
  }

  return {
    name: 'nats',

    async deliver(events: DcpEvent[], signal: AbortSignal): Promise<SinkDelivery> {
      const tries: SinkTry[] = [];
      if (closed) return { delivered: 0, tries, error: 'the NATS sink is closed' };
      let jsc: JetStreamClient;
      try {
        jsc = await client();
      } catch (error) {
        return { delivered: 0, tries, error: `NATS (${servers.join(', ')}) not reachable or JetStream refused: ${describe(error)}` };
      }
      for (const [i, event] of events.entries()) {
        if (signal.aborted) return { delivered: i, tries, error: 'delivery aborted' };
        const at = new Date();
        const started = performance.now();
        const h = headers();
        h.set('Content-Type', 'application/cloudevents+json');
        try {
          // msgID sets the Nats-Msg-Id header: JetStream drops a repeat within the duplicate window.
          await jsc.publish(`${prefix}.${event.type}`, JSON.stringify(cloudEventOf(event)), { msgID: event.id, headers: h, timeout: ackTimeoutMs });
          tries.push({ eventId: event.id, at, ok: true, durationMs: performance.now() - started });
        } catch (error) {
          const message = describe(error);
          // No stream answered: it may have been deleted; make it again next time.
          if (/no responders/i.test(message)) streamReady = false;
          tries.push({ eventId: event.id, at, ok: false, error: message, durationMs: performance.now() - started });
          return { delivered: i, tries, error: `publishing ${event.id} to ${prefix}.${event.type} was not acknowledged: ${message}` };
        }
      }
      return { delivered: events.length, tries };
    },

    async close() {
      closed = true;
      const connection = nc;
      nc = null;
      if (connection && !connection.isClosed()) await connection.close();
    },
  };
}
