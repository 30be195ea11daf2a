/** The health of the outbox's sinks (GET /api/v1/sinks). */
import { SINK_KINDS } from '../../services/sinks.ts';
import { bool, nullableDateTime, nullableStr, str } from './primitives.ts';

const count = { type: 'integer', minimum: 0 } as const;

export const Sink = {
  $id: 'Sink',
  type: 'object',
  description: 'A sink of the outbox (NATS, a webhook subscription, Slack) and how its delivery goes.',
  required: ['name', 'kind', 'webhookId', 'lag', 'delivered', 'failing', 'attempts', 'failingSince', 'lastError', 'lastErrorAt', 'lastDeliveredAt', 'nextAttemptAt'],
  additionalProperties: false,
  properties: {
    name: { ...str, description: 'The name delivery keeps the sink\'s cursor under: `nats`, `webhook:<subscription id>`, `slack`.' },
    kind: { type: 'string', enum: SINK_KINDS, description: 'What the sink is.' },
    webhookId: { ...nullableStr, description: 'The webhook subscription of a `webhook` sink; null for other kinds.' },
    lag: { ...count, description: 'Events of the log the sink has not had yet.' },
    delivered: { ...count, description: 'Events delivered to the sink, in all.' },
    failing: { ...bool, description: 'Whether the last delivery call failed (it is retried with backoff).' },
    attempts: { ...count, description: 'Failed delivery calls in a row; 0 when the last one went through.' },
    failingSince: { ...nullableDateTime, description: 'When the failures in a row began; null when not failing.' },
    lastError: { ...nullableStr, description: 'The last failure\'s reason (kept after the sink recovers).' },
    lastErrorAt: { ...nullableDateTime, description: 'When the last failure was.' },
    lastDeliveredAt: { ...nullableDateTime, description: 'When an event was last delivered; null: never.' },
    nextAttemptAt: { ...nullableDateTime, description: 'When a failing sink is tried again; null when not waiting to retry.' },
  },
} as const;

export const SinkList = {
  $id: 'SinkList',
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', description: 'Every sink, by name.', items: { $ref: 'Sink#' } } },
} as const;
