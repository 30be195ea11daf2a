/**
 * The webhook sink: one subscription's events, POSTed one by one, in order, as structured
 * CloudEvents (`application/cloudevents+json`) signed per the Standard Webhooks specification
 * (the `standardwebhooks` reference library signs): `webhook-id` (the event id, so a receiver
 * dedupes a redelivery), `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 key after `whsec_`).
 *
 * One try per event per call: a 2xx is delivered; anything else — another status (a 3xx too:
 * redirects are never followed, a signed body must not be replayed to wherever a Location
 * points), a timeout, a refused connection — stops the call there and says why; delivery
 * (engine/delivery.ts) retries later with backoff, honouring `retryAfterMs` (the receiver's
 * `Retry-After` on 429 and 503). Each try is reported for the subscription's delivery log.
 */
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../core/clock.ts';
import type { DcpEvent, EventType } from '../../core/events.ts';
import type { EventSink, SinkDelivery, SinkTry } from './port.ts';
import { CLOUDEVENTS_JSON, toStructuredCloudEvent } from './cloudevent.ts';

export interface WebhookSinkOptions {
  /** The subscription's id: the sink is `webhook:<id>`. */
  id: string;
  url: string;
  /** `whsec_<base64 key>`. */
  secret: string;
  /** The event types delivered; null or absent: all. */
  types?: readonly EventType[] | null;
  /** How long one POST may take, answer included (default 10 s). */
  timeoutMs?: number;
  /** The fetch to use (tests; a proxy-aware one). */
  fetch?: typeof globalThis.fetch;
  /**
   * The time of `webhook-timestamp` and of each try. Receivers compare the timestamp with their
   * own clock (the library allows 5 minutes), so this is the real time unless a test says otherwise.
   */
  clock?: Pick<Clock, 'now'>;
}

/** How much of a refusing answer is kept in the delivery log. */
const ANSWER_BYTES = 300;
const realTime = { now: () => new Date() };

export function createWebhookSink(options: WebhookSinkOptions): EventSink {
  const { id, url, timeoutMs = 10_000 } = options;
  const fetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? realTime;
  const signer = new Webhook(options.secret);
  const types = options.types ? new Set<string>(options.types) : null;
  const accepts = (event: DcpEvent) => types === null || types.has(event.type);

  /** One POST of one event; the try, and how long the receiver asks to wait when it refused. */
  async function post(event: DcpEvent, signal: AbortSignal): Promise<{ attempt: SinkTry; retryAfterMs?: number }> {
    const at = clock.now();
    const started = performance.now();
    const done = (rest: Omit<SinkTry, 'eventId' | 'at' | 'durationMs'>): SinkTry => ({
      eventId: event.id, at, durationMs: Math.round(performance.now() - started), ...rest,
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const body = toStructuredCloudEvent(event);
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: both,
        headers: {
          'content-type': CLOUDEVENTS_JSON,
          'user-agent': 'DCP',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, at, body),
        },
        body,
      });
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => undefined);
        return { attempt: done({ ok: true, status: response.status }) };
      }
      const answer = response.status >= 300 && response.status < 400
        ? `redirected to ${response.headers.get('location') ?? '(no location)'}; redirects are not followed`
        : await firstBytes(response);
      await response.body?.cancel().catch(() => undefined);
      const retryAfterMs = response.status === 429 || response.status === 503 ? retryAfter(response.headers.get('retry-after'), at) : undefined;
      return { attempt: done({ ok: false, status: response.status, error: `HTTP ${response.status}${answer ? `: ${answer}` : ''}` }), retryAfterMs };
    } catch (error) {
      if (timeout.aborted && !signal.aborted) return { attempt: done({ ok: false, error: `timed out after ${timeoutMs} ms` }) };
      if (signal.aborted) return { attempt: done({ ok: false, error: 'delivery stopped (DCP is shutting down)' }) };
      return { attempt: done({ ok: false, error: describe(error) }) };
    }
  }

  return {
    name: `webhook:${id}`,
    accepts,
    async deliver(events, signal) {
      const tries: SinkTry[] = [];
      let delivered = 0;
      for (const event of events) {
        if (!accepts(event)) {
          delivered++;
          continue;
        }
        const { attempt, retryAfterMs } = await post(event, signal);
        tries.push(attempt);
        if (!attempt.ok) {
          const result: SinkDelivery = { delivered, tries, error: attempt.error };
          if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
          return result;
        }
        delivered++;
      }
      return { delivered, tries };
    },
  };
}

/** The first bytes of an answer, as text on one line (what a receiver said when it refused). */
async function firstBytes(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // What arrived is enough to say why.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

/** `Retry-After` (seconds, or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now.getTime());
}

/** Why a request failed before any answer: fetch's TypeError hides the reason in its cause. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return `${error.message}: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ? `${error.message}: ${cause.message}` : error.message;
}
