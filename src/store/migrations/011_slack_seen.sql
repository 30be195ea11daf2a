-- Slack interaction requests already taken (docs/integrations/slack-interactions.md): a replay of
-- a signed request inside its 5-minute window is refused. Kept in the database, not in memory, so
-- every replica refuses a request another one took. A row is useless once its timestamp is out of
-- the window (the signature check refuses it anyway): expired rows are deleted as new ones come.
CREATE TABLE slack_seen_requests (
  signature  text PRIMARY KEY,        -- `v0=<hex>`: HMAC over the timestamp and the body, so unique per request
  expires_at timestamptz NOT NULL
);
CREATE INDEX slack_seen_requests_expiry ON slack_seen_requests (expires_at);
