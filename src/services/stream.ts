/**
 * The live stream's fan-out (GET /api/v1/stream): the event log is read once per batch, however
 * many readers are connected, and every batch is handed in memory to each reader (its deployment
 * filter applied here). Each event is serialised once, as the server-sent-event frame every
 * reader gets.
 *
 * The newest events (up to `memoryEvents`) stay in memory: a reader that starts or resumes from a
 * position they cover joins the fan-out at once; one from an older position reads the log itself,
 * batch by batch, until it reaches what is in memory, then joins.
 *
 * Slow readers are bounded: a reader whose connection still holds more than `bufferBytes` not yet
 * sent when the next batch comes is dropped (its connection closed); it resumes with
 * `Last-Event-ID` from the last event it got.
 *
 * Nothing is read while no reader is connected; the memory is let go when the last one leaves.
 */
import type { DcpEvent } from '../core/events.ts';
import type { Relay } from '../engine/relay.ts';
import type { Logger } from '../shared/logger.ts';
import type { Db } from '../store/db.ts';
import { listEvents, listEventsBefore } from '../store/events.ts';

/** Where a stream writes: an HTTP response in the API, a fake in tests. */
export interface StreamSink {
  /** Called once per batch per reader; the same Buffer may be given to every reader (do not change it). */
  write(chunk: string | Buffer): void;
  /** Bytes written and not yet sent (the reader's backlog). */
  buffered(): number;
  /** Resolves once the backlog has been sent (or the sink closed). */
  drained(): Promise<void>;
  /** Closes the connection: the reader is too slow (it resumes with Last-Event-ID). */
  drop(): void;
}

export interface StreamOptions {
  /** Events kept in memory for readers that join or resume (default 10,000). */
  memoryEvents?: number;
  /** A reader's backlog past which it is dropped (default 1 MiB). */
  bufferBytes?: number;
  /** A `: keep-alive` comment to every reader this often (default 15 s). */
  keepAliveMs?: number;
  /** Events per read of the log (default 500). */
  batch?: number;
}

export interface StreamHub {
  /**
   * Streams to `sink` the events after `after` (oldest first), only those of `deploymentId` when
   * given, and then every new one. Returns the close.
   */
  open(from: { after: number; deploymentId?: string }, sink: StreamSink): () => void;
  /** How many readers are connected, how many events are in memory, and how many reads of the log the fan-out made. */
  stats(): { readers: number; inMemory: number; reads: number; dropped: number };
  stop(): void;
}

interface Frame {
  position: number;
  deploymentId: string | null;
  text: string;
}

interface Reader {
  /** The last position this reader has been given (sent, or skipped by its filter). */
  cursor: number;
  deploymentId: string | undefined;
  sink: StreamSink;
  live: boolean;
  closed: boolean;
}

export const frameOf = (event: DcpEvent): string => `id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`;

const deploymentOf = (event: DcpEvent): string | null =>
  event.subject.startsWith('deployments/') ? ((event.data as { deploymentId?: string }).deploymentId ?? null) : null;

export function createStreamHub(deps: { db: Db; relay: Relay; log: Logger; options?: StreamOptions }): StreamHub {
  const memoryEvents = deps.options?.memoryEvents ?? 10_000;
  const bufferBytes = deps.options?.bufferBytes ?? 1 << 20;
  const batch = deps.options?.batch ?? 500;
  const readers = new Set<Reader>();

  // In memory: every event with a position in (floor, head], oldest first.
  let frames: Frame[] = [];
  let floor = 0;
  let head = 0;
  /** Set while readers are connected: the position the memory starts from is known. */
  let ready: Promise<void> | null = null;
  /** Bumped when the memory is let go: a read in flight for an older generation is thrown away. */
  let generation = 0;
  let pumping = false;
  let again = false;
  let reads = 0;
  let dropped = 0;

  const unsubscribe = deps.relay.subscribe(() => {
    if (readers.size > 0) void pump();
  });
  const keepAlive = setInterval(() => {
    for (const reader of readers) if (reader.live) reader.sink.write(': keep-alive\n\n');
  }, deps.options?.keepAliveMs ?? 15_000);
  keepAlive.unref();

  function init(): Promise<void> {
    ready ??= (async () => {
      const [newest] = await listEventsBefore(deps.db, { limit: 1 });
      floor = head = Math.max(head, newest?.position ?? 0);
    })();
    return ready;
  }

  function drop(reader: Reader): void {
    if (reader.closed) return;
    dropped++;
    close(reader);
    reader.sink.drop();
  }

  function close(reader: Reader): void {
    reader.closed = true;
    readers.delete(reader);
    if (readers.size === 0) {
      // Nobody reads: nothing to keep (the next reader starts the memory again).
      generation++;
      frames = [];
      ready = null;
    }
  }

  /**
   * Sends a live reader the frames after its cursor, from index `from`, in one write. A reader that
   * has not taken what it was sent before (its backlog past the limit when a new batch comes) is
   * dropped: what one reader holds is bounded by the limit and one batch. `whole` is the batch as
   * one Buffer, shared by every reader that takes all of it (no filter, nothing of it seen yet).
   */
  function send(reader: Reader, list: Frame[], from: number, whole?: Buffer): void {
    if (reader.sink.buffered() > bufferBytes) {
      drop(reader);
      return;
    }
    if (from >= list.length) return;
    if (whole && from === 0 && reader.deploymentId === undefined && reader.cursor < list[0].position) {
      reader.cursor = list[list.length - 1].position;
      reader.sink.write(whole);
      return;
    }
    let text = '';
    for (let i = from; i < list.length; i++) {
      const frame = list[i];
      if (frame.position <= reader.cursor) continue;
      reader.cursor = frame.position;
      if (reader.deploymentId === undefined || reader.deploymentId === frame.deploymentId) text += frame.text;
    }
    if (text) reader.sink.write(text);
  }

  /** Reads the log after `head` once, keeps it, and gives it to every live reader. */
  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const gen = generation;
        await init();
        for (;;) {
          if (gen !== generation || readers.size === 0) break;
          reads++;
          const events = await listEvents(deps.db, { after: head, limit: batch });
          if (gen !== generation || events.length === 0) break;
          const fresh: Frame[] = [];
          for (const event of events) {
            if (event.position <= head) continue;
            fresh.push({ position: event.position, deploymentId: deploymentOf(event), text: frameOf(event) });
          }
          if (fresh.length > 0) {
            head = fresh[fresh.length - 1].position;
            frames.push(...fresh);
            if (frames.length > memoryEvents) {
              const cut = frames.length - memoryEvents;
              floor = frames[cut - 1].position;
              frames = frames.slice(cut);
            }
            const whole = Buffer.from(fresh.map((f) => f.text).join(''));
            for (const reader of [...readers]) if (reader.live) send(reader, fresh, 0, whole);
          }
          if (events.length < batch) break;
        }
      } while (again);
    } catch (error) {
      deps.log.warn(`stream: ${(error as Error).message}`);
    } finally {
      pumping = false;
    }
  }

  /** First index of a frame after `position`. */
  function indexAfter(position: number): number {
    let lo = 0;
    let hi = frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frames[mid].position <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A reader from a position not (or no longer) in memory reads the log until it reaches it, then joins the fan-out. */
  async function catchUp(reader: Reader): Promise<void> {
    try {
      for (;;) {
        const gen = generation;
        await init();
        if (reader.closed) return;
        if (gen === generation && ready && reader.cursor >= floor) {
          // No await from here on: the reader joins with what is in memory, then gets every fan-out.
          reader.live = true;
          send(reader, frames, indexAfter(reader.cursor));
          return;
        }
        const upTo = head; // everything up to here is positioned: a short read has all of it
        const events = await listEvents(deps.db, { after: reader.cursor, deploymentId: reader.deploymentId, limit: batch });
        if (reader.closed) return;
        if (events.length > 0) reader.sink.write(events.map(frameOf).join(''));
        if (events.length > 0) reader.cursor = events[events.length - 1].position;
        if (events.length < batch) reader.cursor = Math.max(reader.cursor, upTo);
        // Catching up is paced by the reader: wait for what was written to be sent.
        if (reader.sink.buffered() > bufferBytes) await reader.sink.drained();
      }
    } catch (error) {
      deps.log.warn(`stream: ${(error as Error).message}`);
      if (!reader.closed) drop(reader);
    }
  }

  return {
    open(from, sink) {
      const reader: Reader = { cursor: from.after, deploymentId: from.deploymentId, sink, live: false, closed: false };
      readers.add(reader);
      void catchUp(reader).then(() => {
        // Events may have been positioned while it joined and nothing else will kick the read.
        if (!reader.closed) void pump();
      });
      return () => {
        if (!reader.closed) close(reader);
      };
    },
    stats: () => ({ readers: readers.size, inMemory: frames.length, reads, dropped }),
    stop() {
      unsubscribe();
      clearInterval(keepAlive);
      for (const reader of [...readers]) close(reader);
    },
  };
}
