/** Webhook subscriptions and their delivery log (contract §7, §10). */
import { EVENT_TYPES } from '../../core/events.ts';
import { bool, dateTime, int, longText, nullableDateTime, nullableStr, str } from './primitives.ts';

export const WebhookRequest = {
  $id: 'WebhookRequest',
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { ...longText, minLength: 1, description: 'Where DCP POSTs each event: http(s), no credentials in it, not DCP itself.' },
    // Checked by the service, so that a refusal names the unknown types (an enum here would only say "one of").
    types: { type: 'array', items: { type: 'string', maxLength: 100 }, minItems: 1, maxItems: 100, uniqueItems: true, description: `The event types to deliver (${EVENT_TYPES.join(', ')}); all when left out.` },
    description: { ...longText, description: 'What the subscription is for.' },
  },
} as const;

const webhookProperties = {
  id: str,
  url: str,
  types: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string', enum: EVENT_TYPES } }], description: 'The event types delivered; null: every type.' },
  description: nullableStr,
  createdBy: str,
  createdAt: dateTime,
  disabledAt: { ...nullableDateTime, description: 'When delivery gave up on the subscription (it kept failing for 24 h); null: enabled.' },
  disabledReason: nullableStr,
} as const;

const webhookRequired = ['id', 'url', 'types', 'description', 'createdBy', 'createdAt', 'disabledAt', 'disabledReason'] as const;

export const Webhook = {
  $id: 'Webhook',
  type: 'object',
  description: 'A webhook subscription. Never its secret: that is shown once, when it is made.',
  required: webhookRequired,
  additionalProperties: false,
  properties: webhookProperties,
} as const;

export const NewWebhook = {
  $id: 'NewWebhook',
  type: 'object',
  description: 'The subscription, with its signing secret — shown this once.',
  required: [...webhookRequired, 'secret'],
  additionalProperties: false,
  properties: {
    ...webhookProperties,
    secret: { type: 'string', description: 'The Standard Webhooks signing secret, `whsec_<base64 key>`: verify `webhook-signature` with it.' },
  },
} as const;

export const WebhookDelivery = {
  $id: 'WebhookDelivery',
  type: 'object',
  description: 'One try to deliver one event to the subscription.',
  required: ['id', 'subscriptionId', 'eventId', 'attempt', 'at', 'ok', 'status', 'error', 'durationMs'],
  additionalProperties: false,
  properties: {
    id: str,
    subscriptionId: str,
    eventId: { ...str, description: 'The CloudEvent id (also the `webhook-id` header).' },
    attempt: { ...int, description: '1 for the first try of this event, then 2, 3, …' },
    at: dateTime,
    ok: { ...bool, description: 'Whether the receiver answered 2xx.' },
    status: { anyOf: [{ type: 'null' }, int], description: "The receiver's HTTP status; null when it did not answer (timeout, refused connection)." },
    error: { ...nullableStr, description: 'Why the try failed.' },
    durationMs: int,
  },
} as const;
