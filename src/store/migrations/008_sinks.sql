-- Delivery of the outbox to each sink (NATS, each webhook subscription, Slack): how far in the
-- event log each has got (`position`: every event at or below it was delivered or skipped), and
-- its health. One process at a time delivers to a sink (its lease: locked_by/locked_until).
CREATE TABLE sink_cursors (
  name              text PRIMARY KEY,
  position          bigint NOT NULL,
  delivered         bigint NOT NULL DEFAULT 0,
  -- consecutive failed attempts, and since when the sink has been failing (null: healthy)
  attempts          integer NOT NULL DEFAULT 0,
  failing_since     timestamptz,
  last_error        text,
  last_error_at     timestamptz,
  last_delivered_at timestamptz,
  next_attempt_at   timestamptz,
  locked_by         text,
  locked_until      timestamptz,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
