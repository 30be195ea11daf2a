/**
 * The event log (the relayed outbox) for readers: pages of it, and what a live stream needs —
 * the events after a position, the newest position, and a call when more may be readable. And the
 * one event no other service writes: a build from the bus that DCP terminated.
 */
import type { Clock } from '../core/clock.ts';
import type { BuildRejectedData, DcpEvent } from '../core/events.ts';
import type { Relay } from '../engine/relay.ts';
import { nameBasedId } from '../shared/ids.ts';
import { silentLogger, type Logger } from '../shared/logger.ts';
import type { Db } from '../store/db.ts';
import { appendPlatformEvent, listEvents, listEventsBefore } from '../store/events.ts';
import { createStreamHub, type StreamHub, type StreamOptions, type StreamSink } from './stream.ts';

export type { StreamSink } from './stream.ts';

export interface EventPage {
  items: DcpEvent[];
  /** The position to continue from; null on the last page. */
  nextCursor: number | null;
}

export interface EventService {
  /**
   * With `after`: the events after that position, oldest first (following the log). Without: the
   * newest first, before `before`. Everything committed before the call is included.
   */
  page(query: { after?: number; before?: number; deploymentId?: string; limit: number }): Promise<EventPage>;
  /** Events after `position`, oldest first (what a stream sends next). */
  after(position: number, deploymentId: string | undefined, limit: number): Promise<DcpEvent[]>;
  /** The position of the newest event in the log (0 when it is empty): where a stream "from now" starts. */
  newestPosition(): Promise<number>;
  /** Calls `listener` whenever new events may be readable; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /**
   * The live stream: the events after `after` (only `deploymentId`'s when given), then every new
   * one, as server-sent-event frames written to `sink`. One read of the log per batch is shared by
   * every open stream (services/stream.ts). Returns the close.
   */
  openStream(from: { after: number; deploymentId?: string }, sink: StreamSink): () => void;
  streamStats(): ReturnType<StreamHub['stats']>;
  /**
   * A BuildCompleted from the bus that is terminated (malformed, or refused as the HTTP API would
   * refuse it): a `BuildRejected` event, so the build's owners see it where they watch DCP's
   * events. `message` names the message for good (stream, sequence, publish time): the same
   * message redelivered — its terminate lost — writes no second event.
   */
  recordBuildRejected(rejection: BuildRejectedData, message: string): Promise<void>;
}

export function createEventService(deps: { db: Db; relay: Relay; clock: Clock; log?: Logger; stream?: StreamOptions }): EventService {
  const { db, relay } = deps;
  const hub = createStreamHub({ db, relay, log: deps.log ?? silentLogger, options: deps.stream });
  return {
    async page(q) {
      await relay.flush();
      const items = q.after !== undefined
        ? await listEvents(db, { after: q.after, deploymentId: q.deploymentId, limit: q.limit })
        : await listEventsBefore(db, { before: q.before, deploymentId: q.deploymentId, limit: q.limit });
      return { items, nextCursor: items.length === q.limit ? items[items.length - 1].position : null };
    },
    after: (position, deploymentId, limit) => listEvents(db, { after: position, deploymentId, limit }),
    async newestPosition() {
      const [newest] = await listEventsBefore(db, { limit: 1 });
      return newest?.position ?? 0;
    },
    subscribe: (listener) => relay.subscribe(listener),
    openStream: (from, sink) => hub.open(from, sink),
    streamStats: () => hub.stats(),
    async recordBuildRejected(rejection, message) {
      const data: BuildRejectedData = { ...rejection, reason: rejection.reason.slice(0, 2_000) };
      const written = await appendPlatformEvent(db, {
        id: nameBasedId(`BuildRejected ${message}`), type: 'BuildRejected', time: deps.clock.now(),
        subject: rejection.buildId ? `builds/${rejection.buildId}` : 'builds', data,
      });
      if (written) relay.kick();
    },
  };
}
