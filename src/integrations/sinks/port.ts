/**
 * EventSink: somewhere DCP's events go out to — NATS JetStream, a webhook subscriber, Slack. The
 * engine's delivery (engine/delivery.ts) reads the outbox in log order after each sink's cursor
 * and hands each sink its next events; the sink delivers them in order and says how far it got.
 * Delivery is at least once: a sink must tolerate (or, like JetStream with `Nats-Msg-Id`, drop)
 * a repeat of an event it already took.
 */
import type { DcpEvent } from '../../core/events.ts';

/** One attempt to deliver one event (a webhook's delivery log shows every one). */
export interface SinkTry {
  eventId: string;
  at: Date;
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why it failed (a timeout, a refused connection, the answer's first bytes). */
  error?: string;
  durationMs: number;
}

export interface SinkDelivery {
  /** How many of the events, from the first, were delivered (the rest are offered again later). */
  delivered: number;
  /** Every attempt made in this call. */
  tries: SinkTry[];
  /** Why the rest were not delivered. */
  error?: string;
  /** How long the sink asks to wait before the next attempt (Slack's and a webhook's `Retry-After`). */
  retryAfterMs?: number;
}

export interface EventSink {
  /** Unique and stable: `nats`, `webhook:<id>`, `slack` (the cursor is kept under it). */
  readonly name: string;
  /** Which events it takes (others are skipped, counted as delivered); all when absent. */
  accepts?(event: DcpEvent): boolean;
  /** Delivers `events` (oldest first) in order; never throws for a failed delivery (it says so instead). */
  deliver(events: DcpEvent[], signal: AbortSignal): Promise<SinkDelivery>;
  close?(): Promise<void>;
}
