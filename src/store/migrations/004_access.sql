-- Access control (docs/security.md): people from the catalog, admins from access.yaml, scoped
-- API tokens (a person's own, or a service token that belongs to nobody), sessions of people who
-- signed in with OIDC or a token, and the audit trail.

CREATE TABLE users (
  name         text PRIMARY KEY,
  email        text,
  display_name text,
  groups       jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX users_email ON users (lower(email));

CREATE TABLE admins (
  ref text PRIMARY KEY -- user:NAME or group:NAME
);

-- Tokens made before scopes existed were admin tokens.
ALTER TABLE api_tokens ADD COLUMN scopes jsonb NOT NULL DEFAULT '["admin"]';
ALTER TABLE api_tokens ADD COLUMN team text;
-- The person the token acts as; null: a service token (CI, automation, the bootstrap token).
ALTER TABLE api_tokens ADD COLUMN owner text;
ALTER TABLE api_tokens ADD COLUMN created_by text;
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN revoked_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN bootstrap boolean NOT NULL DEFAULT false;
UPDATE api_tokens SET bootstrap = true WHERE role = 'admin';
ALTER TABLE api_tokens DROP COLUMN role;

-- A session is a person's (signed in with OIDC: user_name) or a token's (signed in by pasting it).
ALTER TABLE sessions ALTER COLUMN token_id DROP NOT NULL;
ALTER TABLE sessions ADD COLUMN user_name text;
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;

CREATE TABLE audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,      -- a person's name, a token's name, or "anonymous"
  actor_kind  text NOT NULL,      -- person | service | anonymous
  token_id    text,
  action      text NOT NULL,      -- e.g. POST /api/v1/deployments/:id/cancel, signin
  resource    text,               -- e.g. deployments/<id>
  outcome     text NOT NULL,      -- success | denied | failed
  status      integer,
  address     text,
  user_agent  text,
  detail      jsonb
);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_action ON audit (action, id);
