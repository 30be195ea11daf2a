-- Webhook subscriptions and their delivery log (contract §10, docs/integrations/webhooks.md).
--
-- The secret is kept as it was given out (`whsec_…`), not hashed: DCP signs every delivery with
-- it (HMAC needs the key). It is shown once, when the subscription is made, and never returned,
-- logged or audited after that (docs/security.md).

CREATE TABLE webhook_subscriptions (
  id              text PRIMARY KEY,
  url             text NOT NULL,
  types           jsonb,              -- event types delivered; null: every type
  description     text,
  secret          text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  disabled_at     timestamptz,        -- set by delivery when a subscription kept failing
  disabled_reason text
);
CREATE INDEX webhook_subscriptions_newest ON webhook_subscriptions (created_at DESC, id DESC);

-- Every attempt to deliver an event to a subscription (a subscription's deletion takes its log with it).
CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id        text NOT NULL,
  attempt         integer NOT NULL,   -- 1 for the first try of this event to this subscription
  at              timestamptz NOT NULL,
  ok              boolean NOT NULL,
  status          integer,            -- the receiver's HTTP status, when it answered
  error           text,
  duration_ms     integer NOT NULL
);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id DESC);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (subscription_id, event_id);
