/**
 * BuildCompleted events from NATS JetStream (contract §3, §10): a durable pull consumer on the
 * builds subject (`dcp.builds`), one message at a time, handed to `handle` — which returns only
 * once the deployment is committed (or found to exist already: buildId is the idempotency key).
 *
 *   handle → 'ack'          ack (and wait for the server to confirm it)
 *   handle → { term }       terminate: never redelivered; logged with the reason and reported to
 *                           `rejected` first (a malformed or unplannable build: a retry cannot fix
 *                           it; a `rejected` that throws naks it instead, so no report is lost)
 *   handle throws           nak with a delay (1 s, doubling per delivery, at most 60 s): redelivered
 *                           — the database was down, or the process is stopping
 *   not JSON                terminate, like a malformed build
 *
 * Stream: the one that already captures the subject, if any (an organisation may publish builds
 * into a stream of its own); else `stream` (default: the subject upper-cased with `.` as `_`, so
 * `DCP_BUILDS` for `dcp.builds`), created over the subject alone: file storage, limits retention,
 * a 24 h duplicate window (CI publishing with `Nats-Msg-Id: <buildId>` gets its repeats dropped;
 * DCP drops them anyway by buildId).
 * Consumer: durable `dcp-builds` created when missing (an existing one is used as it is): explicit
 * acks, deliver all (builds published while DCP was down are taken on start), filter = the
 * subject, ack wait 5 min (a commit that takes longer is redelivered and deduplicated by buildId),
 * unlimited deliveries (a message that keeps failing for a transient reason waits, it is not lost).
 * Several DCPs share the durable: each message goes to one of them.
 *
 * Start does not wait for NATS: a server that is down is logged and retried (1 s doubling to 30 s)
 * until stop(); once connected the client reconnects by itself.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, jetstream, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Logger } from '../../shared/logger.ts';
import { ensureStream, isStreamNotFound, jetstreamManager, openConnection, serverList } from './jetstream.ts';

export const DEFAULT_BUILDS_SUBJECT = 'dcp.builds';
export const DEFAULT_BUILDS_DURABLE = 'dcp-builds';
const BUILDS_DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;
const ACK_WAIT_MS = 5 * 60_000;

export type BuildMessageVerdict = 'ack' | { term: string; buildId?: string };

/** A message terminated: what `rejected` is told. */
export interface BuildMessageRejection {
  reason: string;
  /** The build's id when the message had a valid one. */
  buildId?: string;
  subject: string;
  seq: number;
  /** Names this message for good (stream, sequence, publish time): the same on a redelivery. */
  message: string;
}

/** What became of one message (for metrics and tests). */
export interface BuildMessageOutcome {
  /** Its sequence in the stream. */
  seq: number;
  deliveryCount: number;
  outcome: 'ack' | 'term' | 'nak';
  reason?: string;
}

export interface NatsBuildConsumerOptions {
  servers: string | string[];
  subject?: string;
  /** The stream to create over the subject when none captures it. */
  stream?: string;
  durable?: string;
  /** The build intake: returns after the deployment is committed; throws for a failure worth retrying. */
  handle: (payload: unknown) => Promise<BuildMessageVerdict>;
  /** Reports a message about to be terminated (DCP writes a BuildRejected event); throws to have it redelivered. */
  rejected?: (rejection: BuildMessageRejection) => Promise<void>;
  log: Logger;
  /** The nak delay for the n-th delivery that failed. */
  retryDelayMs?: (deliveryCount: number) => number;
  connect?: Partial<NodeConnectionOptions>;
}

export interface NatsBuildConsumer {
  /** Resolves once the stream and the durable consumer exist and messages are being pulled. */
  ready(): Promise<void>;
  /** Calls `listener` after each message is acked, terminated or nak'ed; returns the unsubscribe. */
  onOutcome(listener: (outcome: BuildMessageOutcome) => void): () => void;
  /** Finishes the message in hand, stops pulling, closes the connection. */
  stop(): Promise<void>;
}

/** `dcp.builds` → `DCP_BUILDS` (stream names may not hold `.`, `*`, `>` or spaces). */
export function streamNameFor(subject: string): string {
  return subject.toUpperCase().replace(/[^A-Z0-9_-]/g, '_');
}

/**
 * Whether the server takes `+TERM <reason>` (nats-server 2.10.4 on). An older one ignores a term
 * with a reason altogether — the message stays pending and is redelivered after the ack wait — so
 * it gets a bare `+TERM` (the reason is in DCP's log either way).
 */
export function takesTermReason(version: string | undefined): boolean {
  const [major = 0, minor = 0, patch = 0] = (version ?? '').split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0);
  return major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 4)));
}

const defaultRetryDelay = (deliveryCount: number) => Math.min(1_000 * 2 ** Math.max(0, deliveryCount - 1), 60_000);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function startNatsBuildConsumer(options: NatsBuildConsumerOptions): NatsBuildConsumer {
  const servers = serverList(options.servers);
  const subject = options.subject ?? DEFAULT_BUILDS_SUBJECT;
  const durable = options.durable ?? DEFAULT_BUILDS_DURABLE;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const { log } = options;
  const listeners = new Set<(outcome: BuildMessageOutcome) => void>();
  const stopping = new AbortController();
  let nc: NatsConnection | null = null;
  let messages: ConsumerMessages | null = null;
  let markReady!: () => void;
  const readiness = new Promise<void>((resolve) => (markReady = resolve));

  const report = (outcome: BuildMessageOutcome) => {
    for (const listener of listeners) {
      try {
        listener(outcome);
      } catch {
        // a listener's failure is its own
      }
    }
  };

  /** The stream that captures the subject, made when there is none. */
  async function streamFor(jsm: JetStreamManager): Promise<string> {
    try {
      return await jsm.streams.find(subject);
    } catch (error) {
      if (!isStreamNotFound(error) && !/no stream matches subject/i.test(describe(error))) throw error;
    }
    const name = options.stream ?? streamNameFor(subject);
    await ensureStream(jsm, { name, subjects: [subject], duplicateWindowMs: BUILDS_DUPLICATE_WINDOW_MS });
    log.info(`created the NATS stream ${name} over ${subject}`);
    return name;
  }

  async function ensureConsumer(jsm: JetStreamManager, stream: string): Promise<void> {
    try {
      await jsm.consumers.info(stream, durable);
      return;
    } catch (error) {
      if (!/consumer not found/i.test(describe(error)) && (error as { code?: unknown }).code !== 10014) throw error;
    }
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subject,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: -1,
    });
  }

  function nak(msg: JsMsg, reason: string): void {
    const seq = msg.seq;
    const deliveryCount = msg.info.deliveryCount;
    const delay = retryDelay(deliveryCount);
    log.warn(`BuildCompleted on ${subject} (stream seq ${seq}, delivery ${deliveryCount}) failed; redelivered in ${delay} ms: ${reason}`);
    msg.nak(delay);
    report({ seq, deliveryCount, outcome: 'nak', reason });
  }

  /** Reported, then terminated (or, when the report fails, nak'ed: it is reported on the redelivery). */
  async function terminate(msg: JsMsg, verdict: { term: string; buildId?: string }): Promise<void> {
    const { seq, info } = msg;
    try {
      await options.rejected?.({
        reason: verdict.term, buildId: verdict.buildId, subject, seq, message: `${info.stream}:${seq}:${info.timestampNanos}`,
      });
    } catch (error) {
      nak(msg, `the rejection could not be recorded: ${describe(error)}`);
      return;
    }
    log.warn(`BuildCompleted on ${subject} terminated, not redelivered (stream seq ${seq}): ${verdict.term}`);
    if (takesTermReason(nc?.info?.version)) msg.term(verdict.term.slice(0, 1_000));
    else msg.term();
    report({ seq, deliveryCount: info.deliveryCount, outcome: 'term', reason: verdict.term });
  }

  async function take(msg: JsMsg): Promise<void> {
    let payload: unknown;
    try {
      payload = msg.json();
    } catch (error) {
      await terminate(msg, { term: `malformed BuildCompleted on ${subject}: the message is not JSON (${describe(error)})` });
      return;
    }
    let verdict: BuildMessageVerdict;
    try {
      verdict = await options.handle(payload);
    } catch (error) {
      nak(msg, describe(error));
      return;
    }
    if (verdict === 'ack') {
      // ackAck: the server confirms it, so a lost ack shows here rather than as a redelivery later
      // (which buildId would still make harmless).
      await msg.ackAck().catch((error: unknown) => log.warn(`the ack of stream seq ${msg.seq} on ${subject} was not confirmed: ${describe(error)}`));
      report({ seq: msg.seq, deliveryCount: msg.info.deliveryCount, outcome: 'ack' });
      return;
    }
    await terminate(msg, verdict);
  }

  async function run(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        if (!nc || nc.isClosed()) nc = await openConnection(servers, options.connect);
        const jsm = await jetstreamManager(nc);
        const stream = await streamFor(jsm);
        await ensureConsumer(jsm, stream);
        const consumer = await jetstream(nc).consumers.get(stream, durable);
        if (stopping.signal.aborted) return;
        messages = await consumer.consume({ max_messages: 1 });
        log.info(`consuming BuildCompleted events on ${subject} (stream ${stream}, durable consumer ${durable})`);
        attempt = 0;
        markReady();
        for await (const msg of messages) {
          await take(msg);
          if (stopping.signal.aborted) break;
        }
      } catch (error) {
        if (stopping.signal.aborted) return;
        const delay = Math.min(1_000 * 2 ** Math.min(attempt - 1, 5), 30_000);
        log.warn(`NATS builds consumer (${servers.join(', ')}, ${subject}): ${describe(error)}; trying again in ${delay} ms`);
        await sleep(delay, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  }

  const running = run();

  return {
    ready: () => readiness,
    onOutcome(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopping.abort();
      messages?.stop();
      await running;
      const connection = nc;
      nc = null;
      if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
    },
  };
}
